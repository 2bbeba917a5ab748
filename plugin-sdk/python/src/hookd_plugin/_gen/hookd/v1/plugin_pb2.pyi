from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Hook(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HOOK_UNSPECIFIED: _ClassVar[Hook]
    HOOK_CONTAINER_PRE_CREATE: _ClassVar[Hook]
    HOOK_CONTAINER_PRE_START: _ClassVar[Hook]
    HOOK_CONTAINER_PRE_CREATE_ENDPOINT: _ClassVar[Hook]
    HOOK_CONTAINER_PRE_UPDATE: _ClassVar[Hook]
    HOOK_CONTAINER_POST_UPDATE: _ClassVar[Hook]
    HOOK_DAEMON_PRE_START: _ClassVar[Hook]
    HOOK_DAEMON_PRE_STOP: _ClassVar[Hook]
    HOOK_VOLUME_PRE_CREATE: _ClassVar[Hook]
    HOOK_CRI_PRE_CREATE_CONTAINER: _ClassVar[Hook]
    HOOK_API_UPDATE_HANDLER: _ClassVar[Hook]
    HOOK_IMAGE_POST_PULL: _ClassVar[Hook]

class FailurePolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FAILURE_POLICY_UNSPECIFIED: _ClassVar[FailurePolicy]
    FAILURE_POLICY_FAIL: _ClassVar[FailurePolicy]
    FAILURE_POLICY_IGNORE: _ClassVar[FailurePolicy]

class Combine(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMBINE_UNSPECIFIED: _ClassVar[Combine]
    COMBINE_MERGE: _ClassVar[Combine]
    COMBINE_NOTIFY: _ClassVar[Combine]
    COMBINE_ORDERED_LIST: _ClassVar[Combine]
    COMBINE_ROUTES: _ClassVar[Combine]
    COMBINE_UNION: _ClassVar[Combine]

class EndpointPhase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENDPOINT_PHASE_UNSPECIFIED: _ClassVar[EndpointPhase]
    ENDPOINT_PHASE_CREATE: _ClassVar[EndpointPhase]
    ENDPOINT_PHASE_REMOVE: _ClassVar[EndpointPhase]

class HttpPhase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HTTP_PHASE_UNSPECIFIED: _ClassVar[HttpPhase]
    HTTP_PHASE_SERVE: _ClassVar[HttpPhase]
    HTTP_PHASE_BEFORE: _ClassVar[HttpPhase]
    HTTP_PHASE_AFTER: _ClassVar[HttpPhase]
HOOK_UNSPECIFIED: Hook
HOOK_CONTAINER_PRE_CREATE: Hook
HOOK_CONTAINER_PRE_START: Hook
HOOK_CONTAINER_PRE_CREATE_ENDPOINT: Hook
HOOK_CONTAINER_PRE_UPDATE: Hook
HOOK_CONTAINER_POST_UPDATE: Hook
HOOK_DAEMON_PRE_START: Hook
HOOK_DAEMON_PRE_STOP: Hook
HOOK_VOLUME_PRE_CREATE: Hook
HOOK_CRI_PRE_CREATE_CONTAINER: Hook
HOOK_API_UPDATE_HANDLER: Hook
HOOK_IMAGE_POST_PULL: Hook
FAILURE_POLICY_UNSPECIFIED: FailurePolicy
FAILURE_POLICY_FAIL: FailurePolicy
FAILURE_POLICY_IGNORE: FailurePolicy
COMBINE_UNSPECIFIED: Combine
COMBINE_MERGE: Combine
COMBINE_NOTIFY: Combine
COMBINE_ORDERED_LIST: Combine
COMBINE_ROUTES: Combine
COMBINE_UNION: Combine
ENDPOINT_PHASE_UNSPECIFIED: EndpointPhase
ENDPOINT_PHASE_CREATE: EndpointPhase
ENDPOINT_PHASE_REMOVE: EndpointPhase
HTTP_PHASE_UNSPECIFIED: HttpPhase
HTTP_PHASE_SERVE: HttpPhase
HTTP_PHASE_BEFORE: HttpPhase
HTTP_PHASE_AFTER: HttpPhase
HOOK_CONTRACT_FIELD_NUMBER: _ClassVar[int]
hook_contract: _descriptor.FieldDescriptor

class HookContract(_message.Message):
    __slots__ = ("name", "hook", "combine", "default_failure_policy", "default_timeout_ms", "document_field", "reply_field", "raw_document")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOOK_FIELD_NUMBER: _ClassVar[int]
    COMBINE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_FAILURE_POLICY_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_FIELD_NUMBER: _ClassVar[int]
    REPLY_FIELD_FIELD_NUMBER: _ClassVar[int]
    RAW_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    hook: Hook
    combine: Combine
    default_failure_policy: FailurePolicy
    default_timeout_ms: int
    document_field: str
    reply_field: str
    raw_document: bool
    def __init__(self, name: _Optional[str] = ..., hook: _Optional[_Union[Hook, str]] = ..., combine: _Optional[_Union[Combine, str]] = ..., default_failure_policy: _Optional[_Union[FailurePolicy, str]] = ..., default_timeout_ms: _Optional[int] = ..., document_field: _Optional[str] = ..., reply_field: _Optional[str] = ..., raw_document: _Optional[bool] = ...) -> None: ...

class JsonDocument(_message.Message):
    __slots__ = ("json",)
    JSON_FIELD_NUMBER: _ClassVar[int]
    json: bytes
    def __init__(self, json: _Optional[bytes] = ...) -> None: ...

class RequestContext(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class DescribeRequest(_message.Message):
    __slots__ = ("host_protocol_versions", "host_name", "host_version")
    HOST_PROTOCOL_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    HOST_NAME_FIELD_NUMBER: _ClassVar[int]
    HOST_VERSION_FIELD_NUMBER: _ClassVar[int]
    host_protocol_versions: _containers.RepeatedScalarFieldContainer[str]
    host_name: str
    host_version: str
    def __init__(self, host_protocol_versions: _Optional[_Iterable[str]] = ..., host_name: _Optional[str] = ..., host_version: _Optional[str] = ...) -> None: ...

class DescribeResponse(_message.Message):
    __slots__ = ("name", "version", "protocol_versions", "hooks")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    HOOKS_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    protocol_versions: _containers.RepeatedScalarFieldContainer[str]
    hooks: _containers.RepeatedCompositeFieldContainer[HookSubscription]
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., protocol_versions: _Optional[_Iterable[str]] = ..., hooks: _Optional[_Iterable[_Union[HookSubscription, _Mapping]]] = ...) -> None: ...

class HookSubscription(_message.Message):
    __slots__ = ("hook", "options")
    HOOK_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    hook: Hook
    options: HookOptions
    def __init__(self, hook: _Optional[_Union[Hook, str]] = ..., options: _Optional[_Union[HookOptions, _Mapping]] = ...) -> None: ...

class HookOptions(_message.Message):
    __slots__ = ("timeout_ms", "failure_policy")
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_POLICY_FIELD_NUMBER: _ClassVar[int]
    timeout_ms: int
    failure_policy: FailurePolicy
    def __init__(self, timeout_ms: _Optional[int] = ..., failure_policy: _Optional[_Union[FailurePolicy, str]] = ...) -> None: ...

class ConfigureRequest(_message.Message):
    __slots__ = ("config_json", "plugin_name", "protocol_version", "host_name", "host_version")
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_NAME_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    HOST_NAME_FIELD_NUMBER: _ClassVar[int]
    HOST_VERSION_FIELD_NUMBER: _ClassVar[int]
    config_json: bytes
    plugin_name: str
    protocol_version: str
    host_name: str
    host_version: str
    def __init__(self, config_json: _Optional[bytes] = ..., plugin_name: _Optional[str] = ..., protocol_version: _Optional[str] = ..., host_name: _Optional[str] = ..., host_version: _Optional[str] = ...) -> None: ...

class ConfigureResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ShutdownRequest(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: str
    def __init__(self, reason: _Optional[str] = ...) -> None: ...

class ShutdownResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ContainerPreCreateRequest(_message.Message):
    __slots__ = ("context", "config_json", "name")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    context: RequestContext
    config_json: bytes
    name: str
    def __init__(self, context: _Optional[_Union[RequestContext, _Mapping]] = ..., config_json: _Optional[bytes] = ..., name: _Optional[str] = ...) -> None: ...

class ContainerPreCreateResponse(_message.Message):
    __slots__ = ("config",)
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    config: JsonDocument
    def __init__(self, config: _Optional[_Union[JsonDocument, _Mapping]] = ...) -> None: ...

class ContainerPreStartRequest(_message.Message):
    __slots__ = ("context", "container_id", "container_json")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_JSON_FIELD_NUMBER: _ClassVar[int]
    context: RequestContext
    container_id: str
    container_json: bytes
    def __init__(self, context: _Optional[_Union[RequestContext, _Mapping]] = ..., container_id: _Optional[str] = ..., container_json: _Optional[bytes] = ...) -> None: ...

class ContainerPreStartResponse(_message.Message):
    __slots__ = ("hooks",)
    HOOKS_FIELD_NUMBER: _ClassVar[int]
    hooks: _containers.RepeatedCompositeFieldContainer[OciHook]
    def __init__(self, hooks: _Optional[_Iterable[_Union[OciHook, _Mapping]]] = ...) -> None: ...

class OciHook(_message.Message):
    __slots__ = ("priority", "path", "args", "env", "timeout_seconds")
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    ARGS_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    priority: int
    path: str
    args: _containers.RepeatedScalarFieldContainer[str]
    env: _containers.RepeatedScalarFieldContainer[str]
    timeout_seconds: int
    def __init__(self, priority: _Optional[int] = ..., path: _Optional[str] = ..., args: _Optional[_Iterable[str]] = ..., env: _Optional[_Iterable[str]] = ..., timeout_seconds: _Optional[int] = ...) -> None: ...

class ContainerPreCreateEndpointRequest(_message.Message):
    __slots__ = ("context", "container_id", "env", "endpoint_json", "phase")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_JSON_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    context: RequestContext
    container_id: str
    env: _containers.RepeatedScalarFieldContainer[str]
    endpoint_json: bytes
    phase: EndpointPhase
    def __init__(self, context: _Optional[_Union[RequestContext, _Mapping]] = ..., container_id: _Optional[str] = ..., env: _Optional[_Iterable[str]] = ..., endpoint_json: _Optional[bytes] = ..., phase: _Optional[_Union[EndpointPhase, str]] = ...) -> None: ...

class ContainerPreCreateEndpointResponse(_message.Message):
    __slots__ = ("endpoint",)
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    endpoint: JsonDocument
    def __init__(self, endpoint: _Optional[_Union[JsonDocument, _Mapping]] = ...) -> None: ...

class ContainerPreUpdateRequest(_message.Message):
    __slots__ = ("context", "container_id", "body")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    context: RequestContext
    container_id: str
    body: bytes
    def __init__(self, context: _Optional[_Union[RequestContext, _Mapping]] = ..., container_id: _Optional[str] = ..., body: _Optional[bytes] = ...) -> None: ...

class ContainerPreUpdateResponse(_message.Message):
    __slots__ = ("body",)
    BODY_FIELD_NUMBER: _ClassVar[int]
    body: JsonDocument
    def __init__(self, body: _Optional[_Union[JsonDocument, _Mapping]] = ...) -> None: ...

class ContainerPostUpdateRequest(_message.Message):
    __slots__ = ("context", "container_id", "rootfs", "env")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    CONTAINER_ID_FIELD_NUMBER: _ClassVar[int]
    ROOTFS_FIELD_NUMBER: _ClassVar[int]
    ENV_FIELD_NUMBER: _ClassVar[int]
    context: RequestContext
    container_id: str
    rootfs: str
    env: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, context: _Optional[_Union[RequestContext, _Mapping]] = ..., container_id: _Optional[str] = ..., rootfs: _Optional[str] = ..., env: _Optional[_Iterable[str]] = ...) -> None: ...

class ContainerPostUpdateResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DaemonPreStartRequest(_message.Message):
    __slots__ = ("daemon_version", "data_root")
    DAEMON_VERSION_FIELD_NUMBER: _ClassVar[int]
    DATA_ROOT_FIELD_NUMBER: _ClassVar[int]
    daemon_version: str
    data_root: str
    def __init__(self, daemon_version: _Optional[str] = ..., data_root: _Optional[str] = ...) -> None: ...

class DaemonPreStartResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DaemonPreStopRequest(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: str
    def __init__(self, reason: _Optional[str] = ...) -> None: ...

class DaemonPreStopResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class VolumePreCreateRequest(_message.Message):
    __slots__ = ("context", "config_json")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    context: RequestContext
    config_json: bytes
    def __init__(self, context: _Optional[_Union[RequestContext, _Mapping]] = ..., config_json: _Optional[bytes] = ...) -> None: ...

class VolumePreCreateResponse(_message.Message):
    __slots__ = ("config",)
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    config: JsonDocument
    def __init__(self, config: _Optional[_Union[JsonDocument, _Mapping]] = ...) -> None: ...

class CriPreCreateContainerRequest(_message.Message):
    __slots__ = ("context", "config_json", "sandbox_json")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    SANDBOX_JSON_FIELD_NUMBER: _ClassVar[int]
    context: RequestContext
    config_json: bytes
    sandbox_json: bytes
    def __init__(self, context: _Optional[_Union[RequestContext, _Mapping]] = ..., config_json: _Optional[bytes] = ..., sandbox_json: _Optional[bytes] = ...) -> None: ...

class CriPreCreateContainerResponse(_message.Message):
    __slots__ = ("config",)
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    config: JsonDocument
    def __init__(self, config: _Optional[_Union[JsonDocument, _Mapping]] = ...) -> None: ...

class Route(_message.Message):
    __slots__ = ("method", "path")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    method: str
    path: str
    def __init__(self, method: _Optional[str] = ..., path: _Optional[str] = ...) -> None: ...

class ApiUpdateHandlerRequest(_message.Message):
    __slots__ = ("routes",)
    ROUTES_FIELD_NUMBER: _ClassVar[int]
    routes: _containers.RepeatedCompositeFieldContainer[Route]
    def __init__(self, routes: _Optional[_Iterable[_Union[Route, _Mapping]]] = ...) -> None: ...

class RouteWrap(_message.Message):
    __slots__ = ("route", "before", "after")
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    AFTER_FIELD_NUMBER: _ClassVar[int]
    route: Route
    before: bool
    after: bool
    def __init__(self, route: _Optional[_Union[Route, _Mapping]] = ..., before: _Optional[bool] = ..., after: _Optional[bool] = ...) -> None: ...

class ApiUpdateHandlerResponse(_message.Message):
    __slots__ = ("add", "remove", "wrap")
    ADD_FIELD_NUMBER: _ClassVar[int]
    REMOVE_FIELD_NUMBER: _ClassVar[int]
    WRAP_FIELD_NUMBER: _ClassVar[int]
    add: _containers.RepeatedCompositeFieldContainer[Route]
    remove: _containers.RepeatedCompositeFieldContainer[Route]
    wrap: _containers.RepeatedCompositeFieldContainer[RouteWrap]
    def __init__(self, add: _Optional[_Iterable[_Union[Route, _Mapping]]] = ..., remove: _Optional[_Iterable[_Union[Route, _Mapping]]] = ..., wrap: _Optional[_Iterable[_Union[RouteWrap, _Mapping]]] = ...) -> None: ...

class HttpHeader(_message.Message):
    __slots__ = ("name", "value")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...

class HttpRequest(_message.Message):
    __slots__ = ("method", "path", "query", "headers", "body", "route_path", "path_params")
    class PathParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    ROUTE_PATH_FIELD_NUMBER: _ClassVar[int]
    PATH_PARAMS_FIELD_NUMBER: _ClassVar[int]
    method: str
    path: str
    query: str
    headers: _containers.RepeatedCompositeFieldContainer[HttpHeader]
    body: bytes
    route_path: str
    path_params: _containers.ScalarMap[str, str]
    def __init__(self, method: _Optional[str] = ..., path: _Optional[str] = ..., query: _Optional[str] = ..., headers: _Optional[_Iterable[_Union[HttpHeader, _Mapping]]] = ..., body: _Optional[bytes] = ..., route_path: _Optional[str] = ..., path_params: _Optional[_Mapping[str, str]] = ...) -> None: ...

class HttpResponse(_message.Message):
    __slots__ = ("status", "headers", "body")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    status: int
    headers: _containers.RepeatedCompositeFieldContainer[HttpHeader]
    body: bytes
    def __init__(self, status: _Optional[int] = ..., headers: _Optional[_Iterable[_Union[HttpHeader, _Mapping]]] = ..., body: _Optional[bytes] = ...) -> None: ...

class HandleHttpRequest(_message.Message):
    __slots__ = ("phase", "request", "response")
    PHASE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    phase: HttpPhase
    request: HttpRequest
    response: HttpResponse
    def __init__(self, phase: _Optional[_Union[HttpPhase, str]] = ..., request: _Optional[_Union[HttpRequest, _Mapping]] = ..., response: _Optional[_Union[HttpResponse, _Mapping]] = ...) -> None: ...

class HandleHttpResponse(_message.Message):
    __slots__ = ("request", "response")
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    request: HttpRequest
    response: HttpResponse
    def __init__(self, request: _Optional[_Union[HttpRequest, _Mapping]] = ..., response: _Optional[_Union[HttpResponse, _Mapping]] = ...) -> None: ...

class ImagePostPullRequest(_message.Message):
    __slots__ = ("context", "image_ref", "image_id", "snapshotter", "image_json")
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    IMAGE_REF_FIELD_NUMBER: _ClassVar[int]
    IMAGE_ID_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOTTER_FIELD_NUMBER: _ClassVar[int]
    IMAGE_JSON_FIELD_NUMBER: _ClassVar[int]
    context: RequestContext
    image_ref: str
    image_id: str
    snapshotter: str
    image_json: bytes
    def __init__(self, context: _Optional[_Union[RequestContext, _Mapping]] = ..., image_ref: _Optional[str] = ..., image_id: _Optional[str] = ..., snapshotter: _Optional[str] = ..., image_json: _Optional[bytes] = ...) -> None: ...

class ImagePostPullResponse(_message.Message):
    __slots__ = ("snapshotters",)
    SNAPSHOTTERS_FIELD_NUMBER: _ClassVar[int]
    snapshotters: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, snapshotters: _Optional[_Iterable[str]] = ...) -> None: ...
