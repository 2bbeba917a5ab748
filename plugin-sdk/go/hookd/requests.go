package hookd

import "github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"

// The request types below are the protocol's messages with their JSON fields decoded into
// Documents. RequestID is the same for every plugin called for one daemon operation: log it.

// PreCreateRequest is container PreCreate: the create config before the daemon's defaults.
type PreCreateRequest struct {
	RequestID string
	// Name is the requested container name (may be empty). Read-only.
	Name string
	// Config is the ContainerCreateConfig: Image, Env, Cmd, Labels, ..., HostConfig,
	// NetworkingConfig. Change it and return it to claim the changes.
	Config *Document
}

// PreStartRequest is container PreStart. Container is inspect-shaped plus "BaseFS". Read-only.
type PreStartRequest struct {
	RequestID   string
	ContainerID string
	Container   *Document
}

// OciHook is one OCI prestart hook. Higher Priority runs earlier; the daemon's network hook is 0.
type OciHook struct {
	Priority int32
	// Path is the absolute path of the executable on the host.
	Path string
	// Args is the full argv; Args[0] is conventionally the program name.
	Args []string
	// Env is "KEY=VALUE".
	Env []string
	// TimeoutSeconds before the runtime kills the hook; 0 = none (the OCI spec counts seconds).
	TimeoutSeconds uint32
}

// EndpointPhase says why an endpoint is being built.
type EndpointPhase = hookdv1.EndpointPhase

const (
	EndpointPhaseCreate = hookdv1.EndpointPhase_ENDPOINT_PHASE_CREATE
	// EndpointPhaseRemove: the endpoint is about to be removed; returned changes are ignored.
	EndpointPhaseRemove = hookdv1.EndpointPhase_ENDPOINT_PHASE_REMOVE
)

// PreCreateEndpointRequest is container PreCreateEndpoint.
type PreCreateEndpointRequest struct {
	RequestID   string
	ContainerID string
	// Env is the container's env, "KEY=VALUE". Read-only; see LookupEnv.
	Env []string
	// Endpoint is {"Name", "ID", "Priority", "DisableResolver", "GenericParams", "EndpointConfig"}.
	// Priority, DisableResolver and GenericParams may be changed; EndpointConfig is read-only.
	Endpoint *Document
	Phase    EndpointPhase
}

// PreUpdateRequest is container PreUpdate, before the daemon decodes the body.
type PreUpdateRequest struct {
	RequestID   string
	ContainerID string
	// RawBody is the body exactly as the client sent it.
	RawBody []byte
	// Body is RawBody parsed, or nil when RawBody is not a JSON object (the daemon will reject it
	// after the hook unless a plugin replaces it).
	Body *Document
}

// PostUpdateRequest is container PostUpdate: a notification after the env was merged.
type PostUpdateRequest struct {
	RequestID   string
	ContainerID string
	// Rootfs is the host path of the container's root filesystem.
	Rootfs string
	// Env is the full merged env, "KEY=VALUE".
	Env []string
}

// DaemonPreStartRequest is daemon PreStart, before the API listens.
type DaemonPreStartRequest struct {
	DaemonVersion string
	DataRoot      string
}

// DaemonPreStopRequest is daemon PreStop, on a graceful stop.
type DaemonPreStopRequest struct {
	// Reason is "SIGTERM", "SIGINT", ...
	Reason string
}

// VolumePreCreateRequest is volume PreVolumeCreate: {"Name", "Driver", "DriverOpts", "Labels"}.
// Name and Driver may be empty; the daemon defaults them after the hook.
type VolumePreCreateRequest struct {
	RequestID string
	Config    *Document
}

// CriPreCreateContainerRequest is cri PreCreateContainer.
type CriPreCreateContainerRequest struct {
	RequestID string
	// Config is the ContainerCreateConfig, as in PreCreateRequest.
	Config *Document
	// Sandbox is {"ID", "Config", "Runtime", "NetNS", "LxcfsEnabled"}. Read-only.
	Sandbox *Document
}

// ImagePostPullRequest is image PostPull.
type ImagePostPullRequest struct {
	RequestID   string
	ImageRef    string
	ImageID     string
	Snapshotter string
	// Image is inspect-shaped. Read-only.
	Image *Document
}

// Route is a daemon API route; Path uses {name} placeholders, without the /v1.NN prefix.
type Route struct {
	Method string
	Path   string
}

// RouteWrap intercepts a daemon route: HandleHttp is called before and/or after its handler.
type RouteWrap struct {
	Route  Route
	Before bool
	After  bool
}

// RouteChanges is the reply to ApiUpdateHandler. Adding or replacing a route another plugin also
// claims is a start-up error.
type RouteChanges struct {
	Add    []Route
	Remove []Route
	Wrap   []RouteWrap
}

// HttpPhase says why HandleHttp is called.
type HttpPhase = hookdv1.HttpPhase

const (
	// HttpPhaseServe: serve a route you added; return a Response.
	HttpPhaseServe = hookdv1.HttpPhase_HTTP_PHASE_SERVE
	// HttpPhaseBefore: before the daemon's handler of a wrapped route; return nothing to
	// continue, a Request to continue with it, or a Response to answer without the daemon.
	HttpPhaseBefore = hookdv1.HttpPhase_HTTP_PHASE_BEFORE
	// HttpPhaseAfter: after the daemon's handler; Response holds its answer; return nothing to
	// keep it or a Response to replace it.
	HttpPhaseAfter = hookdv1.HttpPhase_HTTP_PHASE_AFTER
)

// HttpHeader is one header line; a list keeps order and repeated names as received.
type HttpHeader struct {
	Name  string
	Value string
}

// HttpRequest is an HTTP request on the daemon's API.
type HttpRequest struct {
	Method string
	// Path as received, without the /v1.NN prefix; Query is the raw query without "?".
	Path       string
	Query      string
	Headers    []HttpHeader
	Body       []byte
	RoutePath  string
	PathParams map[string]string
}

// HttpResponse is an HTTP response.
type HttpResponse struct {
	Status  int
	Headers []HttpHeader
	Body    []byte
}

// HttpCall is one HandleHttp call. Response is set in HttpPhaseAfter only.
type HttpCall struct {
	Phase    HttpPhase
	Request  *HttpRequest
	Response *HttpResponse
}

// HttpResult is the reply to HandleHttp; which fields mean what depends on the phase.
type HttpResult struct {
	Request  *HttpRequest
	Response *HttpResponse
}
