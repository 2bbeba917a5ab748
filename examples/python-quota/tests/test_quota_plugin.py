"""The plugin as the host sees it: in-process through the SDK's codec, and as a launched process."""

from __future__ import annotations

import json
import sys

import grpc
import pytest

from disk_quota import DiskQuota
from hookd_plugin import HookError
from hookd_plugin._gen.hookd.v1 import plugin_pb2 as pb
from hookd_plugin.testing import PluginClient, launched_plugin


@pytest.fixture
def client(manifest) -> PluginClient:
    client = PluginClient(DiskQuota())
    client.configure(manifest["config"], plugin_name=manifest["name"])
    return client


def test_it_subscribes_to_both_create_paths():
    assert PluginClient(DiskQuota()).subscribed_hooks() == ["HOOK_CONTAINER_PRE_CREATE", "HOOK_CRI_PRE_CREATE_CONTAINER"]


def test_container_pre_create_converts_the_env_var(client):
    out = client.call("container_pre_create", config={"Image": "busybox", "Env": ["DiskQuota=/=10g", "X=1"],
                                                      "HostConfig": {"Memory": 0}}, name="web")
    assert out == {"Image": "busybox", "Env": ["X=1"], "DiskQuota": {"/": "10g"}, "HostConfig": {"Memory": 0}}


def test_cri_pre_create_container_converts_and_then_pre_create_has_nothing_left_to_do(client):
    converted = client.call("cri_pre_create_container", config={"Env": ["DiskQuota=.*=100g"]},
                            sandbox={"ID": "sb-1", "NetNS": "/var/run/netns/x"})
    assert converted == {"Env": [], "DiskQuota": {".*": "100g"}}
    assert client.call("container_pre_create", config=converted, name="") is None


def test_a_container_without_the_env_var_is_unchanged(client):
    assert client.call("container_pre_create", config={"Image": "busybox", "Env": ["A=1"]}, name="") is None


def test_a_bad_quota_is_refused_with_where_it_came_from(client):
    with pytest.raises(HookError) as raised:
        client.call("cri_pre_create_container", config={"Env": ["DiskQuota=/data=2t"]}, sandbox={"ID": "sb-9"})
    assert raised.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.message == (
        "CRI container in sandbox sb-9 env DiskQuota: /data=2t exceeds this host's maximum of 500g")


def test_it_runs_as_its_manifest_launches_it(manifest, example_dir):
    launch = manifest["launch"]
    argv = [sys.executable if launch["command"] == "python3" else launch["command"], *launch["args"]]
    with launched_plugin(argv, env=launch["env"], name=manifest["name"], cwd=example_dir) as launched:
        launched.plugin.Configure(pb.ConfigureRequest(config_json=json.dumps(manifest["config"]).encode(),
                                                      plugin_name=manifest["name"]), timeout=5)
        reply = launched.plugin.ContainerPreCreate(
            pb.ContainerPreCreateRequest(config_json=b'{"Image":"busybox","Env":["DiskQuota=5g"]}'), timeout=5)
        assert json.loads(reply.config.json) == {"Image": "busybox", "Env": [], "DiskQuota": {"/": "5g"}}
        launched.plugin.Shutdown(pb.ShutdownRequest(reason="test over"), timeout=5)
        assert launched.process.wait(timeout=10) == 0
        assert launched.process.stdout.read() == b""
