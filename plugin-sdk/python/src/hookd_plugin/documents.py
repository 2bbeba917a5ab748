"""Small edits of Docker/Pouch JSON documents that keep everything they do not touch.

The host diffs the document a plugin returns against the one it sent, so an edit must change only
what it means to: these helpers never reorder, normalise or drop other keys, never turn a missing
or null field into an empty one unless they add to it, and keep an env entry in its place when
they change its value.

Env is Docker's list of "KEY=VALUE" strings, in `config["Env"]` (or pass the list itself).
Labels are `doc["Labels"]`; annotations are Pouch's `doc["SpecAnnotation"]`; both string maps.
"""

from __future__ import annotations

from typing import Any

JsonObject = dict[str, Any]
EnvTarget = JsonObject | list[str]


def _env_list(target: EnvTarget, *, create: bool) -> list[str] | None:
    if isinstance(target, list):
        return target
    env = target.get("Env")
    if env is None and create:
        env = target["Env"] = []
    return env


def _entry_key(entry: str) -> str:
    return entry.split("=", 1)[0]


def get_env(target: EnvTarget, key: str) -> str | None:
    """The value of `key`, or None when absent (or present without "=", which Docker treats as unset)."""
    for entry in _env_list(target, create=False) or []:
        name, sep, value = entry.partition("=")
        if name == key and sep:
            return value
    return None


def set_env(target: EnvTarget, key: str, value: str) -> None:
    """Sets `key`: replaces the first entry in place (dropping later duplicates), or appends."""
    if not key or "=" in key:
        raise ValueError(f"invalid env variable name {key!r}")
    env = _env_list(target, create=True)
    assert env is not None
    positions = [i for i, entry in enumerate(env) if _entry_key(entry) == key]
    if not positions:
        env.append(f"{key}={value}")
        return
    env[positions[0]] = f"{key}={value}"
    for i in reversed(positions[1:]):
        del env[i]


def unset_env(target: EnvTarget, key: str) -> str | None:
    """Removes every entry for `key`; returns the value it had (None if it had none)."""
    env = _env_list(target, create=False)
    if env is None:
        return None
    previous = get_env(env, key)
    env[:] = [entry for entry in env if _entry_key(entry) != key]
    return previous


def _string_map(doc: JsonObject, field: str, *, create: bool) -> dict[str, str] | None:
    mapping = doc.get(field)
    if mapping is None and create:
        mapping = doc[field] = {}
    return mapping


def get_label(doc: JsonObject, key: str) -> str | None:
    return (_string_map(doc, "Labels", create=False) or {}).get(key)


def set_label(doc: JsonObject, key: str, value: str) -> None:
    labels = _string_map(doc, "Labels", create=True)
    assert labels is not None
    labels[key] = value


def unset_label(doc: JsonObject, key: str) -> str | None:
    return (_string_map(doc, "Labels", create=False) or {}).pop(key, None)


def get_annotation(doc: JsonObject, key: str) -> str | None:
    return (_string_map(doc, "SpecAnnotation", create=False) or {}).get(key)


def set_annotation(doc: JsonObject, key: str, value: str) -> None:
    annotations = _string_map(doc, "SpecAnnotation", create=True)
    assert annotations is not None
    annotations[key] = value


def unset_annotation(doc: JsonObject, key: str) -> str | None:
    return (_string_map(doc, "SpecAnnotation", create=False) or {}).pop(key, None)
