// Package hookdtest calls a hookd plugin's hooks from Go tests through the real gRPC server that
// hookd.Serve runs: requests and replies are protobuf-encoded, documents JSON-encoded, and errors
// become statuses exactly as they do under the daemon. Only the transport differs: Start uses an
// in-memory connection, StartOnSocket a unix socket in a fresh temporary directory.
//
//	client := hookdtest.Start(t, plugin)
//	reply, err := client.ContainerPreCreate(ctx, &hookdv1.ContainerPreCreateRequest{
//		ConfigJson: []byte(`{"Image":"busybox","Env":["A=1"]}`),
//	})
//	changed, isChanged := hookdtest.DocumentJSON(reply.GetConfig())
package hookdtest

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/test/bufconn"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
	"github.com/hookd/hookd/plugin-sdk/go/hookd"
)

// stopTimeout bounds how long cleanup waits for the plugin's server to stop.
const stopTimeout = 10 * time.Second

// Client is a connection to a plugin served for one test. It is closed and the plugin stopped at
// the end of the test.
type Client struct {
	hookdv1.PluginClient
	Health healthpb.HealthClient
	// Address is "unix:///..." for StartOnSocket, and "bufconn" for Start.
	Address string
	stopped chan error
}

// Start serves p over an in-memory connection. It fails the test if p is invalid.
func Start(t testing.TB, p *hookd.Plugin) *Client {
	t.Helper()
	listener := bufconn.Listen(1 << 20)
	dialer := grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
		return listener.DialContext(ctx)
	})
	return start(t, p, hookd.RunOptions{Listener: listener}, "passthrough:///bufconn", "bufconn", dialer)
}

// StartOnSocket serves p the way a sidecar runs (HOOKD_LISTEN=unix:///...), for tests that
// want a real socket, for example to point another process at Address.
func StartOnSocket(t testing.TB, p *hookd.Plugin) *Client {
	t.Helper()
	// Not t.TempDir(): unix socket paths are limited to ~108 bytes and test names can be long.
	dir, err := os.MkdirTemp("", "hookdtest-")
	if err != nil {
		t.Fatalf("hookdtest: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) }) // a leftover temp dir is harmless
	address := "unix://" + filepath.Join(dir, "plugin.sock")
	env := map[string]string{hookd.EnvListen: address}
	options := hookd.RunOptions{Getenv: func(key string) string { return env[key] }}
	return start(t, p, options, address, address)
}

func start(t testing.TB, p *hookd.Plugin, options hookd.RunOptions, target, address string, dialOptions ...grpc.DialOption) *Client {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	listening := make(chan struct{})
	options.OnListening = func(string) { close(listening) }
	options.Logger = testLogger(t)
	client := &Client{Address: address, stopped: make(chan error, 1)}
	go func() { client.stopped <- hookd.Run(ctx, p, options) }()
	select {
	case <-listening:
	case err := <-client.stopped:
		cancel()
		t.Fatalf("hookdtest: the plugin did not start: %v", err)
	}
	conn, err := grpc.NewClient(target, append(dialOptions, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		cancel()
		t.Fatalf("hookdtest: dial %s: %v", address, err)
	}
	client.PluginClient = hookdv1.NewPluginClient(conn)
	client.Health = healthpb.NewHealthClient(conn)
	t.Cleanup(func() {
		_ = conn.Close() // closing a client connection only fails if it is already closed
		cancel()
		select {
		case err := <-client.stopped:
			if err != nil {
				t.Errorf("hookdtest: the plugin stopped with an error: %v", err)
			}
		case <-time.After(stopTimeout):
			t.Errorf("hookdtest: the plugin did not stop within %v", stopTimeout)
		}
		client.stopped <- nil // keep Stopped answering after cleanup
	})
	return client
}

// WaitStopped waits until the plugin's server has stopped (after Shutdown, say) and returns
// Run's result, or an error if that takes longer than timeout.
func (c *Client) WaitStopped(timeout time.Duration) error {
	select {
	case err := <-c.stopped:
		c.stopped <- err
		return err
	case <-time.After(timeout):
		return errors.New("hookdtest: the plugin is still running")
	}
}

// DocumentJSON returns a reply document's JSON and whether the plugin set it; unset means
// "unchanged".
func DocumentJSON(document *hookdv1.JsonDocument) (string, bool) {
	if document == nil {
		return "", false
	}
	return string(document.GetJson()), true
}

// MustJSON encodes v for a request's JSON field, failing the test if it cannot.
func MustJSON(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("hookdtest: encode %T: %v", v, err)
	}
	return data
}
