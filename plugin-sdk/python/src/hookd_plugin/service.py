"""The hookd.v1.Plugin service over a Plugin object: Describe, Configure, Shutdown and every hook
RPC through the one generic path of the hook table.

`PluginService.call` is transport-free (request message in, reply message out, HookError on
failure) so the testing client exercises exactly what the gRPC server runs.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from google.protobuf.message import Message

from ._gen.hookd.v1 import plugin_pb2 as pb
from .errors import HookError, Reject, status_of, unimplemented
from .hooks import HOOKS, HookSpec, call_state_of, is_served, request_id_of, subscribed_hooks
from .logs import FieldsAdapter
from .plugin import Context, Plugin

SERVICE_NAME = "hookd.v1.Plugin"
PROTOCOL_VERSIONS = ("1",)

log = logging.getLogger("hookd_plugin")


async def call_handler(handler: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Runs a handler of either style: `async def` on the event loop, plain `def` in a worker
    thread so that a slow or blocking handler cannot stall health checks and other calls."""
    if inspect.iscoroutinefunction(handler):
        return await handler(*args, **kwargs)
    result = await asyncio.to_thread(handler, *args, **kwargs)
    return await result if inspect.isawaitable(result) else result


class PluginService:
    def __init__(self, plugin: Plugin, on_shutdown: Callable[[], None] = lambda: None) -> None:
        if not plugin.name:
            raise ValueError(f"{type(plugin).__name__} has no name: set the class attribute `name`")
        self.plugin = plugin
        self._on_shutdown = on_shutdown
        self._rpcs: dict[str, tuple[type[Message], Callable[[Any], Awaitable[Message]]]] = {
            "Describe": (pb.DescribeRequest, self._describe),
            "Configure": (pb.ConfigureRequest, self._configure),
            "Shutdown": (pb.ShutdownRequest, self._shutdown),
        }
        for spec in HOOKS:
            self._rpcs[spec.rpc] = (spec.request_type, self._hook_caller(spec))

    async def call(self, rpc: str, request: Message) -> Message:
        """Answers one RPC; raises HookError with the status the host would receive."""
        _, handler = self._rpcs[rpc]
        return await handler(request)

    def generic_handler(self) -> grpc.GenericRpcHandler:
        handlers = {
            rpc: grpc.unary_unary_rpc_method_handler(
                self._grpc_method(rpc),
                request_deserializer=request_type.FromString,
                response_serializer=lambda message: message.SerializeToString(),
            )
            for rpc, (request_type, _) in self._rpcs.items()
        }
        return grpc.method_handlers_generic_handler(SERVICE_NAME, handlers)

    def _grpc_method(self, rpc: str) -> Callable[[Message, grpc.aio.ServicerContext], Awaitable[Message]]:
        async def method(request: Message, context: grpc.aio.ServicerContext) -> Message:
            try:
                return await self.call(rpc, request)
            except HookError as error:
                await context.abort(error.code, error.message)
                raise  # abort raises; this line is never reached

        return method

    async def _describe(self, request: pb.DescribeRequest) -> pb.DescribeResponse:
        return pb.DescribeResponse(
            name=self.plugin.name,
            version=self.plugin.version,
            protocol_versions=list(PROTOCOL_VERSIONS),
            hooks=subscribed_hooks(self.plugin),
        )

    async def _configure(self, request: pb.ConfigureRequest) -> pb.ConfigureResponse:
        try:
            config = json.loads(request.config_json) if request.config_json.strip() else None
        except ValueError as error:
            raise HookError(grpc.StatusCode.INVALID_ARGUMENT, f"config_json is not valid JSON: {error}") from error
        self.plugin.plugin_name = request.plugin_name or self.plugin.name
        try:
            await call_handler(self.plugin.configure, config)
        except Exception as error:
            # The contract: an unusable config is INVALID_ARGUMENT, whatever the plugin raised.
            log.warning("configure refused the config", exc_info=error)
            raise status_of(error, grpc.StatusCode.INVALID_ARGUMENT) from error
        log.info("configured", extra={"manifest_name": self.plugin.plugin_name, "protocol": request.protocol_version})
        return pb.ConfigureResponse()

    async def _shutdown(self, request: pb.ShutdownRequest) -> pb.ShutdownResponse:
        log.info("shutdown requested", extra={"reason": request.reason})
        try:
            await call_handler(self.plugin.shutdown, request.reason)
        except Exception as error:  # the plugin is stopping anyway: its cleanup error is only logged
            log.error("shutdown handler failed", exc_info=error)
        # Stopping is scheduled, not done here: the server's graceful stop lets this reply go out.
        self._on_shutdown()
        return pb.ShutdownResponse()

    def _hook_caller(self, spec: HookSpec) -> Callable[[Message], Awaitable[Message]]:
        async def call_hook(request: Message) -> Message:
            if not is_served(self.plugin, spec):
                raise unimplemented(self.plugin.name, spec.rpc)
            ctx = _context_for(spec, request)
            try:
                call = call_state_of(spec, request)
                result = await call_handler(getattr(self.plugin, spec.method), ctx, **call.arguments)
                return spec.reply.to_proto(spec.method, spec.response_type, result, call)
            except Reject as error:
                ctx.log.info("refused: %s", error.message)
                raise status_of(error) from error
            except HookError:
                raise
            except Exception as error:
                ctx.log.error("%s failed", spec.method, exc_info=error)
                raise status_of(error) from error

        return call_hook


def _context_for(spec: HookSpec, request: Message) -> Context:
    request_id = request_id_of(request)
    extra = {"hook": spec.method, **({"request_id": request_id} if request_id else {})}
    return Context(hook=spec.method, request_id=request_id, log=FieldsAdapter(log, extra))
