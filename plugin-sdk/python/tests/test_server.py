"""The gRPC server in-process: health, Describe, Configure and Shutdown over a real connection."""

from __future__ import annotations

import asyncio

import hookd_plugin
from grpc_health.v1 import health_pb2
from hookd_plugin._gen.hookd.v1 import plugin_pb2 as pb
from hookd_plugin.testing import serve_on_temp_socket


class Configurable(hookd_plugin.Plugin):
    name, version = "configurable", "1.0.0"
    shutdown_reason = ""

    def volume_pre_create(self, ctx, config):
        config["DriverOpts"] = {"size": self.config["size"]}
        return config

    async def shutdown(self, reason):
        self.shutdown_reason = reason


def test_health_is_serving_for_the_server_and_the_plugin_service():
    async def scenario():
        async with serve_on_temp_socket(Configurable()) as served:
            return [(await served.health.Check(health_pb2.HealthCheckRequest(service=name))).status
                    for name in ("", "hookd.v1.Plugin")]

    assert asyncio.run(scenario()) == [health_pb2.HealthCheckResponse.SERVING] * 2


def test_configure_delivers_the_manifest_config_before_hooks_use_it():
    plugin = Configurable()

    async def scenario():
        async with serve_on_temp_socket(plugin) as served:
            await served.plugin.Configure(pb.ConfigureRequest(config_json=b'{"size":"10G"}', plugin_name="vols"))
            reply = await served.plugin.VolumePreCreate(pb.VolumePreCreateRequest(config_json=b'{"Name":"v"}'))
            return reply.config.json

    assert asyncio.run(scenario()) == b'{"Name":"v","DriverOpts":{"size":"10G"}}'
    assert plugin.config == {"size": "10G"} and plugin.plugin_name == "vols"


def test_a_null_config_is_delivered_as_none():
    plugin = Configurable()

    async def scenario():
        async with serve_on_temp_socket(plugin) as served:
            await served.plugin.Configure(pb.ConfigureRequest(config_json=b"null"))

    asyncio.run(scenario())
    assert plugin.config is None


def test_shutdown_answers_then_stops_the_server():
    plugin = Configurable()

    async def scenario():
        async with serve_on_temp_socket(plugin) as served:
            await served.plugin.Shutdown(pb.ShutdownRequest(reason="manifest removed"))
            await asyncio.wait_for(served.server.stopped.wait(), timeout=5)
            return served.server.stop_reason

    assert asyncio.run(scenario()) == "Shutdown RPC"
    assert plugin.shutdown_reason == "manifest removed"
