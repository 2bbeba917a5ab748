"""The volume policy, apart from the protocol: parse it from the manifest's config, apply it to a
VolumeCreateConfig. Pure functions over dicts, so every rule is tested without a server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_DRIVER = "local"
"""The driver the daemon picks after the hook when a request names none."""


class PolicyError(ValueError):
    """The manifest's config is unusable; the message names the field."""


@dataclass(frozen=True)
class VolumePolicy:
    driver_opts: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    allowed_drivers: frozenset[str] | None = None
    """None = any driver."""
    label_prefix: str = ""
    """When set, `<prefix>.defaulted` records which DriverOpts the policy filled in."""


def parse_policy(config: Any) -> VolumePolicy:
    """{"defaults": {"DriverOpts": {...}, "Labels": {...}}, "allowedDrivers": [...], "labelPrefix": "..."}."""
    if config is None:
        return VolumePolicy()
    if not isinstance(config, dict):
        raise PolicyError(f"config must be an object, not {type(config).__name__}")
    unknown = set(config) - {"defaults", "allowedDrivers", "labelPrefix"}
    if unknown:
        raise PolicyError(f"unknown config field(s) {sorted(unknown)}; known: defaults, allowedDrivers, labelPrefix")
    defaults = config.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - {"DriverOpts", "Labels"}:
        raise PolicyError('config.defaults must be an object with "DriverOpts" and/or "Labels"')
    allowed = config.get("allowedDrivers")
    if allowed is not None and (not isinstance(allowed, list) or not all(isinstance(d, str) and d for d in allowed)):
        raise PolicyError("config.allowedDrivers must be a list of driver names")
    prefix = config.get("labelPrefix", "")
    if not isinstance(prefix, str):
        raise PolicyError("config.labelPrefix must be a string")
    return VolumePolicy(
        driver_opts=_string_map(defaults.get("DriverOpts"), "config.defaults.DriverOpts"),
        labels=_string_map(defaults.get("Labels"), "config.defaults.Labels"),
        allowed_drivers=frozenset(allowed) if allowed is not None else None,
        label_prefix=prefix.rstrip("."),
    )


def _string_map(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise PolicyError(f"{where} must map names to strings (Docker's DriverOpts and Labels are strings)")
    return dict(value)


def disallowed_driver_message(policy: VolumePolicy, config: dict[str, Any]) -> str | None:
    """Why the requested driver is refused, or None. An empty Driver means the daemon's default."""
    if policy.allowed_drivers is None:
        return None
    driver = config.get("Driver") or DEFAULT_DRIVER
    if driver in policy.allowed_drivers:
        return None
    allowed = ", ".join(sorted(policy.allowed_drivers)) or "none"
    return f'volume driver "{driver}" is not allowed on this host; allowed: {allowed}'


def apply_defaults(policy: VolumePolicy, config: dict[str, Any]) -> None:
    """Fills in missing DriverOpts and Labels in place. What the request set always wins; other
    fields are left alone, and an absent or null map is created only when something goes in."""
    opts = config.get("DriverOpts") or {}
    defaulted = sorted(key for key in policy.driver_opts if key not in opts)
    labels = config.get("Labels") or {}
    labels_added = {key: value for key, value in policy.labels.items() if key not in labels}
    if policy.label_prefix and defaulted:
        labels_added[f"{policy.label_prefix}.defaulted"] = ",".join(defaulted)
    if defaulted:
        config["DriverOpts"] = opts | {key: policy.driver_opts[key] for key in defaulted}
    if labels_added:
        config["Labels"] = labels | labels_added
