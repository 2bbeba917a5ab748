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
	"slices"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
)

// The environment the host (launched) or the operator (sidecar) sets; docs/protocol.md lists them
// for every language.
const (
	EnvPluginAddress    = "HOOKD_PLUGIN_ADDRESS"     // launched: where to serve, chosen by the host
	EnvPluginName       = "HOOKD_PLUGIN_NAME"        // launched: the manifest's name for this plugin
	EnvProtocolVersions = "HOOKD_PROTOCOL_VERSIONS"  // launched: the host's versions, "1" or "1,2"
	EnvListen           = "HOOKD_LISTEN"             // sidecar: unix:///path or host:port
	EnvTLSCertFile      = "HOOKD_TLS_CERT_FILE"      // TCP: PEM certificate chain
	EnvTLSKeyFile       = "HOOKD_TLS_KEY_FILE"       // TCP: PEM private key of that certificate
	EnvTLSClientCAFile  = "HOOKD_TLS_CLIENT_CA_FILE" // TCP: require client certificates this CA signed
	EnvLogLevel         = "HOOKD_LOG_LEVEL"          // debug | info | warn | error (default info)
)

// stopGrace bounds how long calls in flight may delay an exit once the plugin is stopping; the
// host escalates to SIGTERM a few seconds after Shutdown anyway.
const stopGrace = 2 * time.Second

// healthServices are the names a plugin reports SERVING for: the whole server and the plugin service.
var healthServices = []string{"", hookdv1.Plugin_ServiceDesc.ServiceName}

// ErrStartedByHand is returned by Run when neither HOOKD_PLUGIN_ADDRESS nor HOOKD_LISTEN is set.
var ErrStartedByHand = errors.New("started without HOOKD_PLUGIN_ADDRESS or HOOKD_LISTEN")

// RunOptions are Run's inputs from the process; the zero value means the real ones.
type RunOptions struct {
	Getenv func(string) string // default os.Getenv
	Stdin  io.Reader           // default os.Stdin; watched in launched mode only
	Logger *slog.Logger        // default NewLogger(os.Stderr, HOOKD_LOG_LEVEL)
	// OnListening, if set, is called with the address (for TCP port 0, the port actually bound)
	// once the server accepts connections.
	OnListening func(address string)
	// Listener, if set, is served instead of the address in the environment (embedding, tests):
	// no HOOKD_* address is read and stdin is not watched.
	Listener net.Listener
}

// Serve runs the plugin as a hookd plugin process and exits: 0 after the host's Shutdown, when
// stdin closes (launched mode: the daemon is gone), or on SIGTERM/SIGINT; 1 when started by hand
// (with a message saying what the binary is) or when it cannot serve. Call it from main.
func Serve(p *Plugin) {
	log := NewLogger(os.Stderr, ParseLogLevel(os.Getenv(EnvLogLevel)))
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	err := Run(ctx, p, RunOptions{Logger: log})
	stop()
	switch {
	case errors.Is(err, ErrStartedByHand):
		fmt.Fprint(os.Stderr, startedByHandMessage(p))
		os.Exit(1)
	case err != nil:
		log.Error(err.Error(), "plugin", p.Name)
		os.Exit(1)
	}
	os.Exit(0)
}

func startedByHandMessage(p *Plugin) string {
	return fmt.Sprintf("This is a hookd plugin (%s %s). It is started by the hookd daemon, not by hand: "+
		"add a manifest for it to the daemon's plugin directory (see docs/configuration.md), "+
		"or run it as a sidecar by setting HOOKD_LISTEN=unix:///path/to/plugin.sock (see docs/protocol.md).\n",
		p.Name, p.Version)
}

// Run serves p until the host calls Shutdown, stdin closes (launched mode) or ctx ends (Serve ends
// it on SIGTERM/SIGINT); it then runs OnShutdown once, stops gracefully and returns nil. It returns
// ErrStartedByHand when the environment names no address, and an error when p is invalid or the
// address cannot be served.
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
	warnAboutHost(log, opts.Getenv, p)

	stopping := make(chan string, 1)
	requestStop := func(reason string) {
		select {
		case stopping <- reason:
		default: // a stop is already under way
		}
	}
	plugin := newPluginServer(p, log, requestStop)
	server := grpc.NewServer(serverOptions...)
	healthServer := health.NewServer()
	hookdv1.RegisterPluginServer(server, plugin)
	healthpb.RegisterHealthServer(server, healthServer)
	for _, service := range healthServices {
		healthServer.SetServingStatus(service, healthpb.HealthCheckResponse_SERVING)
	}

	if endpoint.launched {
		go func() {
			// The host keeps stdin open for as long as it lives and never writes to it: end of file
			// (or an error) means it is gone, possibly SIGKILLed, and nobody will call us again.
			_, _ = io.Copy(io.Discard, opts.Stdin)
			requestStop("stdin closed: the host is gone")
		}()
	}
	go func() {
		<-ctx.Done()
		requestStop(contextStopReason(ctx))
	}()

	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	log.Info("serving", "mode", endpoint.mode(), "address", endpoint.address, "version", p.Version)
	if opts.OnListening != nil {
		opts.OnListening(endpoint.address)
	}

	var reason string
	select {
	case err := <-served:
		return fmt.Errorf("serving on %s: %w", endpoint.address, err)
	case reason = <-stopping:
	}
	plugin.runShutdown(context.Background(), reason)
	healthServer.Shutdown() // every service NOT_SERVING while calls in flight finish
	stopGracefully(server)
	log.Info("stopped", "reason", reason)
	return nil
}

// contextStopReason names why ctx ended: Serve's signal context says "... signal received".
func contextStopReason(ctx context.Context) string {
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause.Error()
	}
	if err := ctx.Err(); err != nil {
		return err.Error()
	}
	return "stopped"
}

// warnAboutHost logs what a launched plugin should know about the host that started it.
func warnAboutHost(log *slog.Logger, getenv func(string) string, p *Plugin) {
	if hostVersions := parseVersionList(getenv(EnvProtocolVersions)); len(hostVersions) > 0 &&
		!slices.ContainsFunc(hostVersions, func(v string) bool { return slices.Contains(ProtocolVersions(), v) }) {
		log.Warn("the host speaks no protocol version this SDK speaks; it will refuse this plugin at Describe",
			"hostVersions", hostVersions, "pluginVersions", ProtocolVersions())
	}
	if manifestName := strings.TrimSpace(getenv(EnvPluginName)); manifestName != "" && manifestName != p.Name {
		log.Info("the manifest names this plugin differently; the host uses the manifest name", "manifestName", manifestName)
	}
}

// parseVersionList reads "1", "1,2", "1 2" or a JSON array such as ["1","2"].
func parseVersionList(value string) []string {
	return strings.FieldsFunc(value, func(r rune) bool { return strings.ContainsRune(`[]", `+"\t\n", r) })
}

// stopGracefully lets calls in flight (such as the Shutdown reply) finish, within stopGrace.
func stopGracefully(server *grpc.Server) {
	done := make(chan struct{})
	go func() {
		server.GracefulStop()
		close(done)
	}()
	timer := time.NewTimer(stopGrace)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		server.Stop() // a stuck handler must not keep the process alive past the host's patience
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
	listener, serverOptions, err := endpoint.listen()
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
		o.Logger = NewLogger(os.Stderr, ParseLogLevel(o.Getenv(EnvLogLevel)))
	}
	return o
}
