package hookd

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// endpoint is where and how the plugin serves, read from the HOOKD_* variables. The rules are
// docs/protocol.md's and the Node and Python SDKs':
//   - HOOKD_PLUGIN_ADDRESS (launched) wins over HOOKD_LISTEN (sidecar), in case HOOKD_LISTEN
//     leaked into the daemon's environment;
//   - "unix:///p", "unix:/p" and a bare absolute path are unix sockets; "tcp://h:p" and "h:p" TCP;
//   - TCP needs TLS (HOOKD_TLS_CERT_FILE + HOOKD_TLS_KEY_FILE, mutual with HOOKD_TLS_CLIENT_CA_FILE),
//     except that a launched plugin may use loopback TCP without it; TLS on a unix socket is an error.
type endpoint struct {
	launched bool
	// address is the normalised address: unix:///path or host:port.
	address    string
	socketPath string // unix addresses only
	tls        *tlsFiles
}

type tlsFiles struct {
	certFile, keyFile, clientCAFile string
}

func (e endpoint) mode() string {
	if e.launched {
		return "launched"
	}
	return "sidecar"
}

func endpointFromEnv(getenv func(string) string) (endpoint, error) {
	variable, value := EnvPluginAddress, strings.TrimSpace(getenv(EnvPluginAddress))
	launched := value != ""
	if !launched {
		variable, value = EnvListen, strings.TrimSpace(getenv(EnvListen))
	}
	if value == "" {
		return endpoint{}, ErrStartedByHand
	}
	files, err := tlsFilesFromEnv(getenv)
	if err != nil {
		return endpoint{}, err
	}
	e := endpoint{launched: launched, tls: files}
	switch {
	case strings.HasPrefix(value, "unix:") || strings.HasPrefix(value, "/"):
		e.socketPath = strings.TrimPrefix(strings.TrimPrefix(value, "unix:"), "//")
		if !strings.HasPrefix(e.socketPath, "/") {
			return endpoint{}, fmt.Errorf("%s=%s: a unix socket address needs an absolute path: unix:///path/to/plugin.sock", variable, value)
		}
		e.address = "unix://" + e.socketPath
		if files != nil {
			return endpoint{}, fmt.Errorf("%s=%s is a unix socket; HOOKD_TLS_* apply to TCP addresses only", variable, value)
		}
	default:
		e.address = strings.TrimPrefix(value, "tcp://")
		host, _, err := net.SplitHostPort(e.address)
		if err != nil {
			return endpoint{}, fmt.Errorf("%s=%s: expected unix:///path or host:port: %v", variable, value, err)
		}
		if files == nil && (!launched || !isLoopback(host)) {
			return endpoint{}, fmt.Errorf("%s=%s is a TCP address, which needs TLS: set %s and %s (and %s to require client certificates), or use a unix:///path socket",
				variable, e.address, EnvTLSCertFile, EnvTLSKeyFile, EnvTLSClientCAFile)
		}
	}
	return e, nil
}

func tlsFilesFromEnv(getenv func(string) string) (*tlsFiles, error) {
	files := tlsFiles{
		certFile:     strings.TrimSpace(getenv(EnvTLSCertFile)),
		keyFile:      strings.TrimSpace(getenv(EnvTLSKeyFile)),
		clientCAFile: strings.TrimSpace(getenv(EnvTLSClientCAFile)),
	}
	if files == (tlsFiles{}) {
		return nil, nil
	}
	if files.certFile == "" || files.keyFile == "" {
		return nil, fmt.Errorf("%s and %s must be set together", EnvTLSCertFile, EnvTLSKeyFile)
	}
	return &files, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// listen opens the endpoint.
func (e endpoint) listen() (net.Listener, []grpc.ServerOption, error) {
	if e.socketPath != "" {
		removeStaleSocket(e.socketPath)
		listener, err := net.Listen("unix", e.socketPath)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot serve on %s: %w", e.address, err)
		}
		return listener, nil, nil
	}
	var options []grpc.ServerOption
	if e.tls != nil {
		config, err := e.tls.serverConfig()
		if err != nil {
			return nil, nil, fmt.Errorf("cannot serve on %s: %w", e.address, err)
		}
		options = append(options, grpc.Creds(credentials.NewTLS(config)))
	}
	listener, err := net.Listen("tcp", e.address)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot serve on %s: %w", e.address, err)
	}
	return listener, options, nil
}

// removeStaleSocket removes a socket file left by a previous run (a sidecar restarted after a
// crash would otherwise fail with "address already in use"). A socket that still accepts
// connections, or a file that is not a socket, is left alone, and listen then fails clearly.
func removeStaleSocket(path string) {
	info, err := os.Lstat(path)
	if err != nil || info.Mode().Type() != os.ModeSocket {
		return
	}
	if conn, err := net.DialTimeout("unix", path, time.Second); err == nil {
		_ = conn.Close() // only probing whether a live server owns the path
		return
	}
	_ = os.Remove(path) // best effort: if it fails, listen reports the path as in use
}

func (f *tlsFiles) serverConfig() (*tls.Config, error) {
	certificate, err := tls.LoadX509KeyPair(f.certFile, f.keyFile)
	if err != nil {
		return nil, fmt.Errorf("loading %s/%s: %w", EnvTLSCertFile, EnvTLSKeyFile, err)
	}
	config := &tls.Config{Certificates: []tls.Certificate{certificate}, MinVersion: tls.VersionTLS12}
	if f.clientCAFile != "" {
		pem, err := os.ReadFile(f.clientCAFile)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", EnvTLSClientCAFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s=%s holds no PEM certificate", EnvTLSClientCAFile, f.clientCAFile)
		}
		config.ClientCAs = pool
		config.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return config, nil
}
