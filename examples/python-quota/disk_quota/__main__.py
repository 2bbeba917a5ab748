import hookd_plugin

from .plugin import DiskQuota

hookd_plugin.serve(DiskQuota())
