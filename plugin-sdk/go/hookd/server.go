package hookd

import (
	"context"
	"log/slog"
	"slices"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
)

// pluginServer is the hookd.v1.Plugin service over a Plugin: it decodes each request into the
// SDK's types, calls the handler through callHandler, and encodes the reply. It holds no
// per-hook logic of its own.
type pluginServer struct {
	hookdv1.UnimplementedPluginServer
	plugin *Plugin
	log    *slog.Logger
	// onShutdown is called after the Shutdown reply is produced; it stops the server, whose
	// graceful stop lets the reply reach the host first.
	onShutdown func(reason string)
}

// NewPluginServer returns the hookd.v1.Plugin service of p, for callers that run their own gRPC
// server (Run does this for you). Shutdown calls onShutdown (may be nil) once its reply is ready.
func NewPluginServer(p *Plugin, log *slog.Logger, onShutdown func(reason string)) hookdv1.PluginServer {
	if log == nil {
		log = slog.Default()
	}
	return &pluginServer{plugin: p, log: log, onShutdown: onShutdown}
}

func (s *pluginServer) Describe(ctx context.Context, req *hookdv1.DescribeRequest) (*hookdv1.DescribeResponse, error) {
	if len(req.GetHostProtocolVersions()) > 0 && !slices.ContainsFunc(ProtocolVersions, func(v string) bool {
		return slices.Contains(req.GetHostProtocolVersions(), v)
	}) {
		// Answer anyway: the host refuses the plugin and says which versions each side speaks.
		s.log.WarnContext(ctx, "no protocol version in common with the host",
			"host_versions", req.GetHostProtocolVersions(), "plugin_versions", ProtocolVersions)
	}
	return &hookdv1.DescribeResponse{
		Name:             s.plugin.Name,
		Version:          s.plugin.Version,
		ProtocolVersions: slices.Clone(ProtocolVersions),
		Hooks:            s.plugin.Subscriptions(),
	}, nil
}

func (s *pluginServer) Configure(ctx context.Context, req *hookdv1.ConfigureRequest) (*hookdv1.ConfigureResponse, error) {
	if s.plugin.Configure == nil {
		return &hookdv1.ConfigureResponse{}, nil
	}
	config := req.GetConfigJson()
	if len(config) == 0 {
		config = []byte("null")
	}
	return callHandler(ctx, s.log, "Configure", func() (*hookdv1.ConfigureResponse, error) {
		err := s.plugin.Configure(ctx, &ConfigureRequest{
			Config: config, PluginName: req.GetPluginName(), ProtocolVersion: req.GetProtocolVersion(),
			HostName: req.GetHostName(), HostVersion: req.GetHostVersion(),
		})
		if err != nil {
			return nil, toStatus(err, codes.InvalidArgument)
		}
		return &hookdv1.ConfigureResponse{}, nil
	})
}

func (s *pluginServer) Shutdown(ctx context.Context, req *hookdv1.ShutdownRequest) (*hookdv1.ShutdownResponse, error) {
	s.log.InfoContext(ctx, "shutting down", "reason", req.GetReason())
	if s.plugin.OnShutdown != nil {
		if _, err := callHandler(ctx, s.log, "Shutdown", func() (struct{}, error) {
			return struct{}{}, s.plugin.OnShutdown(ctx, req.GetReason())
		}); err != nil {
			// Stop anyway: the host is stopping the plugin whatever it answers.
			s.log.ErrorContext(ctx, "OnShutdown failed", "err", err)
		}
	}
	if s.onShutdown != nil {
		s.onShutdown(req.GetReason())
	}
	return &hookdv1.ShutdownResponse{}, nil
}

func (s *pluginServer) ContainerPreCreate(ctx context.Context, req *hookdv1.ContainerPreCreateRequest) (*hookdv1.ContainerPreCreateResponse, error) {
	const rpc = "ContainerPreCreate"
	if s.plugin.ContainerPreCreate == nil {
		return nil, notImplemented(rpc)
	}
	config, err := ParseDocument(req.GetConfigJson())
	if err != nil {
		return nil, badRequest(rpc, "config_json", err)
	}
	return callHandler(ctx, s.log, rpc, func() (*hookdv1.ContainerPreCreateResponse, error) {
		changed, err := s.plugin.ContainerPreCreate(ctx, &PreCreateRequest{
			RequestID: requestID(req.GetContext()), Name: req.GetName(), Config: config,
		})
		return &hookdv1.ContainerPreCreateResponse{Config: encodeDocument(changed)}, err
	})
}

func (s *pluginServer) ContainerPreStart(ctx context.Context, req *hookdv1.ContainerPreStartRequest) (*hookdv1.ContainerPreStartResponse, error) {
	const rpc = "ContainerPreStart"
	if s.plugin.ContainerPreStart == nil {
		return nil, notImplemented(rpc)
	}
	container, err := ParseDocument(req.GetContainerJson())
	if err != nil {
		return nil, badRequest(rpc, "container_json", err)
	}
	return callHandler(ctx, s.log, rpc, func() (*hookdv1.ContainerPreStartResponse, error) {
		hooks, err := s.plugin.ContainerPreStart(ctx, &PreStartRequest{
			RequestID: requestID(req.GetContext()), ContainerID: req.GetContainerId(), Container: container,
		})
		reply := &hookdv1.ContainerPreStartResponse{}
		for _, hook := range hooks {
			reply.Hooks = append(reply.Hooks, &hookdv1.OciHook{
				Priority: hook.Priority, Path: hook.Path, Args: hook.Args, Env: hook.Env, TimeoutSeconds: hook.TimeoutSeconds,
			})
		}
		return reply, err
	})
}

func (s *pluginServer) ContainerPreCreateEndpoint(ctx context.Context, req *hookdv1.ContainerPreCreateEndpointRequest) (*hookdv1.ContainerPreCreateEndpointResponse, error) {
	const rpc = "ContainerPreCreateEndpoint"
	if s.plugin.ContainerPreCreateEndpoint == nil {
		return nil, notImplemented(rpc)
	}
	endpoint, err := ParseDocument(req.GetEndpointJson())
	if err != nil {
		return nil, badRequest(rpc, "endpoint_json", err)
	}
	return callHandler(ctx, s.log, rpc, func() (*hookdv1.ContainerPreCreateEndpointResponse, error) {
		changed, err := s.plugin.ContainerPreCreateEndpoint(ctx, &PreCreateEndpointRequest{
			RequestID: requestID(req.GetContext()), ContainerID: req.GetContainerId(), Env: req.GetEnv(),
			Endpoint: endpoint, Phase: req.GetPhase(),
		})
		return &hookdv1.ContainerPreCreateEndpointResponse{Endpoint: encodeDocument(changed)}, err
	})
}

func (s *pluginServer) ContainerPreUpdate(ctx context.Context, req *hookdv1.ContainerPreUpdateRequest) (*hookdv1.ContainerPreUpdateResponse, error) {
	const rpc = "ContainerPreUpdate"
	if s.plugin.ContainerPreUpdate == nil {
		return nil, notImplemented(rpc)
	}
	body, _ := ParseDocument(req.GetBody()) // nil when the client's body is not a JSON object; see PreUpdateRequest.Body
	return callHandler(ctx, s.log, rpc, func() (*hookdv1.ContainerPreUpdateResponse, error) {
		changed, err := s.plugin.ContainerPreUpdate(ctx, &PreUpdateRequest{
			RequestID: requestID(req.GetContext()), ContainerID: req.GetContainerId(), RawBody: req.GetBody(), Body: body,
		})
		return &hookdv1.ContainerPreUpdateResponse{Body: encodeDocument(changed)}, err
	})
}

func (s *pluginServer) ContainerPostUpdate(ctx context.Context, req *hookdv1.ContainerPostUpdateRequest) (*hookdv1.ContainerPostUpdateResponse, error) {
	const rpc = "ContainerPostUpdate"
	if s.plugin.ContainerPostUpdate == nil {
		return nil, notImplemented(rpc)
	}
	return callHandler(ctx, s.log, rpc, func() (*hookdv1.ContainerPostUpdateResponse, error) {
		return &hookdv1.ContainerPostUpdateResponse{}, s.plugin.ContainerPostUpdate(ctx, &PostUpdateRequest{
			RequestID: requestID(req.GetContext()), ContainerID: req.GetContainerId(), Rootfs: req.GetRootfs(), Env: req.GetEnv(),
		})
	})
}

func (s *pluginServer) DaemonPreStart(ctx context.Context, req *hookdv1.DaemonPreStartRequest) (*hookdv1.DaemonPreStartResponse, error) {
	const rpc = "DaemonPreStart"
	if s.plugin.DaemonPreStart == nil {
		return nil, notImplemented(rpc)
	}
	return callHandler(ctx, s.log, rpc, func() (*hookdv1.DaemonPreStartResponse, error) {
		return &hookdv1.DaemonPreStartResponse{}, s.plugin.DaemonPreStart(ctx, &DaemonPreStartRequest{
			DaemonVersion: req.GetDaemonVersion(), DataRoot: req.GetDataRoot(),
		})
	})
}

func (s *pluginServer) DaemonPreStop(ctx context.Context, req *hookdv1.DaemonPreStopRequest) (*hookdv1.DaemonPreStopResponse, error) {
	const rpc = "DaemonPreStop"
	if s.plugin.DaemonPreStop == nil {
		return nil, notImplemented(rpc)
	}
	return callHandler(ctx, s.log, rpc, func() (*hookdv1.DaemonPreStopResponse, error) {
		return &hookdv1.DaemonPreStopResponse{}, s.plugin.DaemonPreStop(ctx, &DaemonPreStopRequest{Reason: req.GetReason()})
	})
}

func (s *pluginServer) VolumePreCreate(ctx context.Context, req *hookdv1.VolumePreCreateRequest) (*hookdv1.VolumePreCreateResponse, error) {
	const rpc = "VolumePreCreate"
	if s.plugin.VolumePreCreate == nil {
		return nil, notImplemented(rpc)
	}
	config, err := ParseDocument(req.GetConfigJson())
	if err != nil {
		return nil, badRequest(rpc, "config_json", err)
	}
	return callHandler(ctx, s.log, rpc, func() (*hookdv1.VolumePreCreateResponse, error) {
		changed, err := s.plugin.VolumePreCreate(ctx, &VolumePreCreateRequest{RequestID: requestID(req.GetContext()), Config: config})
		return &hookdv1.VolumePreCreateResponse{Config: encodeDocument(changed)}, err
	})
}

func (s *pluginServer) CriPreCreateContainer(ctx context.Context, req *hookdv1.CriPreCreateContainerRequest) (*hookdv1.CriPreCreateContainerResponse, error) {
	const rpc = "CriPreCreateContainer"
	if s.plugin.CriPreCreateContainer == nil {
		return nil, notImplemented(rpc)
	}
	config, err := ParseDocument(req.GetConfigJson())
	if err != nil {
		return nil, badRequest(rpc, "config_json", err)
	}
	sandbox, err := ParseDocument(req.GetSandboxJson())
	if err != nil {
		return nil, badRequest(rpc, "sandbox_json", err)
	}
	return callHandler(ctx, s.log, rpc, func() (*hookdv1.CriPreCreateContainerResponse, error) {
		changed, err := s.plugin.CriPreCreateContainer(ctx, &CriPreCreateContainerRequest{
			RequestID: requestID(req.GetContext()), Config: config, Sandbox: sandbox,
		})
		return &hookdv1.CriPreCreateContainerResponse{Config: encodeDocument(changed)}, err
	})
}

func (s *pluginServer) ImagePostPull(ctx context.Context, req *hookdv1.ImagePostPullRequest) (*hookdv1.ImagePostPullResponse, error) {
	const rpc = "ImagePostPull"
	if s.plugin.ImagePostPull == nil {
		return nil, notImplemented(rpc)
	}
	image, err := ParseDocument(req.GetImageJson())
	if err != nil {
		return nil, badRequest(rpc, "image_json", err)
	}
	return callHandler(ctx, s.log, rpc, func() (*hookdv1.ImagePostPullResponse, error) {
		snapshotters, err := s.plugin.ImagePostPull(ctx, &ImagePostPullRequest{
			RequestID: requestID(req.GetContext()), ImageRef: req.GetImageRef(), ImageID: req.GetImageId(),
			Snapshotter: req.GetSnapshotter(), Image: image,
		})
		return &hookdv1.ImagePostPullResponse{Snapshotters: snapshotters}, err
	})
}

func (s *pluginServer) ApiUpdateHandler(ctx context.Context, req *hookdv1.ApiUpdateHandlerRequest) (*hookdv1.ApiUpdateHandlerResponse, error) {
	const rpc = "ApiUpdateHandler"
	if s.plugin.ApiUpdateHandler == nil {
		return nil, notImplemented(rpc)
	}
	routes := make([]Route, 0, len(req.GetRoutes()))
	for _, route := range req.GetRoutes() {
		routes = append(routes, routeFromProto(route))
	}
	return callHandler(ctx, s.log, rpc, func() (*hookdv1.ApiUpdateHandlerResponse, error) {
		changes, err := s.plugin.ApiUpdateHandler(ctx, routes)
		return encodeRouteChanges(changes), err
	})
}

func (s *pluginServer) HandleHttp(ctx context.Context, req *hookdv1.HandleHttpRequest) (*hookdv1.HandleHttpResponse, error) {
	const rpc = "HandleHttp"
	if s.plugin.HandleHttp == nil {
		return nil, notImplemented(rpc)
	}
	call := &HttpCall{Phase: req.GetPhase(), Request: httpRequestFromProto(req.GetRequest()), Response: httpResponseFromProto(req.GetResponse())}
	return callHandler(ctx, s.log, rpc, func() (*hookdv1.HandleHttpResponse, error) {
		result, err := s.plugin.HandleHttp(ctx, call)
		if result == nil {
			return &hookdv1.HandleHttpResponse{}, err
		}
		return &hookdv1.HandleHttpResponse{Request: httpRequestToProto(result.Request), Response: httpResponseToProto(result.Response)}, err
	})
}

func notImplemented(rpc string) error {
	return status.Errorf(codes.Unimplemented, "%s: this plugin does not implement it (it is not in its Describe subscription)", rpc)
}

func requestID(context *hookdv1.RequestContext) string { return context.GetRequestId() }

// encodeDocument is the reply form of a document: nil (unset) means unchanged.
func encodeDocument(document *Document) *hookdv1.JsonDocument {
	if document == nil {
		return nil
	}
	return &hookdv1.JsonDocument{Json: document.Bytes()}
}
