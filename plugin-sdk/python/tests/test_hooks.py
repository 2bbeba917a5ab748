"""Every hook's request decoding and reply encoding, through PluginClient (the server's own path,
with messages serialized to bytes and parsed back on both sides)."""

from __future__ import annotations

import asyncio
import json

import pytest

import hookd_plugin
from fixtures.every_hook import EveryHook
from hookd_plugin._gen.hookd.v1 import plugin_pb2 as pb
from hookd_plugin.hooks import BY_METHOD, request_from
from hookd_plugin.testing import PluginClient

UNKNOWN = {"XFuture": {"nested": [1, 2.5, None, True], "big": 2**63 + 1}, "Ünïcode": "✓"}

CASES = [
    pytest.param("container_pre_create", {"config": {"Image": "busybox", **UNKNOWN}, "name": "web"},
                 {"Image": "busybox", **UNKNOWN, "SeenName": "web"}, id="container_pre_create"),
    pytest.param("container_pre_start", {"container_id": "c1", "container": {"Id": "c1"}},
                 [pb.OciHook(path="/bin/true", args=["true", "c1"], priority=-100)], id="container_pre_start"),
    pytest.param("container_pre_create_endpoint",
                 {"endpoint": {"Name": "bridge", **UNKNOWN}, "container_id": "c1", "env": ["A=1", "B=2"],
                  "phase": "remove"},
                 {"Name": "bridge", **UNKNOWN, "GenericParams": {"phase": "remove", "env": "A=1,B=2"}},
                 id="container_pre_create_endpoint"),
    pytest.param("container_pre_update", {"container_id": "c1", "body": {"Memory": 1024, **UNKNOWN}},
                 {"Memory": 1024, **UNKNOWN, "SeenId": "c1"}, id="container_pre_update"),
    pytest.param("container_post_update", {"container_id": "c1", "rootfs": "/r", "env": ["A=1"]}, None,
                 id="container_post_update"),
    pytest.param("daemon_pre_start", {"daemon_version": "0.1.0", "data_root": "/d"}, None, id="daemon_pre_start"),
    pytest.param("daemon_pre_stop", {"reason": "SIGTERM"}, None, id="daemon_pre_stop"),
    pytest.param("volume_pre_create", {"config": {"Name": "v", "Labels": None, **UNKNOWN}},
                 {"Name": "v", "Labels": {"seen": "yes"}, **UNKNOWN}, id="volume_pre_create"),
    pytest.param("cri_pre_create_container", {"config": {"Image": "x"}, "sandbox": {"ID": "sb1", "NetNS": "/n"}},
                 {"Image": "x", "SandboxId": "sb1"}, id="cri_pre_create_container"),
    pytest.param("api_update_handler", {"routes": [pb.Route(method="GET", path="/version")]},
                 pb.ApiUpdateHandlerResponse(add=[pb.Route(method="GET", path="/hello")]), id="api_update_handler"),
    pytest.param("handle_http", {"phase": "serve", "request": pb.HttpRequest(method="GET", path="/hello")},
                 pb.HandleHttpResponse(response=pb.HttpResponse(status=200, body=b"hello")), id="handle_http"),
    pytest.param("image_post_pull", {"image_ref": "busybox:latest", "image_id": "sha256:1", "snapshotter": "qcow2",
                                     "image": {"Id": "sha256:1"}}, ["overlayfs"], id="image_post_pull"),
]


@pytest.mark.parametrize(("method", "arguments", "expected"), CASES)
def test_each_hook_decodes_its_request_and_encodes_its_reply(method, arguments, expected):
    assert PluginClient(EveryHook()).call(method, **arguments) == expected


def test_the_request_a_host_sends_is_what_the_handler_receives():
    received = {}

    class Recorder(hookd_plugin.Plugin):
        name = "recorder"

        def container_pre_create_endpoint(self, ctx, endpoint, container_id, env, phase):
            received.update(ctx=ctx, endpoint=endpoint, container_id=container_id, env=env, phase=phase)

    spec = BY_METHOD["container_pre_create_endpoint"]
    request = pb.ContainerPreCreateEndpointRequest(
        context=pb.RequestContext(request_id="req-7"), container_id="c9", env=["X=1"],
        endpoint_json=b'{"Name":"net","Priority":3}', phase=pb.ENDPOINT_PHASE_CREATE)
    assert request_from(spec, {"endpoint": {"Name": "net", "Priority": 3}, "container_id": "c9", "env": ["X=1"],
                               "phase": "create"}, "req-7") == request
    assert PluginClient(Recorder()).call("container_pre_create_endpoint", request_id="req-7",
                                         endpoint={"Name": "net", "Priority": 3}, container_id="c9",
                                         env=["X=1"], phase="create") is None
    assert received["ctx"].request_id == "req-7" and received["ctx"].hook == "container_pre_create_endpoint"
    assert (received["endpoint"], received["container_id"], received["env"], received["phase"]) == (
        {"Name": "net", "Priority": 3}, "c9", ["X=1"], "create")


def test_returning_none_leaves_the_reply_document_unset():
    class Unchanged(hookd_plugin.Plugin):
        name = "unchanged"

        async def container_pre_create(self, ctx, config, name):
            return None

    service_reply = PluginClient(Unchanged()).call("container_pre_create", config={"Image": "x"}, name="")
    assert service_reply is None


def test_returning_a_document_equal_to_the_input_leaves_the_reply_unset():
    class Same(hookd_plugin.Plugin):
        name = "same"

        def volume_pre_create(self, ctx, config):
            return dict(config)

    assert PluginClient(Same()).call("volume_pre_create", config={"Name": "v"}) is None


def test_a_document_mutated_in_place_is_sent_even_when_the_handler_returns_none():
    class InPlace(hookd_plugin.Plugin):
        name = "in-place"

        def volume_pre_create(self, ctx, config):
            config["Driver"] = "local"

    assert PluginClient(InPlace()).call("volume_pre_create", config={"Name": "v"}) == {"Name": "v", "Driver": "local"}


def test_unknown_fields_survive_a_round_trip():
    document = {"Image": "x", "HostConfig": {"Memory": 0, "Future": {"a": [{"b": None}]}}, "Big": 12345678901234567890,
                "Float": 0.1, "Empty": {}, "EmptyList": [], "Null": None}

    class Touch(hookd_plugin.Plugin):
        name = "touch"

        def container_pre_create(self, ctx, config, name):
            hookd_plugin.set_label(config, "touched", "yes")
            return config

    out = PluginClient(Touch()).call("container_pre_create", config=document, name="")
    assert out == {**document, "Labels": {"touched": "yes"}}


def test_sync_and_async_handlers_give_the_same_reply():
    class Sync(hookd_plugin.Plugin):
        name = "sync"

        def volume_pre_create(self, ctx, config):
            config["Driver"] = "local"
            return config

    class Async(hookd_plugin.Plugin):
        name = "async"

        async def volume_pre_create(self, ctx, config):
            config["Driver"] = "local"
            return config

    results = [PluginClient(p()).call("volume_pre_create", config={"Name": "v"}) for p in (Sync, Async)]
    assert results[0] == results[1] == {"Name": "v", "Driver": "local"}


@pytest.mark.parametrize("body", [b"", b"not json", b"[1,2]", b"null"])
def test_a_pre_update_body_that_is_not_a_json_object_arrives_as_none_and_may_be_replaced(body):
    seen = []

    class Body(hookd_plugin.Plugin):
        name = "body"

        def container_pre_update(self, ctx, container_id, body):
            seen.append(body)
            return {"Memory": 1}

    assert PluginClient(Body()).call("container_pre_update", container_id="c", body=body) == {"Memory": 1}
    assert seen == [None]


def test_oci_hooks_may_be_returned_as_dicts():
    class Dicts(hookd_plugin.Plugin):
        name = "dicts"

        def container_pre_start(self, ctx, container_id, container):
            return [{"path": "/usr/bin/touch", "args": ["touch", "/tmp/x"], "env": ["A=1"], "timeout_seconds": 5}]

    hooks = PluginClient(Dicts()).call("container_pre_start", container_id="c", container={})
    assert hooks == [pb.OciHook(path="/usr/bin/touch", args=["touch", "/tmp/x"], env=["A=1"], timeout_seconds=5)]


def test_an_enum_value_from_a_newer_host_reads_as_unspecified():
    phases = []

    class Phases(hookd_plugin.Plugin):
        name = "phases"

        def container_pre_create_endpoint(self, ctx, endpoint, container_id, env, phase):
            phases.append(phase)

    client = PluginClient(Phases())
    request = pb.ContainerPreCreateEndpointRequest(endpoint_json=b"{}", phase=7)
    asyncio.run(client._rpc("ContainerPreCreateEndpoint", request))
    assert phases == ["unspecified"]
