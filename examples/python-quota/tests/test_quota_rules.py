"""The DiskQuota convention, table-driven: parsing values, converting env to the map, the config."""

from __future__ import annotations

import copy

import pytest

from disk_quota.quota import QuotaError, QuotaPolicy, convert_env_quota, parse_disk_quota, parse_policy

POLICY = QuotaPolicy(max_bytes=500 * 2**30, max_size="500g")


@pytest.mark.parametrize(("value", "expected"), [
    ("10g", {"/": "10g"}),
    ("/=10g;/data=50G;.*=100g", {"/": "10g", "/data": "50G", ".*": "100g"}),
    ("/data=1.5t, /logs=512m", {"/data": "1.5t", "/logs": "512m"}),
    ("/=1g;/=2g", {"/": "2g"}),
    ("/data=100", {"/data": "100"}),
])
def test_disk_quota_values_parse_into_the_map(value, expected):
    assert parse_disk_quota(value, "env DiskQuota") == expected


@pytest.mark.parametrize(("value", "message"), [
    ("", "env DiskQuota is empty"),
    ("ten gigs", 'env DiskQuota /: "ten gigs" is not a size'),
    ("data=10g", 'env DiskQuota: "data" is not a mount path'),
    ("/data=", 'env DiskQuota /data: "" is not a size'),
])
def test_malformed_values_are_refused_naming_the_part(value, message):
    with pytest.raises(QuotaError) as raised:
        parse_disk_quota(value, "env DiskQuota")
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(("request_config", "expected"), [
    pytest.param({"Image": "busybox", "Env": ["A=1", "DiskQuota=/=10g;/data=50g", "B=2"]},
                 {"Image": "busybox", "Env": ["A=1", "B=2"], "DiskQuota": {"/": "10g", "/data": "50g"}},
                 id="env moves into the map"),
    pytest.param({"Env": ["DiskQuota=10g"], "DiskQuota": {"/": "20g", "/logs": "1g"}},
                 {"Env": [], "DiskQuota": {"/": "20g", "/logs": "1g"}},
                 id="the API field wins for the same path"),
    pytest.param({"Env": ["A=1"], "DiskQuota": None, "XFuture": True},
                 {"Env": ["A=1"], "DiskQuota": None, "XFuture": True}, id="no env var: untouched"),
    pytest.param({"Env": None}, {"Env": None}, id="null env: untouched"),
])
def test_the_env_var_becomes_the_disk_quota_map(request_config, expected):
    config = copy.deepcopy(request_config)
    convert_env_quota(POLICY, config, "container")
    assert config == expected


def test_keep_env_leaves_the_variable_for_the_container():
    config = {"Env": ["DiskQuota=10g"]}
    convert_env_quota(QuotaPolicy(keep_env=True), config, "container")
    assert config == {"Env": ["DiskQuota=10g"], "DiskQuota": {"/": "10g"}}


def test_a_size_over_the_maximum_is_refused():
    with pytest.raises(QuotaError) as raised:
        convert_env_quota(POLICY, {"Env": ["DiskQuota=/data=1t"]}, "container")
    assert str(raised.value) == "container env DiskQuota: /data=1t exceeds this host's maximum of 500g"


def test_the_config_is_parsed_and_checked(manifest):
    assert parse_policy(manifest["config"]) == POLICY
    assert parse_policy(None) == QuotaPolicy()
    for config, message in [({"maxsize": "1g"}, "unknown config field(s) ['maxsize']"),
                            ({"keepEnv": "yes"}, "config.keepEnv must be true or false"),
                            ({"maxSize": "lots"}, 'config.maxSize: "lots" is not a size'),
                            ({"envVar": "A=B"}, "config.envVar must be an env variable name")]:
        with pytest.raises(QuotaError) as raised:
            parse_policy(config)
        assert str(raised.value).startswith(message)
