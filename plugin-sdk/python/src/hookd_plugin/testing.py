"""Testing plugins without a daemon.

- `PluginClient(plugin)` calls Describe, Configure, Shutdown and hooks in-process, through the same
  request/reply encoding the server uses (messages are serialized to bytes and parsed back on both
  sides), and raises `HookError` with the status code and message the host would see.
- `serve_on_temp_socket(plugin)` serves the plugin in the current event loop on a unix socket in
  a private temporary directory, for tests that want a real gRPC client.
- `launched_plugin(argv)` starts a plugin *process* the way the daemon does (HOOKD_* variables,
  stdin held open), waits for its first Describe, and closes stdin at the end.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Coroutine, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import grpc
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2_grpc

from ._gen.hookd.v1 import plugin_pb2 as pb
from ._gen.hookd.v1 import plugin_pb2_grpc as pb_grpc
from .errors import HookError
from .hooks import BY_METHOD, encode_json, request_from
from .plugin import Plugin
from .serve import PluginServer
from .service import PROTOCOL_VERSIONS, PluginService

T = TypeVar("T")
M = TypeVar("M", bound=Message)

__all__ = ["HookError", "PluginClient", "ServedPlugin", "launched_plugin", "serve_on_temp_socket"]


def _over_the_wire(message: M) -> M:
    return type(message).FromString(message.SerializeToString())


class PluginClient:
    """Calls a Plugin object as the host would, without a server. Each method has a sync form,
    which runs the call in a fresh event loop, and an `_async` form for tests that already run
    one; use the latter when the plugin keeps loop-bound state (an aiohttp session, a queue)."""

    def __init__(self, plugin: Plugin) -> None:
        self.plugin = plugin
        self.shutdown_requested = False
        self._service = PluginService(plugin, on_shutdown=self._note_shutdown)

    def _note_shutdown(self) -> None:
        self.shutdown_requested = True

    async def _rpc(self, rpc: str, request: Message) -> Any:
        return _over_the_wire(await self._service.call(rpc, _over_the_wire(request)))

    async def describe_async(self) -> pb.DescribeResponse:
        return await self._rpc("Describe", pb.DescribeRequest(host_protocol_versions=list(PROTOCOL_VERSIONS)))

    async def configure_async(self, config: Any = None, plugin_name: str = "") -> None:
        await self._rpc("Configure", pb.ConfigureRequest(
            config_json=encode_json(config), plugin_name=plugin_name or self.plugin.name, protocol_version="1"))

    async def shutdown_async(self, reason: str = "test") -> None:
        await self._rpc("Shutdown", pb.ShutdownRequest(reason=reason))

    async def call_async(self, method: str, *, request_id: str = "test-request", **arguments: Any) -> Any:
        """Calls the hook served by `method` ("volume_pre_create", ...) with the handler's own
        argument names; returns what the host would decode (the document or None, the OCI hooks,
        the snapshotters, or the reply message)."""
        spec = BY_METHOD.get(method)
        if spec is None:
            raise TypeError(f"no hook method {method!r}; known: {sorted(BY_METHOD)}")
        response = await self._rpc(spec.rpc, request_from(spec, arguments, request_id))
        return spec.reply.to_python(response)

    def describe(self) -> pb.DescribeResponse:
        return _run(self.describe_async())

    def subscribed_hooks(self) -> list[str]:
        """Describe's subscription as hookd.v1.Hook names, e.g. ["HOOK_VOLUME_PRE_CREATE"]."""
        return [pb.Hook.Name(sub.hook) for sub in self.describe().hooks]

    def configure(self, config: Any = None, plugin_name: str = "") -> None:
        _run(self.configure_async(config, plugin_name))

    def shutdown(self, reason: str = "test") -> None:
        _run(self.shutdown_async(reason))

    def call(self, method: str, *, request_id: str = "test-request", **arguments: Any) -> Any:
        return _run(self.call_async(method, request_id=request_id, **arguments))


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@dataclass
class ServedPlugin:
    address: str
    channel: grpc.aio.Channel
    plugin: pb_grpc.PluginStub
    health: health_pb2_grpc.HealthStub
    server: PluginServer


@asynccontextmanager
async def serve_on_temp_socket(plugin: Plugin) -> AsyncIterator[ServedPlugin]:
    """Serves `plugin` on unix://<private temp dir>/plugin.sock in this event loop, with an aio
    channel and stubs for the Plugin and Health services; stops and cleans up on exit."""
    with tempfile.TemporaryDirectory(prefix="hookd-plugin-") as directory:
        address = f"unix://{directory}/plugin.sock"
        server = PluginServer(plugin, address)
        await server.start()
        channel = grpc.aio.insecure_channel(address)
        try:
            yield ServedPlugin(address, channel, pb_grpc.PluginStub(channel), health_pb2_grpc.HealthStub(channel), server)
        finally:
            await channel.close()
            await server.stop()


@dataclass
class LaunchedPlugin:
    process: subprocess.Popen[bytes]
    address: str
    channel: grpc.Channel
    plugin: pb_grpc.PluginStub
    health: health_pb2_grpc.HealthStub

    def close_stdin(self) -> None:
        if self.process.stdin and not self.process.stdin.closed:
            self.process.stdin.close()


@contextmanager
def launched_plugin(
    argv: list[str], *, env: Mapping[str, str] | None = None, name: str = "test-plugin",
    cwd: str | Path | None = None, start_timeout_s: float = 20.0,
) -> Iterator[LaunchedPlugin]:
    """Starts `argv` as the daemon launches a plugin and yields once Describe answers. On exit it
    closes stdin (the plugin must then exit) and kills the process if it has not within 10 s.
    stdout and stderr are pipes: read them from `process` after it exits."""
    with tempfile.TemporaryDirectory(prefix="hookd-launch-") as directory:
        os.chmod(directory, 0o700)
        address = f"unix://{directory}/plugin.sock"
        child_env = {**os.environ, **(env or {}), "HOOKD_PLUGIN_ADDRESS": address,
                     "HOOKD_PLUGIN_NAME": name, "HOOKD_PROTOCOL_VERSIONS": ",".join(PROTOCOL_VERSIONS)}
        process = subprocess.Popen(argv, env=child_env, cwd=cwd, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        channel = grpc.insecure_channel(address)
        launched = LaunchedPlugin(process, address, channel, pb_grpc.PluginStub(channel),
                                  health_pb2_grpc.HealthStub(channel))
        try:
            _wait_for_describe(launched, start_timeout_s)
            yield launched
        finally:
            channel.close()
            launched.close_stdin()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_describe(launched: LaunchedPlugin, timeout_s: float) -> None:
    """Readiness as the host defines it: the first successful Describe, retried until the deadline
    or until the process exits (then its stderr explains why)."""
    deadline = time.monotonic() + timeout_s
    request = pb.DescribeRequest(host_protocol_versions=list(PROTOCOL_VERSIONS))
    while True:
        if launched.process.poll() is not None:
            stderr = launched.process.stderr.read().decode() if launched.process.stderr else ""
            raise RuntimeError(f"plugin exited with {launched.process.returncode} before Describe:\n{stderr}")
        try:
            # wait_for_ready blocks until the socket accepts, bounded by the short timeout.
            launched.plugin.Describe(request, timeout=0.5, wait_for_ready=True)
            return
        except grpc.RpcError as error:
            if time.monotonic() > deadline:
                raise TimeoutError(f"plugin did not answer Describe within {timeout_s}s: {error}") from error
