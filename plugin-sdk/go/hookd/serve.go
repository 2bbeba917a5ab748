package hookd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
)

// The environment the host (launched) or the operator (sidecar) sets; docs/protocol.md lists them.
const (
	EnvPluginAddress    = "HOOKD_PLUGIN_ADDRESS"     // launched: unix:///abs/path.sock, chosen by the host
	EnvPluginName       = "HOOKD_PLUGIN_NAME"        // launched: the manifest's name
	EnvProtocolVersions = "HOOKD_PROTOCOL_VERSIONS"  // launched: the host's versions, "1" or "1,2"
	EnvListen           = "HOOKD_LISTEN"             // sidecar: unix:///path or host:port
	EnvTLSCertFile      = "HOOKD_TLS_CERT_FILE"      // sidecar on TCP: server certificate (PEM)
	EnvTLSKeyFile       = "HOOKD_TLS_KEY_FILE"       // sidecar on TCP: its key (PEM)
	EnvTLSClientCAFile  = "HOOKD_TLS_CLIENT_CA_FILE" // sidecar on TCP: require client certs signed by this CA
)

// gracefulStopTimeout bounds how long in-flight calls may delay an exit; the host escalates to
// SIGTERM a few seconds after Shutdown anyway.
const gracefulStopTimeout = 3 * time.Second

// ErrStartedByHand is returned by Run when neither HOOKD_PLUGIN_ADDRESS nor HOOKD_LISTEN is set.
var ErrStartedByHand = errors.New("started without HOOKD_PLUGIN_ADDRESS or HOOKD_LISTEN")

// RunOptions are Run's inputs from the process; the zero value means the real ones.
type RunOptions struct {
	Getenv func(string) string // default os.Getenv
	Stdin  io.Reader           // default os.Stdin; watched in launched mode only
	Logger *slog.Logger        // default NewLogger(os.Stderr)
	// OnListening, if set, is called with the address once the server accepts connections.
	OnListening func(address string)
	// Listener, if set, is served instead of the address in the environment (embedding, tests);
	// no HOOKD_* variable is read and stdin is not watched.
	Listener net.Listener
}

// Serve runs the plugin as a hookd plugin process and exits: 0 after the host's Shutdown, when
// stdin closes (launched mode: the daemon is gone), or on SIGTERM/SIGINT; 1 when started by hand
// (with a message saying what the binary is) or when serving fails. Call it from main.
func Serve(p *Plugin) {
	log := NewLogger(os.Stderr)
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	err := Run(ctx, p, RunOptions{Logger: log})
	stop()
	switch {
	case errors.Is(err, ErrStartedByHand):
		fmt.Fprint(os.Stderr, startedByHandMessage(p))
		os.Exit(1)
	case err != nil:
		log.Error("plugin stopped", "err", err.Error())
		os.Exit(1)
	}
	os.Exit(0)
}

func startedByHandMessage(p *Plugin) string {
	return fmt.Sprintf("This is a hookd plugin (%s %s). It is started by the hookd daemon, not by hand: "+
		"add a manifest for it to the daemon's plugin directory (see docs/writing-plugins.md), "+
		"or run it as a sidecar with %s=unix:///path/to/plugin.sock (or host:port with %s and %s) "+
		"and point an attached manifest at that address.\n",
		p.Name, p.Version, EnvListen, EnvTLSCertFile, EnvTLSKeyFile)
}

// Run serves p until the host calls Shutdown, stdin closes (launched mode) or ctx ends, then stops
// gracefully and returns nil. It returns ErrStartedByHand when the environment names no address,
// and an error when the plugin is invalid or the address cannot be served.
func Run(ctx context.Context, p *Plugin, opts RunOptions) error {
	if err := p.Validate(); err != nil {
		return err
	}
	opts = opts.withDefaults()
	endpoint, listener, serverOptions, err := opts.open()
	if err != nil {
		return err
	}
	log := opts.Logger.With("plugin", p.Name)

	stopping := make(chan string, 1)
	requestStop := func(reason string) {
		select {
		case stopping <- reason:
		default: // a stop is already under way
		}
	}
	server := grpc.NewServer(serverOptions...)
	healthServer := health.NewServer()
	hookdv1.RegisterPluginServer(server, NewPluginServer(p, log, func(reason string) { requestStop("host asked: " + reason) }))
	healthpb.RegisterHealthServer(server, healthServer)
	healthServer.SetServingStatus(hookdv1.Plugin_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)

	if endpoint.launched {
		go func() {
			// Read until EOF: the host keeps stdin open for as long as it lives, so EOF means the
			// daemon is gone, even if it was SIGKILLed. Bytes read are ignored.
			_, _ = io.Copy(io.Discard, opts.Stdin)
			requestStop("stdin closed: the hookd daemon is gone")
		}()
	}
	go func() {
		<-ctx.Done()
		requestStop("context ended: " + context.Cause(ctx).Error())
	}()

	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	log.Info("listening", "address", endpoint.address, "mode", endpoint.mode(), "protocol_versions", ProtocolVersions)
	if opts.OnListening != nil {
		opts.OnListening(endpoint.address)
	}

	select {
	case err := <-served:
		return fmt.Errorf("serving %s: %w", endpoint.address, err)
	case reason := <-stopping:
		log.Info("stopping", "reason", reason)
	}
	healthServer.Shutdown()
	stopGracefully(server)
	return nil
}

// stopGracefully lets in-flight calls (such as the Shutdown reply) finish, within a bound.
func stopGracefully(server *grpc.Server) {
	done := make(chan struct{})
	go func() {
		server.GracefulStop()
		close(done)
	}()
	timer := time.NewTimer(gracefulStopTimeout)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		server.Stop()
		<-done
	}
}

func (o RunOptions) open() (endpoint, net.Listener, []grpc.ServerOption, error) {
	if o.Listener != nil {
		return endpoint{address: o.Listener.Addr().String()}, o.Listener, nil, nil
	}
	endpoint, err := endpointFromEnv(o.Getenv)
	if err != nil {
		return endpoint, nil, nil, err
	}
	listener, serverOptions, err := endpoint.listen(o.Getenv)
	if err == nil && endpoint.socketPath == "" {
		endpoint.address = listener.Addr().String() // host:0 becomes the port actually bound
	}
	return endpoint, listener, serverOptions, err
}

func (o RunOptions) withDefaults() RunOptions {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Stdin == nil {
		o.Stdin = os.Stdin
	}
	if o.Logger == nil {
		o.Logger = NewLogger(os.Stderr)
	}
	return o
}
