package hookd_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
	"github.com/hookd/hookd/plugin-sdk/go/hookd"
	"github.com/hookd/hookd/plugin-sdk/go/hookdtest"
)

var requestContext = &hookdv1.RequestContext{RequestId: "req-1"}

// expect fails the handler (and so the call) when a decoded request field is not what was sent.
func expect(field string, got, want any) error {
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("%s = %#v, want %#v", field, got, want)
	}
	return nil
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// everyHook answers each hook in a way that shows its request was decoded and its reply encoded.
var everyHook = &hookd.Plugin{
	Name: "every-hook",
	ContainerPreCreate: func(_ context.Context, req *hookd.PreCreateRequest) (*hookd.Document, error) {
		if err := firstError(expect("RequestID", req.RequestID, "req-1"), expect("Name", req.Name, "web")); err != nil {
			return nil, err
		}
		return req.Config, req.Config.Env().Set("ADDED", "1")
	},
	ContainerPreStart: func(_ context.Context, req *hookd.PreStartRequest) ([]hookd.OciHook, error) {
		baseFS, _ := req.Container.String("BaseFS")
		return []hookd.OciHook{{Priority: -100, Path: "/bin/hook", Args: []string{"hook", req.ContainerID, baseFS}, Env: []string{"A=1"}, TimeoutSeconds: 5}}, nil
	},
	ContainerPreCreateEndpoint: func(_ context.Context, req *hookd.PreCreateEndpointRequest) (*hookd.Document, error) {
		if req.Phase == hookd.EndpointPhaseRemove {
			return nil, nil
		}
		ip, _ := hookd.LookupEnv(req.Env, "RequestedIP")
		return req.Endpoint, firstError(req.Endpoint.Set(true, "DisableResolver"), req.Endpoint.StringMap("GenericParams").Set("ip", ip))
	},
	ContainerPreUpdate: func(_ context.Context, req *hookd.PreUpdateRequest) (*hookd.Document, error) {
		if req.Body == nil {
			return hookd.ParseDocument([]byte(fmt.Sprintf(`{"Raw":%q}`, req.RawBody)))
		}
		return req.Body, req.Body.Set(int64(512), "Memory")
	},
	ContainerPostUpdate: func(_ context.Context, req *hookd.PostUpdateRequest) error {
		return firstError(expect("Rootfs", req.Rootfs, "/rootfs"), expect("Env", req.Env, []string{"A=1"}), expect("ContainerID", req.ContainerID, "c1"))
	},
	DaemonPreStart: func(_ context.Context, req *hookd.DaemonPreStartRequest) error {
		return firstError(expect("DaemonVersion", req.DaemonVersion, "0.1.0"), expect("DataRoot", req.DataRoot, "/var/lib/hookd"))
	},
	DaemonPreStop: func(_ context.Context, req *hookd.DaemonPreStopRequest) error {
		return expect("Reason", req.Reason, "SIGTERM")
	},
	VolumePreCreate: func(_ context.Context, req *hookd.VolumePreCreateRequest) (*hookd.Document, error) {
		return req.Config, req.Config.StringMap("DriverOpts").Set("size", "10g")
	},
	CriPreCreateContainer: func(_ context.Context, req *hookd.CriPreCreateContainerRequest) (*hookd.Document, error) {
		runtime, _ := req.Sandbox.String("Runtime")
		return req.Config, req.Config.Env().Set("RUNTIME", runtime)
	},
	ImagePostPull: func(_ context.Context, req *hookd.ImagePostPullRequest) ([]string, error) {
		if req.Snapshotter == "qcow2" {
			return []string{"overlayfs"}, expect("image", []string{req.ImageRef, req.ImageID}, []string{"busybox:latest", "sha256:abc"})
		}
		return nil, nil
	},
	ApiUpdateHandler: func(_ context.Context, routes []hookd.Route) (*hookd.RouteChanges, error) {
		return &hookd.RouteChanges{
			Add:    []hookd.Route{{Method: "GET", Path: "/host/exec/result"}},
			Remove: routes[:1],
			Wrap:   []hookd.RouteWrap{{Route: routes[1], Before: true}},
		}, nil
	},
	HandleHttp: func(_ context.Context, call *hookd.HttpCall) (*hookd.HttpResult, error) {
		switch call.Phase {
		case hookd.HttpPhaseServe:
			return &hookd.HttpResult{Response: &hookd.HttpResponse{Status: 200, Headers: []hookd.HttpHeader{{Name: "Content-Type", Value: "text/plain"}}, Body: []byte(call.Request.PathParams["name"])}}, nil
		case hookd.HttpPhaseAfter:
			return &hookd.HttpResult{Response: &hookd.HttpResponse{Status: call.Response.Status + 1}}, nil
		}
		return nil, nil // HttpPhaseBefore: continue unchanged
	},
}

func TestEveryHookDecodesItsRequestAndEncodesItsReply(t *testing.T) {
	client := hookdtest.Start(t, everyHook)
	ctx := context.Background()
	cases := []struct {
		name string
		call func() (proto.Message, error)
		want proto.Message
	}{
		{"container PreCreate returns the whole config with unknown fields", func() (proto.Message, error) {
			return client.ContainerPreCreate(ctx, &hookdv1.ContainerPreCreateRequest{Context: requestContext, Name: "web",
				ConfigJson: []byte(`{"Image":"busybox","Unknown":{"n":18446744073709551615}}`)})
		}, &hookdv1.ContainerPreCreateResponse{Config: &hookdv1.JsonDocument{Json: []byte(`{"Env":["ADDED=1"],"Image":"busybox","Unknown":{"n":18446744073709551615}}`)}}},
		{"container PreStart returns OCI hooks", func() (proto.Message, error) {
			return client.ContainerPreStart(ctx, &hookdv1.ContainerPreStartRequest{Context: requestContext, ContainerId: "c1",
				ContainerJson: []byte(`{"Id":"c1","BaseFS":"/rootfs"}`)})
		}, &hookdv1.ContainerPreStartResponse{Hooks: []*hookdv1.OciHook{{Priority: -100, Path: "/bin/hook", Args: []string{"hook", "c1", "/rootfs"}, Env: []string{"A=1"}, TimeoutSeconds: 5}}}},
		{"container PreCreateEndpoint returns the endpoint", func() (proto.Message, error) {
			return client.ContainerPreCreateEndpoint(ctx, &hookdv1.ContainerPreCreateEndpointRequest{Context: requestContext, ContainerId: "c1",
				Env: []string{"RequestedIP=10.0.0.2"}, Phase: hookd.EndpointPhaseCreate,
				EndpointJson: []byte(`{"Name":"bridge","Priority":0,"GenericParams":null}`)})
		}, &hookdv1.ContainerPreCreateEndpointResponse{Endpoint: &hookdv1.JsonDocument{Json: []byte(`{"DisableResolver":true,"GenericParams":{"ip":"10.0.0.2"},"Name":"bridge","Priority":0}`)}}},
		{"container PreCreateEndpoint leaves the reply unset for unchanged", func() (proto.Message, error) {
			return client.ContainerPreCreateEndpoint(ctx, &hookdv1.ContainerPreCreateEndpointRequest{Phase: hookd.EndpointPhaseRemove, EndpointJson: []byte(`{}`)})
		}, &hookdv1.ContainerPreCreateEndpointResponse{}},
		{"container PreUpdate edits a JSON body", func() (proto.Message, error) {
			return client.ContainerPreUpdate(ctx, &hookdv1.ContainerPreUpdateRequest{Context: requestContext, ContainerId: "c1", Body: []byte(`{"Env":["A=1"]}`)})
		}, &hookdv1.ContainerPreUpdateResponse{Body: &hookdv1.JsonDocument{Json: []byte(`{"Env":["A=1"],"Memory":512}`)}}},
		{"container PreUpdate sees a body that is not JSON as raw bytes", func() (proto.Message, error) {
			return client.ContainerPreUpdate(ctx, &hookdv1.ContainerPreUpdateRequest{Body: []byte(`not json`)})
		}, &hookdv1.ContainerPreUpdateResponse{Body: &hookdv1.JsonDocument{Json: []byte(`{"Raw":"not json"}`)}}},
		{"container PostUpdate is notified", func() (proto.Message, error) {
			return client.ContainerPostUpdate(ctx, &hookdv1.ContainerPostUpdateRequest{Context: requestContext, ContainerId: "c1", Rootfs: "/rootfs", Env: []string{"A=1"}})
		}, &hookdv1.ContainerPostUpdateResponse{}},
		{"daemon PreStart is notified", func() (proto.Message, error) {
			return client.DaemonPreStart(ctx, &hookdv1.DaemonPreStartRequest{DaemonVersion: "0.1.0", DataRoot: "/var/lib/hookd"})
		}, &hookdv1.DaemonPreStartResponse{}},
		{"daemon PreStop is notified", func() (proto.Message, error) {
			return client.DaemonPreStop(ctx, &hookdv1.DaemonPreStopRequest{Reason: "SIGTERM"})
		}, &hookdv1.DaemonPreStopResponse{}},
		{"volume PreVolumeCreate returns the config", func() (proto.Message, error) {
			return client.VolumePreCreate(ctx, &hookdv1.VolumePreCreateRequest{Context: requestContext, ConfigJson: []byte(`{"Name":"","Labels":{"a":"b"}}`)})
		}, &hookdv1.VolumePreCreateResponse{Config: &hookdv1.JsonDocument{Json: []byte(`{"DriverOpts":{"size":"10g"},"Labels":{"a":"b"},"Name":""}`)}}},
		{"cri PreCreateContainer reads the sandbox", func() (proto.Message, error) {
			return client.CriPreCreateContainer(ctx, &hookdv1.CriPreCreateContainerRequest{Context: requestContext,
				ConfigJson: []byte(`{"Image":"pause"}`), SandboxJson: []byte(`{"ID":"s1","Runtime":"runc"}`)})
		}, &hookdv1.CriPreCreateContainerResponse{Config: &hookdv1.JsonDocument{Json: []byte(`{"Env":["RUNTIME=runc"],"Image":"pause"}`)}}},
		{"image PostPull returns extra snapshotters", func() (proto.Message, error) {
			return client.ImagePostPull(ctx, &hookdv1.ImagePostPullRequest{Context: requestContext, ImageRef: "busybox:latest", ImageId: "sha256:abc",
				Snapshotter: "qcow2", ImageJson: []byte(`{"Id":"sha256:abc"}`)})
		}, &hookdv1.ImagePostPullResponse{Snapshotters: []string{"overlayfs"}}},
		{"api UpdateHandler returns route changes", func() (proto.Message, error) {
			return client.ApiUpdateHandler(ctx, &hookdv1.ApiUpdateHandlerRequest{Routes: []*hookdv1.Route{
				{Method: "GET", Path: "/version"}, {Method: "POST", Path: "/containers/create"}}})
		}, &hookdv1.ApiUpdateHandlerResponse{
			Add:    []*hookdv1.Route{{Method: "GET", Path: "/host/exec/result"}},
			Remove: []*hookdv1.Route{{Method: "GET", Path: "/version"}},
			Wrap:   []*hookdv1.RouteWrap{{Route: &hookdv1.Route{Method: "POST", Path: "/containers/create"}, Before: true}},
		}},
		{"HandleHttp serves an added route", func() (proto.Message, error) {
			return client.HandleHttp(ctx, &hookdv1.HandleHttpRequest{Phase: hookd.HttpPhaseServe, Request: &hookdv1.HttpRequest{
				Method: "GET", Path: "/things/x", RoutePath: "/things/{name}", PathParams: map[string]string{"name": "x"}}})
		}, &hookdv1.HandleHttpResponse{Response: &hookdv1.HttpResponse{Status: 200, Headers: []*hookdv1.HttpHeader{{Name: "Content-Type", Value: "text/plain"}}, Body: []byte("x")}}},
		{"HandleHttp before a wrapped route continues unchanged", func() (proto.Message, error) {
			return client.HandleHttp(ctx, &hookdv1.HandleHttpRequest{Phase: hookd.HttpPhaseBefore, Request: &hookdv1.HttpRequest{Method: "POST"}})
		}, &hookdv1.HandleHttpResponse{}},
		{"HandleHttp after a wrapped route sees the daemon's response", func() (proto.Message, error) {
			return client.HandleHttp(ctx, &hookdv1.HandleHttpRequest{Phase: hookd.HttpPhaseAfter, Request: &hookdv1.HttpRequest{}, Response: &hookdv1.HttpResponse{Status: 200}})
		}, &hookdv1.HandleHttpResponse{Response: &hookdv1.HttpResponse{Status: 201, Headers: []*hookdv1.HttpHeader{}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.call()
			if err != nil {
				t.Fatalf("call failed: %v", err)
			}
			if !proto.Equal(got, tc.want) {
				t.Fatalf("reply\n got: %v\nwant: %v", got, tc.want)
			}
		})
	}
}

func TestADocumentReplyIsUnsetWhenNothingChanged(t *testing.T) {
	client := hookdtest.Start(t, &hookd.Plugin{Name: "documents",
		ContainerPreCreate: func(_ context.Context, req *hookd.PreCreateRequest) (*hookd.Document, error) {
			switch req.Name {
			case "returned-as-is":
				return req.Config, nil
			case "changed-in-place":
				return nil, req.Config.Set("x", "Changed")
			}
			return nil, nil
		}})
	ctx := context.Background()
	input := []byte(`{"Image":"busybox", "Env": ["A=1"], "Big": 123456789012345678901234567890}`)
	cases := []struct {
		name string
		want string // "" = unset
	}{
		{"untouched", ""},
		{"returned-as-is", ""},
		{"changed-in-place", `{"Big":123456789012345678901234567890,"Changed":"x","Env":["A=1"],"Image":"busybox"}`},
	}
	for _, tc := range cases {
		reply, err := client.ContainerPreCreate(ctx, &hookdv1.ContainerPreCreateRequest{Name: tc.name, ConfigJson: input})
		if err != nil {
			t.Fatal(err)
		}
		got, isSet := hookdtest.DocumentJSON(reply.GetConfig())
		if got != tc.want || isSet != (tc.want != "") {
			t.Errorf("%s: reply = %q (set %v), want %q", tc.name, got, isSet, tc.want)
		}
	}
}

func TestEmptyDocumentsCountAsEmptyObjects(t *testing.T) {
	client := hookdtest.Start(t, everyHook)
	reply, err := client.VolumePreCreate(context.Background(), &hookdv1.VolumePreCreateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := hookdtest.DocumentJSON(reply.GetConfig()); got != `{"DriverOpts":{"size":"10g"}}` {
		t.Fatalf("got %s", got)
	}
}
