"""How failures become gRPC statuses: in-process (PluginClient) and over a real gRPC connection."""

from __future__ import annotations

import asyncio

import grpc
import pytest

import hookd_plugin
from hookd_plugin import HookError, Reject
from hookd_plugin._gen.hookd.v1 import plugin_pb2 as pb
from hookd_plugin.testing import PluginClient, serve_on_temp_socket


NOT_IMPLEMENTED = 'plugin "failing" does not implement DaemonPreStop (it is not in its Describe subscription)'


class Failing(hookd_plugin.Plugin):
    """Each hook fails in a different way."""

    name = "failing"

    def container_pre_create(self, ctx, config, name):
        raise Reject("Memory must be set")

    async def volume_pre_create(self, ctx, config):
        raise Reject("quota service unreachable", code=grpc.StatusCode.FAILED_PRECONDITION)

    def container_pre_update(self, ctx, container_id, body):
        return body["Missing"]

    async def cri_pre_create_container(self, ctx, config, sandbox):
        return "not a document"

    def container_pre_start(self, ctx, container_id, container):
        return [{"path": "relative/hook"}]

    def configure(self, config):
        if config.get("limit", 0) < 0:
            raise Reject("limit must be >= 0")
        _ = config["required"]


CASES = [
    pytest.param("container_pre_create", {"config": {}, "name": ""}, grpc.StatusCode.INVALID_ARGUMENT,
                 "Memory must be set", id="reject"),
    pytest.param("volume_pre_create", {"config": {}}, grpc.StatusCode.FAILED_PRECONDITION,
                 "quota service unreachable", id="reject-precondition"),
    pytest.param("container_pre_update", {"container_id": "c", "body": {}}, grpc.StatusCode.UNKNOWN,
                 "KeyError: 'Missing'", id="bug"),
    pytest.param("cri_pre_create_container", {"config": {}, "sandbox": {}}, grpc.StatusCode.UNKNOWN,
                 "TypeError: cri_pre_create_container must return the whole document (a dict) or None, not str",
                 id="bad-reply"),
    pytest.param("container_pre_start", {"container_id": "c", "container": {}}, grpc.StatusCode.UNKNOWN,
                 "ValueError: container_pre_start returned an OCI hook whose path 'relative/hook' is not absolute",
                 id="bad-oci-hook"),
    pytest.param("daemon_pre_stop", {"reason": "x"}, grpc.StatusCode.UNIMPLEMENTED,
                 NOT_IMPLEMENTED, id="not-implemented"),
]


@pytest.mark.parametrize(("method", "arguments", "code", "message"), CASES)
def test_a_failing_handler_answers_with_a_status(method, arguments, code, message):
    with pytest.raises(HookError) as raised:
        PluginClient(Failing()).call(method, **arguments)
    assert (raised.value.code, raised.value.message) == (code, message)


def test_a_request_whose_json_is_invalid_is_refused_as_invalid_argument():
    client = PluginClient(Failing())
    with pytest.raises(HookError) as raised:
        asyncio.run(client._rpc("ContainerPreCreate", pb.ContainerPreCreateRequest(config_json=b"{nope")))
    assert raised.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.message.startswith("config_json is not valid JSON")


@pytest.mark.parametrize(("config", "message"), [
    ({"limit": -1, "required": 1}, "limit must be >= 0"),
    ({"limit": 1}, "KeyError: 'required'"),
])
def test_an_unusable_config_is_invalid_argument_with_the_plugins_message(config, message):
    with pytest.raises(HookError) as raised:
        PluginClient(Failing()).configure(config)
    assert (raised.value.code, raised.value.message) == (grpc.StatusCode.INVALID_ARGUMENT, message)


def test_statuses_reach_a_real_grpc_client_unchanged():
    async def scenario() -> list[tuple[grpc.StatusCode, str]]:
        seen = []
        async with serve_on_temp_socket(Failing()) as served:
            for call in (
                served.plugin.ContainerPreCreate(pb.ContainerPreCreateRequest(config_json=b"{}")),
                served.plugin.VolumePreCreate(pb.VolumePreCreateRequest(config_json=b"{}")),
                served.plugin.ContainerPreUpdate(pb.ContainerPreUpdateRequest(body=b"{}")),
                served.plugin.DaemonPreStop(pb.DaemonPreStopRequest()),
                served.plugin.Configure(pb.ConfigureRequest(config_json=b'{"limit":-1}')),
            ):
                try:
                    await call
                    seen.append((grpc.StatusCode.OK, ""))
                except grpc.aio.AioRpcError as error:
                    seen.append((error.code(), error.details()))
        return seen

    assert asyncio.run(scenario()) == [
        (grpc.StatusCode.INVALID_ARGUMENT, "Memory must be set"),
        (grpc.StatusCode.FAILED_PRECONDITION, "quota service unreachable"),
        (grpc.StatusCode.UNKNOWN, "KeyError: 'Missing'"),
        (grpc.StatusCode.UNIMPLEMENTED, NOT_IMPLEMENTED),
        (grpc.StatusCode.INVALID_ARGUMENT, "limit must be >= 0"),
    ]


def test_reject_accepts_only_codes_that_mean_a_refusal():
    assert Reject("x", code=grpc.StatusCode.PERMISSION_DENIED).code == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(ValueError, match="Reject code must be one of"):
        Reject("x", code=grpc.StatusCode.UNAVAILABLE)
