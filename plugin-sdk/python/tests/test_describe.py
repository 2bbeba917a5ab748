"""Describe: identity, protocol versions, and a subscription derived from overridden methods."""

from __future__ import annotations

import pytest

import hookd_plugin
from hookd_plugin._gen.hookd.v1 import plugin_pb2 as pb
from hookd_plugin.testing import PluginClient


class Nothing(hookd_plugin.Plugin):
    name, version = "nothing", "0.1.0"


class VolumeOnly(hookd_plugin.Plugin):
    name, version = "volumes", "2.0.0"

    def volume_pre_create(self, ctx, config):
        return None


class VolumeAndEndpoint(VolumeOnly):
    """Inherits volume_pre_create and adds a hook with options."""

    @hookd_plugin.hook_options(timeout_ms=1500, failure_policy="ignore")
    async def container_pre_create_endpoint(self, ctx, endpoint, container_id, env, phase):
        return None


class Api(hookd_plugin.Plugin):
    name = "api"

    def api_update_handler(self, ctx, routes):
        return None

    def handle_http(self, ctx, phase, request, response):
        return None


def test_describe_reports_identity_and_protocol_version_1():
    reply = PluginClient(VolumeOnly()).describe()
    assert (reply.name, reply.version, list(reply.protocol_versions)) == ("volumes", "2.0.0", ["1"])


def test_a_plugin_that_overrides_no_hook_subscribes_to_none():
    assert PluginClient(Nothing()).subscribed_hooks() == []


def test_the_subscription_is_the_overridden_methods_including_inherited_ones():
    assert PluginClient(VolumeOnly()).subscribed_hooks() == ["HOOK_VOLUME_PRE_CREATE"]
    assert PluginClient(VolumeAndEndpoint()).subscribed_hooks() == [
        "HOOK_CONTAINER_PRE_CREATE_ENDPOINT", "HOOK_VOLUME_PRE_CREATE"]


def test_hook_options_from_the_decorator_are_sent_with_the_subscription():
    hooks = {sub.hook: sub for sub in PluginClient(VolumeAndEndpoint()).describe().hooks}
    endpoint = hooks[pb.HOOK_CONTAINER_PRE_CREATE_ENDPOINT]
    assert endpoint.options.timeout_ms == 1500
    assert endpoint.options.failure_policy == pb.FAILURE_POLICY_IGNORE
    assert not hooks[pb.HOOK_VOLUME_PRE_CREATE].HasField("options")


def test_handle_http_is_served_with_api_update_handler_and_is_not_a_hook_of_its_own():
    assert PluginClient(Api()).subscribed_hooks() == ["HOOK_API_UPDATE_HANDLER"]


def test_every_hook_of_the_proto_has_a_method():
    from hookd_plugin.hooks import HOOKS

    served = {spec.hook for spec in HOOKS if spec.hook is not None}
    assert served == {value for value in pb.Hook.values() if value != pb.HOOK_UNSPECIFIED}
    rpcs = {method.name for method in pb.DESCRIPTOR.services_by_name["Plugin"].methods}
    assert rpcs == {spec.rpc for spec in HOOKS} | {"Describe", "Configure", "Shutdown"}


def test_a_plugin_without_a_name_is_refused_before_it_serves():
    class Nameless(hookd_plugin.Plugin):
        pass

    with pytest.raises(ValueError, match="Nameless has no name"):
        PluginClient(Nameless())
