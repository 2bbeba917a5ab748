"""The hook table: every hook RPC of hookd.v1.Plugin as data.

Each row names the RPC, the Plugin method that serves it, how the request's fields become the
method's arguments and how its return value becomes the reply. The service (service.py) and the
in-process testing client (testing.py) both go through this table in both directions, so there is
one encode/decode path and no per-hook relay code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf.message import Message

from ._gen.hookd.v1 import plugin_pb2 as pb
from .errors import HookError
from .hook_contracts_gen import HOOK_CONTRACTS
from .plugin import HookOptions, Plugin


@dataclass(frozen=True)
class Param:
    """One handler argument: the request field it comes from and how it is converted."""

    name: str
    field: str
    to_python: Callable[[Message, str], Any]
    to_proto: Callable[[Any], Any]


@dataclass
class CallState:
    """One call's decoded arguments and, for the arguments in Reply.snapshot, their JSON encoding
    as received (taken before the handler runs, since it may mutate them in place)."""

    arguments: dict[str, Any]
    received: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """How a handler's return value becomes the reply message, and back (for tests)."""

    to_proto: Callable[[str, type[Message], Any, CallState], Message]
    to_python: Callable[[Message], Any]
    snapshot: tuple[str, ...] = ()


@dataclass(frozen=True)
class HookSpec:
    rpc: str
    method: str
    request_type: type[Message]
    response_type: type[Message]
    params: tuple[Param, ...]
    reply: Reply
    hook: pb.Hook | None
    """The hookd.v1.Hook value that subscribes to it; None for HandleHttp, which is served when
    api_update_handler is."""
    served_with: str | None = None


# --- argument codecs ---------------------------------------------------------------------------

def _plain(name: str, field: str | None = None) -> Param:
    return Param(name, field or name, lambda msg, f: _copy(getattr(msg, f)), lambda value: value)


def _copy(value: Any) -> Any:
    return list(value) if not isinstance(value, (str, bytes, int, Message)) else value


def _json(name: str, field: str) -> Param:
    def to_python(msg: Message, f: str) -> Any:
        try:
            return json.loads(getattr(msg, f))
        except ValueError as error:
            raise HookError(grpc.StatusCode.INVALID_ARGUMENT, f"{f} is not valid JSON: {error}") from error

    return Param(name, field, to_python, encode_json)


def _raw_body(name: str) -> Param:
    """PreUpdate's body is the client's raw bytes, not decoded by the daemon yet: a JSON object
    becomes a dict, anything else None (the daemon rejects it after the hook unless replaced)."""
    def to_python(msg: Message, f: str) -> Any:
        try:
            value = json.loads(getattr(msg, f))
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    return Param(name, name, to_python, lambda value: value if isinstance(value, bytes) else encode_json(value))


def _enum(name: str, enum: Any, prefix: str) -> Param:
    """An enum as its lower-case name without the prefix ("create"); a value this SDK does not
    know yet (a newer host) reads as "unspecified" rather than failing the call."""
    def to_python(msg: Message, f: str) -> str:
        value = getattr(msg, f)
        return str(enum.Name(value)).removeprefix(prefix).lower() if value in enum.values() else "unspecified"

    return Param(name, name, to_python, lambda value: enum.Value(prefix + str(value).upper()))


def _optional_message(name: str) -> Param:
    return Param(name, name, lambda msg, f: getattr(msg, f) if msg.HasField(f) else None, lambda value: value)


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON. NaN and Infinity are refused: they are not JSON and the host cannot read them."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


# --- reply codecs -------------------------------------------------------------------------------

def _document(field: str, param: str) -> Reply:
    """A whole-document reply. As in the Node SDK, the handler may return the document, or mutate
    its argument in place and return None; either way the reply is left unset when the document
    is equal to what was received, so "unchanged" never travels as a copy."""

    def to_proto(method: str, response_type: type[Message], result: Any, call: CallState) -> Message:
        document = call.arguments.get(param) if result is None else result
        if document is None:
            return response_type()
        if not isinstance(document, dict):
            raise TypeError(f"{method} must return the whole document (a dict) or None, not {type(document).__name__}")
        encoded = encode_json(document)
        if encoded == call.received.get(param):
            return response_type()
        return response_type(**{field: pb.JsonDocument(json=encoded)})

    def to_python(response: Message) -> Any:
        return json.loads(getattr(response, field).json) if response.HasField(field) else None

    return Reply(to_proto, to_python, snapshot=(param,))


def _oci_hook(method: str, item: Any) -> pb.OciHook:
    hook = item if isinstance(item, pb.OciHook) else pb.OciHook(**item) if isinstance(item, Mapping) else None
    if hook is None:
        raise TypeError(f"{method} must return OciHook messages or dicts, not {type(item).__name__}")
    if not hook.path.startswith("/"):
        raise ValueError(f"{method} returned an OCI hook whose path {hook.path!r} is not absolute")
    return hook


def _oci_hooks() -> Reply:
    def to_proto(method: str, response_type: type[Message], result: Any, call: CallState) -> Message:
        return response_type(hooks=[_oci_hook(method, item) for item in result or []])

    return Reply(to_proto, lambda response: list(getattr(response, "hooks")))


def _strings(field: str) -> Reply:
    def to_proto(method: str, response_type: type[Message], result: Any, call: CallState) -> Message:
        if isinstance(result, str) or not all(isinstance(item, str) for item in result or []):
            raise TypeError(f"{method} must return a list of strings or None")
        return response_type(**{field: list(result or [])})

    return Reply(to_proto, lambda response: list(getattr(response, field)))


def _nothing() -> Reply:
    return Reply(lambda method, response_type, result, call: response_type(), lambda response: None)


def _message() -> Reply:
    def to_proto(method: str, response_type: type[Message], result: Any, call: CallState) -> Message:
        if result is None:
            return response_type()
        if not isinstance(result, response_type):
            raise TypeError(f"{method} must return {response_type.__name__} or None, not {type(result).__name__}")
        return result

    return Reply(to_proto, lambda response: response)


def _hook(rpc: str, params: tuple[Param, ...], reply: Reply) -> HookSpec:
    """A hook's row: its method name, message types and Hook value are the proto's (the generated
    hook_contracts_gen.py); what is written here is how its fields become arguments and back."""
    contract = _CONTRACTS.get(rpc)
    if contract is None:
        raise LookupError(f"hook table: {rpc} has no hook_contract in proto/hookd/v1/plugin.proto")
    return HookSpec(rpc, contract.method, contract.request_type, contract.response_type, params, reply, contract.hook)


_CONTRACTS = {contract.rpc: contract for contract in HOOK_CONTRACTS}

HOOKS: tuple[HookSpec, ...] = (
    _hook("ContainerPreCreate",
          (_json("config", "config_json"), _plain("name")), _document("config", "config")),
    _hook("ContainerPreStart",
          (_plain("container_id"), _json("container", "container_json")), _oci_hooks()),
    _hook("ContainerPreCreateEndpoint",
          (_json("endpoint", "endpoint_json"), _plain("container_id"), _plain("env"),
           _enum("phase", pb.EndpointPhase, "ENDPOINT_PHASE_")), _document("endpoint", "endpoint")),
    _hook("ContainerPreUpdate",
          (_plain("container_id"), _raw_body("body")), _document("body", "body")),
    _hook("ContainerPostUpdate",
          (_plain("container_id"), _plain("rootfs"), _plain("env")), _nothing()),
    _hook("DaemonPreStart",
          (_plain("daemon_version"), _plain("data_root")), _nothing()),
    _hook("DaemonPreStop",
          (_plain("reason"),), _nothing()),
    _hook("VolumePreCreate",
          (_json("config", "config_json"),), _document("config", "config")),
    _hook("CriPreCreateContainer",
          (_json("config", "config_json"), _json("sandbox", "sandbox_json")),
          _document("config", "config")),
    _hook("ApiUpdateHandler",
          (_plain("routes"),), _message()),
    HookSpec("HandleHttp", "handle_http", pb.HandleHttpRequest, pb.HandleHttpResponse,
             (_enum("phase", pb.HttpPhase, "HTTP_PHASE_"), _plain("request"), _optional_message("response")),
             _message(), None, served_with="api_update_handler"),
    _hook("ImagePostPull",
          (_plain("image_ref"), _plain("image_id"), _plain("snapshotter"), _json("image", "image_json")),
          _strings("snapshotters")),
)

_missing = {contract.rpc for contract in HOOK_CONTRACTS} - {spec.rpc for spec in HOOKS}
if _missing:
    raise LookupError(f"hook table: the proto's hook RPC(s) {sorted(_missing)} have no row in hookd_plugin.hooks")

BY_METHOD: dict[str, HookSpec] = {spec.method: spec for spec in HOOKS}


def is_overridden(plugin: Plugin, method: str) -> bool:
    return getattr(type(plugin), method) is not getattr(Plugin, method)


def is_served(plugin: Plugin, spec: HookSpec) -> bool:
    return is_overridden(plugin, spec.served_with or spec.method)


def subscribed_hooks(plugin: Plugin) -> list[pb.HookSubscription]:
    """Describe's `hooks`: one subscription per hook method the plugin's class overrides."""
    subscriptions = []
    for spec in HOOKS:
        if spec.hook is None or not is_overridden(plugin, spec.method):
            continue
        options: HookOptions | None = getattr(getattr(type(plugin), spec.method), "__hookd_options__", None)
        subscriptions.append(pb.HookSubscription(hook=spec.hook, options=_options_to_proto(options)))
    return subscriptions


def _options_to_proto(options: HookOptions | None) -> pb.HookOptions | None:
    if options is None:
        return None
    policies = {None: pb.FAILURE_POLICY_UNSPECIFIED, "fail": pb.FAILURE_POLICY_FAIL, "ignore": pb.FAILURE_POLICY_IGNORE}
    return pb.HookOptions(timeout_ms=options.timeout_ms, failure_policy=policies[options.failure_policy])


def request_id_of(request: Message) -> str:
    return request.context.request_id if "context" in request.DESCRIPTOR.fields_by_name else ""  # type: ignore[attr-defined]


def call_state_of(spec: HookSpec, request: Message) -> CallState:
    """The handler's arguments decoded from the request, with the snapshots its reply needs."""
    arguments = {param.name: param.to_python(request, param.field) for param in spec.params}
    received = {name: encode_json(arguments[name]) for name in spec.reply.snapshot if arguments[name] is not None}
    return CallState(arguments, received)


def request_from(spec: HookSpec, arguments: Mapping[str, Any], request_id: str = "") -> Message:
    """The request message a host would send for these handler arguments (the testing client's side)."""
    unknown = set(arguments) - {param.name for param in spec.params}
    if unknown:
        raise TypeError(f"{spec.method} takes no argument(s) {sorted(unknown)}")
    fields = {param.field: param.to_proto(arguments[param.name]) for param in spec.params
              if param.name in arguments and arguments[param.name] is not None}
    if "context" in spec.request_type.DESCRIPTOR.fields_by_name:  # type: ignore[attr-defined]
        fields["context"] = pb.RequestContext(request_id=request_id)
    return spec.request_type(**fields)
