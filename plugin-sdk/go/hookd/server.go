package hookd

import (
	"context"
	"log/slog"
	"sync"

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
	// onShutdownAnswered is called once the Shutdown reply is ready; Run stops the server, whose
	// graceful stop lets the reply reach the host first.
	onShutdownAnswered func(reason string)
	shutdownOnce       sync.Once
}

// NewPluginServer returns the hookd.v1.Plugin service of p, for callers that run their own gRPC
// server (Run does this for you). onShutdownAnswered (may be nil) is called after Shutdown has run
// OnShutdown and its reply is ready.
func NewPluginServer(p *Plugin, log *slog.Logger, onShutdownAnswered func(reason string)) hookdv1.PluginServer {
	return newPluginServer(p, log, onShutdownAnswered)
}

func newPluginServer(p *Plugin, log *slog.Logger, onShutdownAnswered func(reason string)) *pluginServer {
	if log == nil {
		log = slog.Default()
	}
	return &pluginServer{plugin: p, log: log, onShutdownAnswered: onShutdownAnswered}
}

func (s *pluginServer) Describe(context.Context, *hookdv1.DescribeRequest) (*hookdv1.DescribeResponse, error) {
	return &hookdv1.DescribeResponse{
		Name:             s.plugin.Name,
		Version:          s.plugin.Version,
		ProtocolVersions: ProtocolVersions(),
		Hooks:            s.plugin.Subscriptions(),
	}, nil
}

func (s *pluginServer) Configure(ctx context.Context, req *hookdv1.ConfigureRequest) (*hookdv1.ConfigureResponse, error) {
	config := req.GetConfigJson()
	if len(config) == 0 {
		config = []byte("null")
	}
	if s.plugin.Configure != nil {
		_, err := callHandler(ctx, s.log, "Configure", codes.InvalidArgument, func() (struct{}, error) {
			return struct{}{}, s.plugin.Configure(ctx, &ConfigureRequest{
				Config: config, PluginName: req.GetPluginName(), ProtocolVersion: req.GetProtocolVersion(),
				HostName: req.GetHostName(), HostVersion: req.GetHostVersion(),
			})
		})
		if err != nil {
			s.log.WarnContext(ctx, "configuration refused", "err", status.Convert(err).Message())
			return nil, err
		}
	}
	s.log.InfoContext(ctx, "configured", "pluginName", req.GetPluginName(), "protocolVersion", req.GetProtocolVersion())
	return &hookdv1.ConfigureResponse{}, nil
}

func (s *pluginServer) Shutdown(ctx context.Context, req *hookdv1.ShutdownRequest) (*hookdv1.ShutdownResponse, error) {
	reason := req.GetReason()
	if reason == "" {
		reason = "host request"
	}
	s.runShutdown(ctx, reason)
	if s.onShutdownAnswered != nil {
		s.onShutdownAnswered(reason)
	}
	return &hookdv1.ShutdownResponse{}, nil
}

// runShutdown runs the plugin's OnShutdown once, whoever asks first: the Shutdown RPC, stdin
// closing, a signal.
func (s *pluginServer) runShutdown(ctx context.Context, reason string) {
	s.shutdownOnce.Do(func() {
		s.log.InfoContext(ctx, "shutting down", "reason", reason)
		if s.plugin.OnShutdown == nil {
			return
		}
		// The host is stopping the plugin whatever OnShutdown answers; callHandler logged any error.
		_, _ = callHandler(ctx, s.log, "Shutdown", codes.Unknown, func() (struct{}, error) {
			return struct{}{}, s.plugin.OnShutdown(ctx, reason)
		})
	})
}

func (s *pluginServer) ContainerPreCreate(ctx context.Context, req *hookdv1.ContainerPreCreateRequest) (*hookdv1.ContainerPreCreateResponse, error) {
	const rpc = "ContainerPreCreate"
	if s.plugin.ContainerPreCreate == nil {
		return nil, notImplemented(s.plugin.Name, rpc)
	}
	config, err := decodeInput("config_json", req.GetConfigJson())
	if err != nil {
		return nil, err
	}
	return callHandler(ctx, s.log, rpc, codes.Unknown, func() (*hookdv1.ContainerPreCreateResponse, error) {
		changed, err := s.plugin.ContainerPreCreate(ctx, &PreCreateRequest{
			RequestID: requestID(req.GetContext()), Name: req.GetName(), Config: config.document,
		})
		return &hookdv1.ContainerPreCreateResponse{Config: config.reply(changed)}, err
	})
}

func (s *pluginServer) ContainerPreStart(ctx context.Context, req *hookdv1.ContainerPreStartRequest) (*hookdv1.ContainerPreStartResponse, error) {
	const rpc = "ContainerPreStart"
	if s.plugin.ContainerPreStart == nil {
		return nil, notImplemented(s.plugin.Name, rpc)
	}
	container := decodeReadOnly(req.GetContainerJson())
	return callHandler(ctx, s.log, rpc, codes.Unknown, func() (*hookdv1.ContainerPreStartResponse, error) {
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
		return nil, notImplemented(s.plugin.Name, rpc)
	}
	endpoint, err := decodeInput("endpoint_json", req.GetEndpointJson())
	if err != nil {
		return nil, err
	}
	return callHandler(ctx, s.log, rpc, codes.Unknown, func() (*hookdv1.ContainerPreCreateEndpointResponse, error) {
		changed, err := s.plugin.ContainerPreCreateEndpoint(ctx, &PreCreateEndpointRequest{
			RequestID: requestID(req.GetContext()), ContainerID: req.GetContainerId(), Env: req.GetEnv(),
			Endpoint: endpoint.document, Phase: req.GetPhase(),
		})
		return &hookdv1.ContainerPreCreateEndpointResponse{Endpoint: endpoint.reply(changed)}, err
	})
}

func (s *pluginServer) ContainerPreUpdate(ctx context.Context, req *hookdv1.ContainerPreUpdateRequest) (*hookdv1.ContainerPreUpdateResponse, error) {
	const rpc = "ContainerPreUpdate"
	if s.plugin.ContainerPreUpdate == nil {
		return nil, notImplemented(s.plugin.Name, rpc)
	}
	// The body is raw bytes the daemon has not decoded yet, so it may not be JSON: the handler
	// gets both forms, and Body is nil when RawBody is not a JSON object.
	body, notJSON := decodeInput("body", req.GetBody())
	return callHandler(ctx, s.log, rpc, codes.Unknown, func() (*hookdv1.ContainerPreUpdateResponse, error) {
		update := &PreUpdateRequest{RequestID: requestID(req.GetContext()), ContainerID: req.GetContainerId(), RawBody: req.GetBody()}
		if notJSON == nil {
			update.Body = body.document
		}
		changed, err := s.plugin.ContainerPreUpdate(ctx, update)
		if notJSON != nil {
			return &hookdv1.ContainerPreUpdateResponse{Body: encodeDocument(changed)}, err
		}
		return &hookdv1.ContainerPreUpdateResponse{Body: body.reply(changed)}, err
	})
}

func (s *pluginServer) ContainerPostUpdate(ctx context.Context, req *hookdv1.ContainerPostUpdateRequest) (*hookdv1.ContainerPostUpdateResponse, error) {
	const rpc = "ContainerPostUpdate"
	if s.plugin.ContainerPostUpdate == nil {
		return nil, notImplemented(s.plugin.Name, rpc)
	}
	return callHandler(ctx, s.log, rpc, codes.Unknown, func() (*hookdv1.ContainerPostUpdateResponse, error) {
		return &hookdv1.ContainerPostUpdateResponse{}, s.plugin.ContainerPostUpdate(ctx, &PostUpdateRequest{
			RequestID: requestID(req.GetContext()), ContainerID: req.GetContainerId(), Rootfs: req.GetRootfs(), Env: req.GetEnv(),
		})
	})
}

func (s *pluginServer) DaemonPreStart(ctx context.Context, req *hookdv1.DaemonPreStartRequest) (*hookdv1.DaemonPreStartResponse, error) {
	const rpc = "DaemonPreStart"
	if s.plugin.DaemonPreStart == nil {
		return nil, notImplemented(s.plugin.Name, rpc)
	}
	return callHandler(ctx, s.log, rpc, codes.Unknown, func() (*hookdv1.DaemonPreStartResponse, error) {
		return &hookdv1.DaemonPreStartResponse{}, s.plugin.DaemonPreStart(ctx, &DaemonPreStartRequest{
			DaemonVersion: req.GetDaemonVersion(), DataRoot: req.GetDataRoot(),
		})
	})
}

func (s *pluginServer) DaemonPreStop(ctx context.Context, req *hookdv1.DaemonPreStopRequest) (*hookdv1.DaemonPreStopResponse, error) {
	const rpc = "DaemonPreStop"
	if s.plugin.DaemonPreStop == nil {
		return nil, notImplemented(s.plugin.Name, rpc)
	}
	return callHandler(ctx, s.log, rpc, codes.Unknown, func() (*hookdv1.DaemonPreStopResponse, error) {
		return &hookdv1.DaemonPreStopResponse{}, s.plugin.DaemonPreStop(ctx, &DaemonPreStopRequest{Reason: req.GetReason()})
	})
}

func (s *pluginServer) VolumePreCreate(ctx context.Context, req *hookdv1.VolumePreCreateRequest) (*hookdv1.VolumePreCreateResponse, error) {
	const rpc = "VolumePreCreate"
	if s.plugin.VolumePreCreate == nil {
		return nil, notImplemented(s.plugin.Name, rpc)
	}
	config, err := decodeInput("config_json", req.GetConfigJson())
	if err != nil {
		return nil, err
	}
	return callHandler(ctx, s.log, rpc, codes.Unknown, func() (*hookdv1.VolumePreCreateResponse, error) {
		changed, err := s.plugin.VolumePreCreate(ctx, &VolumePreCreateRequest{RequestID: requestID(req.GetContext()), Config: config.document})
		return &hookdv1.VolumePreCreateResponse{Config: config.reply(changed)}, err
	})
}

func (s *pluginServer) CriPreCreateContainer(ctx context.Context, req *hookdv1.CriPreCreateContainerRequest) (*hookdv1.CriPreCreateContainerResponse, error) {
	const rpc = "CriPreCreateContainer"
	if s.plugin.CriPreCreateContainer == nil {
		return nil, notImplemented(s.plugin.Name, rpc)
	}
	config, err := decodeInput("config_json", req.GetConfigJson())
	if err != nil {
		return nil, err
	}
	sandbox := decodeReadOnly(req.GetSandboxJson())
	return callHandler(ctx, s.log, rpc, codes.Unknown, func() (*hookdv1.CriPreCreateContainerResponse, error) {
		changed, err := s.plugin.CriPreCreateContainer(ctx, &CriPreCreateContainerRequest{
			RequestID: requestID(req.GetContext()), Config: config.document, Sandbox: sandbox,
		})
		return &hookdv1.CriPreCreateContainerResponse{Config: config.reply(changed)}, err
	})
}

func (s *pluginServer) ImagePostPull(ctx context.Context, req *hookdv1.ImagePostPullRequest) (*hookdv1.ImagePostPullResponse, error) {
	const rpc = "ImagePostPull"
	if s.plugin.ImagePostPull == nil {
		return nil, notImplemented(s.plugin.Name, rpc)
	}
	image := decodeReadOnly(req.GetImageJson())
	return callHandler(ctx, s.log, rpc, codes.Unknown, func() (*hookdv1.ImagePostPullResponse, error) {
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
		return nil, notImplemented(s.plugin.Name, rpc)
	}
	routes := make([]Route, 0, len(req.GetRoutes()))
	for _, route := range req.GetRoutes() {
		routes = append(routes, routeFromProto(route))
	}
	return callHandler(ctx, s.log, rpc, codes.Unknown, func() (*hookdv1.ApiUpdateHandlerResponse, error) {
		changes, err := s.plugin.ApiUpdateHandler(ctx, routes)
		return encodeRouteChanges(changes), err
	})
}

func (s *pluginServer) HandleHttp(ctx context.Context, req *hookdv1.HandleHttpRequest) (*hookdv1.HandleHttpResponse, error) {
	const rpc = "HandleHttp"
	if s.plugin.HandleHttp == nil {
		return nil, notImplemented(s.plugin.Name, rpc)
	}
	call := &HttpCall{Phase: req.GetPhase(), Request: httpRequestFromProto(req.GetRequest()), Response: httpResponseFromProto(req.GetResponse())}
	return callHandler(ctx, s.log, rpc, codes.Unknown, func() (*hookdv1.HandleHttpResponse, error) {
		result, err := s.plugin.HandleHttp(ctx, call)
		if result == nil {
			return &hookdv1.HandleHttpResponse{}, err
		}
		return &hookdv1.HandleHttpResponse{Request: httpRequestToProto(result.Request), Response: httpResponseToProto(result.Response)}, err
	})
}

func requestID(context *hookdv1.RequestContext) string { return context.GetRequestId() }

// encodeDocument is the reply form of a document: nil (unset) means unchanged.
func encodeDocument(document *Document) *hookdv1.JsonDocument {
	if document == nil {
		return nil
	}
	return &hookdv1.JsonDocument{Json: document.Bytes()}
}
