"""The plugin as the host sees it: in-process through the SDK's codec, and as a launched process."""

from __future__ import annotations

import json
import sys

import grpc
import pytest

from hookd_plugin import HookError
from hookd_plugin._gen.hookd.v1 import plugin_pb2 as pb
from hookd_plugin.testing import PluginClient, launched_plugin
from volume_defaults import VolumeDefaults


@pytest.fixture
def client(manifest) -> PluginClient:
    client = PluginClient(VolumeDefaults())
    client.configure(manifest["config"], plugin_name=manifest["name"])
    return client


def test_it_subscribes_to_volume_pre_create_only():
    assert PluginClient(VolumeDefaults()).subscribed_hooks() == ["HOOK_VOLUME_PRE_CREATE"]


def test_a_new_volume_gets_the_default_size_and_labels(client):
    out = client.call("volume_pre_create", config={"Name": "data", "Driver": "", "DriverOpts": {}, "Labels": {}})
    assert out == {"Name": "data", "Driver": "", "DriverOpts": {"size": "10G"},
                   "Labels": {"io.hookd.volume.owner": "platform", "io.hookd.volume-defaults.defaulted": "size"}}


def test_a_volume_that_already_has_everything_is_unchanged(client):
    config = {"Name": "data", "DriverOpts": {"size": "1G"}, "Labels": {"io.hookd.volume.owner": "me"}}
    assert client.call("volume_pre_create", config=config) is None


def test_a_disallowed_driver_is_refused_with_the_allowed_list(client):
    with pytest.raises(HookError) as raised:
        client.call("volume_pre_create", config={"Name": "data", "Driver": "nfs"})
    assert raised.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.message == 'volume driver "nfs" is not allowed on this host; allowed: local, tmpfs'


def test_an_unusable_config_fails_configure():
    with pytest.raises(HookError) as raised:
        PluginClient(VolumeDefaults()).configure({"allowedDrivers": "local"})
    assert (raised.value.code, raised.value.message) == (
        grpc.StatusCode.INVALID_ARGUMENT, "config.allowedDrivers must be a list of driver names")


def test_it_runs_as_its_manifest_launches_it(manifest, example_dir):
    launch = manifest["launch"]
    # The host runs `command` in the manifest's directory; here python3 is this test's interpreter.
    argv = [sys.executable if launch["command"] == "python3" else launch["command"], *launch["args"]]
    with launched_plugin(argv, env=launch["env"], name=manifest["name"], cwd=example_dir) as launched:
        launched.plugin.Configure(pb.ConfigureRequest(config_json=json.dumps(manifest["config"]).encode(),
                                                      plugin_name=manifest["name"]), timeout=5)
        reply = launched.plugin.VolumePreCreate(
            pb.VolumePreCreateRequest(config_json=b'{"Name":"v","Labels":null}'), timeout=5)
        assert json.loads(reply.config.json)["DriverOpts"] == {"size": "10G"}
        launched.close_stdin()
        assert launched.process.wait(timeout=10) == 0
        assert launched.process.stdout.read() == b""
