"""volume-defaults: a hookd plugin that gives new volumes the host's default DriverOpts and Labels
and refuses volume drivers the host does not allow."""

from .plugin import VolumeDefaults

__all__ = ["VolumeDefaults"]
