"""The policy's rules, table-driven: parsing the manifest config, refusing drivers, filling defaults."""

from __future__ import annotations

import copy

import pytest

from volume_defaults.policy import PolicyError, VolumePolicy, apply_defaults, disallowed_driver_message, parse_policy

POLICY = VolumePolicy(driver_opts={"size": "10G", "uid": "0"}, labels={"owner": "platform"},
                      allowed_drivers=frozenset({"local", "tmpfs"}), label_prefix="io.hookd.vd")


@pytest.mark.parametrize(("request_config", "expected"), [
    pytest.param({"Name": "v"},
                 {"Name": "v", "DriverOpts": {"size": "10G", "uid": "0"},
                  "Labels": {"owner": "platform", "io.hookd.vd.defaulted": "size,uid"}}, id="empty request"),
    pytest.param({"Name": "v", "DriverOpts": {"size": "1G"}, "Labels": {"owner": "team-a"}},
                 {"Name": "v", "DriverOpts": {"size": "1G", "uid": "0"},
                  "Labels": {"owner": "team-a", "io.hookd.vd.defaulted": "uid"}}, id="the request's values win"),
    pytest.param({"Name": "", "Driver": "", "DriverOpts": None, "Labels": None, "XFuture": {"k": [1]}},
                 {"Name": "", "Driver": "", "DriverOpts": {"size": "10G", "uid": "0"},
                  "Labels": {"owner": "platform", "io.hookd.vd.defaulted": "size,uid"}, "XFuture": {"k": [1]}},
                 id="null maps and unknown fields"),
    pytest.param({"DriverOpts": {"size": "1G", "uid": "1000"}, "Labels": {"owner": "x"}},
                 {"DriverOpts": {"size": "1G", "uid": "1000"}, "Labels": {"owner": "x"}}, id="nothing to fill"),
])
def test_defaults_fill_only_what_the_request_left_out(request_config, expected):
    config = copy.deepcopy(request_config)
    apply_defaults(POLICY, config)
    assert config == expected


def test_no_prefix_means_no_provenance_label():
    config: dict = {}
    apply_defaults(VolumePolicy(driver_opts={"size": "1G"}), config)
    assert config == {"DriverOpts": {"size": "1G"}}


@pytest.mark.parametrize(("driver", "refusal"), [
    ("local", None),
    ("", None),  # the daemon defaults an empty driver to local
    ("tmpfs", None),
    ("nfs", 'volume driver "nfs" is not allowed on this host; allowed: local, tmpfs'),
])
def test_only_allowed_drivers_pass(driver, refusal):
    assert disallowed_driver_message(POLICY, {"Driver": driver}) == refusal


def test_without_an_allow_list_every_driver_passes():
    assert disallowed_driver_message(VolumePolicy(), {"Driver": "anything"}) is None


def test_parse_policy_reads_the_manifest_shape(manifest):
    policy = parse_policy(manifest["config"])
    assert policy.driver_opts == {"size": "10G"}
    assert policy.allowed_drivers == frozenset({"local", "tmpfs"})
    assert policy.label_prefix == "io.hookd.volume-defaults"
    assert parse_policy(None) == VolumePolicy()


@pytest.mark.parametrize(("config", "message"), [
    ([], "config must be an object, not list"),
    ({"default": {}}, "unknown config field(s) ['default']"),
    ({"defaults": {"Opts": {}}}, 'config.defaults must be an object with "DriverOpts" and/or "Labels"'),
    ({"defaults": {"DriverOpts": {"size": 10}}}, "config.defaults.DriverOpts must map names to strings"),
    ({"allowedDrivers": "local"}, "config.allowedDrivers must be a list of driver names"),
    ({"labelPrefix": 3}, "config.labelPrefix must be a string"),
])
def test_unusable_configs_are_refused_naming_the_field(config, message):
    with pytest.raises(PolicyError) as raised:
        parse_policy(config)
    assert str(raised.value).startswith(message)
