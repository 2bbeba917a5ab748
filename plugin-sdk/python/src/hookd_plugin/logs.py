"""Logs as JSON lines on stderr, the form the host forwards into the daemon's log keeping the level:
{"level":"info","time":1764331200000,"msg":"configured","plugin":"quota"}.

stdout is never written: it belongs to the plugin author, and the host treats it as plain text.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from typing import Any, TextIO

_LEVELS = {"WARNING": "warn", "CRITICAL": "fatal"}
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonLineFormatter(logging.Formatter):
    """One JSON object per record: level, time (ms since the epoch), msg, then any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "level": _LEVELS.get(record.levelname, record.levelname.lower()),
            "time": int(record.created * 1000),
            "msg": record.getMessage(),
        }
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
        return json.dumps(line, default=str, ensure_ascii=False)


def install_json_logging(stream: TextIO | None = None, level: int = logging.INFO) -> None:
    """Routes the root logger (so the SDK's, the plugin's and its libraries' records) to JSON lines
    on stderr. Replaces existing root handlers: a default handler would print plain text."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
