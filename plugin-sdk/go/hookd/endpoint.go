package hookd

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// endpoint is where the plugin serves, read from the environment.
type endpoint struct {
	launched bool
	address  string // as given: unix:///path or host:port
	// socketPath is set for unix addresses.
	socketPath string
}

func (e endpoint) mode() string {
	if e.launched {
		return "launched"
	}
	return "sidecar"
}

func endpointFromEnv(getenv func(string) string) (endpoint, error) {
	if address := getenv(EnvPluginAddress); address != "" {
		path, isUnix := unixSocketPath(address)
		if !isUnix {
			return endpoint{}, fmt.Errorf("%s=%q: a launched plugin serves on a unix socket (unix:///absolute/path.sock)", EnvPluginAddress, address)
		}
		return endpoint{launched: true, address: address, socketPath: path}, nil
	}
	if address := getenv(EnvListen); address != "" {
		if strings.HasPrefix(address, "unix:") {
			path, isUnix := unixSocketPath(address)
			if !isUnix {
				return endpoint{}, fmt.Errorf("%s=%q: a unix address is unix:///absolute/path.sock", EnvListen, address)
			}
			return endpoint{address: address, socketPath: path}, nil
		}
		if _, _, err := net.SplitHostPort(address); err != nil {
			return endpoint{}, fmt.Errorf("%s=%q: expected unix:///path or host:port: %v", EnvListen, address, err)
		}
		return endpoint{address: address}, nil
	}
	return endpoint{}, ErrStartedByHand
}

// unixSocketPath accepts unix:///abs/path (and unix:/abs/path) and returns the absolute path.
func unixSocketPath(address string) (string, bool) {
	path, found := strings.CutPrefix(address, "unix://")
	if !found {
		path, found = strings.CutPrefix(address, "unix:")
	}
	if !found || !filepath.IsAbs(path) {
		return "", false
	}
	return path, true
}

// listen opens the endpoint. TCP requires TLS; a client CA makes it mutual.
func (e endpoint) listen(getenv func(string) string) (net.Listener, []grpc.ServerOption, error) {
	if e.socketPath != "" {
		removeStaleSocket(e.socketPath)
		listener, err := net.Listen("unix", e.socketPath)
		if err != nil {
			return nil, nil, fmt.Errorf("listen on %s: %w", e.address, err)
		}
		return listener, nil, nil
	}
	tlsConfig, err := serverTLSConfig(getenv)
	if err != nil {
		return nil, nil, err
	}
	listener, err := net.Listen("tcp", e.address)
	if err != nil {
		return nil, nil, fmt.Errorf("listen on %s: %w", e.address, err)
	}
	return listener, []grpc.ServerOption{grpc.Creds(credentials.NewTLS(tlsConfig))}, nil
}

// removeStaleSocket removes a socket file left by a previous run of the plugin. A socket that
// still accepts connections, or a file that is not a socket, is left alone, and listen then fails
// with "address already in use".
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

func serverTLSConfig(getenv func(string) string) (*tls.Config, error) {
	certFile, keyFile := getenv(EnvTLSCertFile), getenv(EnvTLSKeyFile)
	if certFile == "" || keyFile == "" {
		return nil, fmt.Errorf("%s=%q is TCP, which requires TLS: set %s and %s (and %s for mutual TLS), or listen on unix:///path",
			EnvListen, getenv(EnvListen), EnvTLSCertFile, EnvTLSKeyFile, EnvTLSClientCAFile)
	}
	certificate, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("loading %s/%s: %w", EnvTLSCertFile, EnvTLSKeyFile, err)
	}
	config := &tls.Config{Certificates: []tls.Certificate{certificate}, MinVersion: tls.VersionTLS12}
	if caFile := getenv(EnvTLSClientCAFile); caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", EnvTLSClientCAFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s=%q holds no PEM certificate", EnvTLSClientCAFile, caFile)
		}
		config.ClientCAs = pool
		config.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return config, nil
}
