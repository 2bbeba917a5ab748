"""disk-quota: a hookd plugin that converts the legacy DiskQuota env var into Pouch's DiskQuota map."""

from .plugin import DiskQuota

__all__ = ["DiskQuota"]
