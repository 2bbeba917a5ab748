"""The class a plugin author subclasses: one overridable method per hook point.

Describe's subscription is derived from which of these methods a subclass overrides (see
hooks.subscribed_hooks), never from a hand-written list, so a plugin cannot claim a hook it does
not serve or forget one it does. Handlers may be `async def` (run on the server's event loop) or
plain `def` (run in a worker thread so they cannot stall health checks); see the README for why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from ._gen.hookd.v1 import plugin_pb2 as pb

JsonObject = dict[str, Any]
FailurePolicyName = Literal["fail", "ignore"]
EndpointPhaseName = Literal["create", "remove", "unspecified"]
HttpPhaseName = Literal["serve", "before", "after", "unspecified"]

Handler = TypeVar("Handler", bound=Callable[..., Any])


@dataclass(frozen=True)
class HookOptions:
    """A plugin's preferences for one hook, sent in Describe. The operator's manifest overrides them."""

    timeout_ms: int = 0
    failure_policy: FailurePolicyName | None = None


def hook_options(*, timeout_ms: int = 0, failure_policy: FailurePolicyName | None = None) -> Callable[[Handler], Handler]:
    """Decorate a hook method with the preferences Describe sends for it:

        @hook_options(timeout_ms=2000, failure_policy="ignore")
        async def container_pre_create_endpoint(self, ctx, endpoint, **_): ...
    """
    options = HookOptions(timeout_ms=timeout_ms, failure_policy=failure_policy)

    def mark(handler: Handler) -> Handler:
        setattr(handler, "__hookd_options__", options)
        return handler

    return mark


@dataclass(frozen=True)
class Context:
    """What every handler receives first: which call this is, and a logger that tags it."""

    hook: str
    """The handler's name, e.g. "container_pre_create"."""
    request_id: str = ""
    """The daemon operation's id (the same for every plugin called for it); "" for hooks without one."""
    log: logging.LoggerAdapter[logging.Logger] = field(
        default_factory=lambda: logging.LoggerAdapter(logging.getLogger("hookd_plugin")))
    """Tags every line with `hook` and `request_id`; `extra={...}` adds fields of your own."""


class Plugin:
    """Subclass, set `name` and `version`, and override the hooks you implement.

    Document hooks receive the JSON document decoded to a dict and return the whole document as
    you want it, or None. Mutating the argument in place counts too: the reply carries the
    document as it is after the handler, and is left unset ("unchanged") when that equals what
    was received. Keep keys you do not understand. Raise `Reject("why")` to refuse the operation.
    """

    name: str = ""
    version: str = "0.0.0"

    config: Any = None
    """The manifest's `config` value, decoded, as last delivered by Configure (None if unset)."""

    plugin_name: str = ""
    """The name the operator gave this plugin in its manifest (set by Configure)."""

    def configure(self, config: Any) -> None:
        """Called with the manifest's `config` (decoded JSON) after Describe and after every restart
        or redial, before any hook. Raise Reject (or any error) if it is unusable: the host marks
        the plugin failed with your message. The default stores it in `self.config`."""
        self.config = config

    def shutdown(self, reason: str) -> None:
        """Called when the host asks the plugin to exit, before the reply: flush what you must.
        The server then stops gracefully and the process exits 0."""

    # --- hooks: override the ones you implement (sync or async) --------------------------------

    def container_pre_create(self, ctx: Context, config: JsonObject, name: str) -> JsonObject | None:
        """container PreCreate: the ContainerCreateConfig (`Image`, `Env`, `Labels`, `HostConfig`,
        ...) and the requested container name (read-only). Return the config or None."""
        raise NotImplementedError

    def container_pre_start(self, ctx: Context, container_id: str, container: JsonObject) -> list[pb.OciHook] | None:
        """container PreStart: the container as inspect shows it, plus "BaseFS" (read-only).
        Return OCI prestart hooks; higher priority runs first, the network hook is priority 0."""
        raise NotImplementedError

    def container_pre_create_endpoint(
        self, ctx: Context, endpoint: JsonObject, container_id: str, env: list[str], phase: EndpointPhaseName,
    ) -> JsonObject | None:
        """container PreCreateEndpoint: the endpoint (`Priority`, `DisableResolver`,
        `GenericParams`, read-only `EndpointConfig`). Return it changed or None."""
        raise NotImplementedError

    def container_pre_update(self, ctx: Context, container_id: str, body: JsonObject | None) -> JsonObject | None:
        """container PreUpdate: the client's update body decoded, or None when it is not a JSON
        object (the daemon rejects such a body after the hook unless you return a replacement).
        Return the replacement body or None."""
        raise NotImplementedError

    def container_post_update(self, ctx: Context, container_id: str, rootfs: str, env: list[str]) -> None:
        """container PostUpdate (notification): the rootfs host path and the full merged env."""
        raise NotImplementedError

    def daemon_pre_start(self, ctx: Context, daemon_version: str, data_root: str) -> None:
        """daemon PreStart (notification), before the API listens. Raising stops the daemon."""
        raise NotImplementedError

    def daemon_pre_stop(self, ctx: Context, reason: str) -> None:
        """daemon PreStop (notification) on a graceful stop; reason is "SIGTERM", "SIGINT", ..."""
        raise NotImplementedError

    def volume_pre_create(self, ctx: Context, config: JsonObject) -> JsonObject | None:
        """volume PreVolumeCreate: {"Name", "Driver", "DriverOpts", "Labels"}; Name and Driver may be
        empty (the daemon defaults them after the hook). Return the config or None."""
        raise NotImplementedError

    def cri_pre_create_container(self, ctx: Context, config: JsonObject, sandbox: JsonObject) -> JsonObject | None:
        """cri PreCreateContainer: the create config and the sandbox metadata (read-only).
        Return the config or None."""
        raise NotImplementedError

    def api_update_handler(self, ctx: Context, routes: list[pb.Route]) -> pb.ApiUpdateHandlerResponse | None:
        """api UpdateHandler: the daemon's route table. Return the routes to add, remove or wrap."""
        raise NotImplementedError

    def handle_http(
        self, ctx: Context, phase: HttpPhaseName, request: pb.HttpRequest, response: pb.HttpResponse | None,
    ) -> pb.HandleHttpResponse | None:
        """Serves a route added or wrapped by api_update_handler (only called if you implement it)."""
        raise NotImplementedError

    def image_post_pull(
        self, ctx: Context, image_ref: str, image_id: str, snapshotter: str, image: JsonObject,
    ) -> list[str] | None:
        """image PostPull: return extra snapshotters to unpack the image into, or None."""
        raise NotImplementedError
