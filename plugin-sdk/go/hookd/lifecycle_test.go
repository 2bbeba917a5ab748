package hookd_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
	"github.com/hookd/hookd/plugin-sdk/go/hookd"
	"github.com/hookd/hookd/plugin-sdk/go/hookdtest"
)

func TestHealthReportsServingForTheServerAndThePluginService(t *testing.T) {
	client := hookdtest.StartOnSocket(t, &hookd.Plugin{Name: "healthy"})
	for _, service := range []string{"", "hookd.v1.Plugin"} {
		reply, err := client.Health.Check(context.Background(), &healthpb.HealthCheckRequest{Service: service})
		if err != nil || reply.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("Check(%q) = %v, %v", service, reply, err)
		}
	}
	if !strings.HasPrefix(client.Address, "unix:///") {
		t.Fatalf("Address = %q", client.Address)
	}
}

type quotaConfig struct {
	MaxMemory string `json:"maxMemory"`
}

func TestConfigureDeliversTheManifestConfig(t *testing.T) {
	var got quotaConfig
	var gotRequest hookd.ConfigureRequest
	client := hookdtest.Start(t, &hookd.Plugin{Name: "quota",
		Configure: func(_ context.Context, req *hookd.ConfigureRequest) error {
			gotRequest = *req
			if err := req.DecodeConfig(&got); err != nil {
				return err
			}
			if got.MaxMemory == "" {
				return errors.New(`config: "maxMemory" is required, for example "4g"`)
			}
			return nil
		}})
	ctx := context.Background()
	_, err := client.Configure(ctx, &hookdv1.ConfigureRequest{ConfigJson: []byte(`{"maxMemory":"4g","future":1}`),
		PluginName: "quota-a", ProtocolVersion: "1", HostName: "hookd", HostVersion: "0.1.0"})
	if err != nil || got.MaxMemory != "4g" {
		t.Fatalf("Configure: %v, config %+v", err, got)
	}
	if gotRequest.PluginName != "quota-a" || gotRequest.ProtocolVersion != "1" || gotRequest.HostName != "hookd" || gotRequest.HostVersion != "0.1.0" {
		t.Fatalf("request = %+v", gotRequest)
	}

	got = quotaConfig{}
	_, err = client.Configure(ctx, &hookdv1.ConfigureRequest{ConfigJson: []byte(`null`)})
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), `"maxMemory" is required`) {
		t.Fatalf("an unusable config is INVALID_ARGUMENT with the plugin's message, got %v", err)
	}
	_, err = client.Configure(ctx, &hookdv1.ConfigureRequest{ConfigJson: []byte(`{"maxMemory":4}`)})
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "config:") {
		t.Fatalf("a config that does not decode is INVALID_ARGUMENT, got %v", err)
	}
}

func TestConfigureWithoutAHandlerAcceptsAnyConfig(t *testing.T) {
	client := hookdtest.Start(t, &hookd.Plugin{Name: "plain"})
	if _, err := client.Configure(context.Background(), &hookdv1.ConfigureRequest{ConfigJson: []byte(`{"x":1}`)}); err != nil {
		t.Fatal(err)
	}
}

func TestShutdownRepliesThenStopsTheServer(t *testing.T) {
	reasons := make(chan string, 1)
	client := hookdtest.StartOnSocket(t, &hookd.Plugin{Name: "stoppable",
		OnShutdown: func(_ context.Context, reason string) error {
			reasons <- reason
			return nil
		}})
	if _, err := client.Shutdown(context.Background(), &hookdv1.ShutdownRequest{Reason: "daemon stopping"}); err != nil {
		t.Fatalf("Shutdown must be answered before the server stops: %v", err)
	}
	if reason := <-reasons; reason != "daemon stopping" {
		t.Fatalf("OnShutdown reason = %q", reason)
	}
	if err := client.WaitStopped(5 * time.Second); err != nil {
		t.Fatalf("Run must return nil after Shutdown, got %v", err)
	}
}
