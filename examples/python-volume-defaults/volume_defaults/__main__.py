import hookd_plugin

from .plugin import VolumeDefaults

hookd_plugin.serve(VolumeDefaults())
