"""Log lines: one JSON object per line, the Node SDK's shape, tagged with the hook and request."""

from __future__ import annotations

import io
import json
import logging

import pytest

import hookd_plugin
from hookd_plugin.logs import install_json_logging
from hookd_plugin.testing import PluginClient


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    install_json_logging("logger-test", stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.handlers[:], root.level = saved


class Chatty(hookd_plugin.Plugin):
    name = "chatty"

    async def volume_pre_create(self, ctx, config):
        ctx.log.info("checking volume", extra={"volume": config["Name"]})
        raise RuntimeError("disk on fire")


def test_handler_lines_carry_the_hook_the_request_id_and_their_own_fields(log_lines):
    with pytest.raises(hookd_plugin.HookError):
        PluginClient(Chatty()).call("volume_pre_create", request_id="req-42", config={"Name": "v1"})
    info, error = log_lines()
    assert {k: info[k] for k in ("level", "msg", "plugin", "hook", "request_id", "volume")} == {
        "level": "info", "msg": "checking volume", "plugin": "logger-test", "hook": "volume_pre_create",
        "request_id": "req-42", "volume": "v1"}
    assert info["time"].endswith("Z")
    assert (error["level"], error["msg"], error["err"]["type"], error["err"]["message"]) == (
        "error", "volume_pre_create failed", "RuntimeError", "disk on fire")
    assert "Traceback" in error["err"]["stack"]


def test_levels_use_the_node_sdk_names(log_lines):
    logging.getLogger("x").warning("careful")
    assert log_lines()[0]["level"] == "warn"


def test_hookd_log_level_sets_the_threshold(monkeypatch, log_lines):
    monkeypatch.setenv("HOOKD_LOG_LEVEL", "error")
    stream = io.StringIO()
    install_json_logging("p", stream)
    logging.getLogger("x").info("hidden")
    logging.getLogger("x").error("shown")
    assert [json.loads(line)["msg"] for line in stream.getvalue().splitlines()] == ["shown"]
