"""PouchContainer's DiskQuota convention, apart from the protocol.

Legacy (alidocker/sigma) deployments ask for disk quotas in an env var rather than in the API's
`DiskQuota` field: `DiskQuota=10g` (the root filesystem) or `DiskQuota=/=10g;/data=50g;.*=100g`
(per mount path; `.*` = every other path). This module turns that value into Pouch's
`DiskQuota` map ({"/": "10g", "/data": "50g", ".*": "100g"}), and checks sizes against a maximum.
Pure functions; every rule is tested without a server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import hookd_plugin

ROOTFS = "/"
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([bkmgtp]?)b?$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "p": 2**50}


class QuotaError(ValueError):
    """A quota value or the plugin config is unusable; the message says which part."""


@dataclass(frozen=True)
class QuotaPolicy:
    env_var: str = "DiskQuota"
    keep_env: bool = False
    """Keep the env var in the container after converting it (off: the container never sees it)."""
    max_bytes: int | None = None
    max_size: str = ""


def parse_policy(config: Any) -> QuotaPolicy:
    """{"envVar": "DiskQuota", "keepEnv": false, "maxSize": "500g"}, every field optional."""
    if config is None:
        return QuotaPolicy()
    if not isinstance(config, dict):
        raise QuotaError(f"config must be an object, not {type(config).__name__}")
    unknown = set(config) - {"envVar", "keepEnv", "maxSize"}
    if unknown:
        raise QuotaError(f"unknown config field(s) {sorted(unknown)}; known: envVar, keepEnv, maxSize")
    env_var = config.get("envVar", "DiskQuota")
    if not isinstance(env_var, str) or not env_var or "=" in env_var:
        raise QuotaError("config.envVar must be an env variable name")
    keep_env = config.get("keepEnv", False)
    if not isinstance(keep_env, bool):
        raise QuotaError("config.keepEnv must be true or false")
    max_size = config.get("maxSize", "")
    if not isinstance(max_size, str):
        raise QuotaError('config.maxSize must be a size string such as "500g"')
    max_bytes = size_in_bytes(max_size, "config.maxSize") if max_size else None
    return QuotaPolicy(env_var=env_var, keep_env=keep_env, max_bytes=max_bytes, max_size=max_size)


def size_in_bytes(size: str, where: str) -> int:
    match = _SIZE.match(size.strip())
    if not match:
        raise QuotaError(f'{where}: "{size}" is not a size (a number with an optional unit b, k, m, g, t or p)')
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def parse_disk_quota(value: str, where: str) -> dict[str, str]:
    """"10g" -> {"/": "10g"}; "/=10g;/data=50g;.*=100g" -> one entry per path. Entries are
    separated by ";" or ","; a later entry for the same path wins, as in Pouch."""
    quotas: dict[str, str] = {}
    entries = [entry.strip() for entry in re.split(r"[;,]", value) if entry.strip()]
    if not entries:
        raise QuotaError(f"{where} is empty")
    for entry in entries:
        path, sep, size = entry.rpartition("=")
        path = path.strip() if sep else ROOTFS
        if not (path.startswith("/") or path == ".*"):
            raise QuotaError(f'{where}: "{path}" is not a mount path (it must start with "/", or be ".*")')
        size_in_bytes(size, f"{where} {path}")
        quotas[path] = size.strip()
    return quotas


def convert_env_quota(policy: QuotaPolicy, config: dict[str, Any], source: str) -> None:
    """Moves the legacy env var into config["DiskQuota"], in place. Paths the request already set
    in the DiskQuota field keep their value (the API field is the user's explicit word). Raises
    QuotaError if the value is malformed or a size exceeds the policy's maximum."""
    value = hookd_plugin.get_env(config, policy.env_var)
    if value is None:
        return
    where = f"{source} env {policy.env_var}"
    from_env = parse_disk_quota(value, where)
    explicit = config.get("DiskQuota") or {}
    merged = from_env | explicit
    if policy.max_bytes is not None:
        for path, size in merged.items():
            if size_in_bytes(size, where) > policy.max_bytes:
                raise QuotaError(f"{where}: {path}={size} exceeds this host's maximum of {policy.max_size}")
    config["DiskQuota"] = merged
    if not policy.keep_env:
        hookd_plugin.unset_env(config, policy.env_var)
