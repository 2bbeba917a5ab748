"""Logs as JSON lines on stderr, the form the host forwards into the daemon's log keeping the level:
{"level":"info","msg":"configured","time":"2026-01-01T00:00:00.000Z","plugin":"quota"}
(the same shape as the Node SDK's lines). HOOKD_LOG_LEVEL (debug | info | warn | error) sets the
minimum level, default info.

stdout is never written: it belongs to the plugin author, and the host treats it as plain text.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from datetime import datetime, timezone
from typing import Any, TextIO

_LEVELS = {"WARNING": "warn", "CRITICAL": "fatal"}
_THRESHOLDS = {"debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING, "error": logging.ERROR}
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonLineFormatter(logging.Formatter):
    """One JSON object per record: level, msg, time (ISO 8601, UTC), plugin, then `extra` fields."""

    def __init__(self, plugin: str = "") -> None:
        super().__init__()
        self.plugin = plugin

    def format(self, record: logging.LogRecord) -> str:
        time = datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
        line: dict[str, Any] = {
            "level": _LEVELS.get(record.levelname, record.levelname.lower()),
            "msg": record.getMessage(),
            "time": time.replace("+00:00", "Z"),
        }
        if self.plugin:
            line["plugin"] = self.plugin
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                line[key] = value
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            line["err"] = {
                "type": type(error).__name__,
                "message": str(error),
                "stack": "".join(traceback.format_exception(error)),
            }
        return json.dumps(line, default=str, ensure_ascii=False, separators=(",", ":"))


class FieldsAdapter(logging.LoggerAdapter[logging.Logger]):
    """A logger that adds fixed fields (the hook, the request id) to every line and, unlike the
    stdlib adapter before Python 3.13, keeps the call's own `extra` fields too."""

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        kwargs["extra"] = {**(self.extra or {}), **(kwargs.get("extra") or {})}
        return msg, kwargs


def install_json_logging(plugin: str = "", stream: TextIO | None = None) -> None:
    """Routes the root logger (so the SDK's, the plugin's and its libraries' records) to JSON lines
    on stderr. Replaces existing root handlers: a default handler would print plain text."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLineFormatter(plugin))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(_THRESHOLDS.get(os.environ.get("HOOKD_LOG_LEVEL", "").strip(), logging.INFO))
