package hookd_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
	"github.com/hookd/hookd/plugin-sdk/go/hookd"
)

// issuer is a throwaway CA for one test.
type issuer struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hookd test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &issuer{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a leaf certificate and key as PEM.
func (ca *issuer) issue(t *testing.T, name string, usage x509.ExtKeyUsage) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, template, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestASidecarOnTCPServesMutualTLSOnly(t *testing.T) {
	ca := newIssuer(t)
	dir := t.TempDir()
	serverCert, serverKey := ca.issue(t, "plugin", x509.ExtKeyUsageServerAuth)
	env := map[string]string{
		hookd.EnvListen:          "127.0.0.1:0",
		hookd.EnvTLSCertFile:     writeFile(t, dir, "server.pem", serverCert),
		hookd.EnvTLSKeyFile:      writeFile(t, dir, "server-key.pem", serverKey),
		hookd.EnvTLSClientCAFile: writeFile(t, dir, "ca.pem", ca.pem),
	}
	ctx, cancel := context.WithCancel(context.Background())
	addresses := make(chan string, 1)
	stopped := make(chan error, 1)
	go func() {
		stopped <- hookd.Run(ctx, &hookd.Plugin{Name: "sidecar"}, hookd.RunOptions{
			Getenv:      func(key string) string { return env[key] },
			Logger:      hookd.NewLogger(io.Discard, slog.LevelInfo),
			OnListening: func(address string) { addresses <- address },
		})
	}()
	var address string
	select {
	case address = <-addresses:
	case err := <-stopped:
		t.Fatalf("Run: %v", err)
	}
	defer func() {
		cancel()
		if err := <-stopped; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(ca.pem)
	describe := func(clientCerts []tls.Certificate) error {
		conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: roots, Certificates: clientCerts})))
		if err != nil {
			return err
		}
		defer conn.Close()
		callCtx, callCancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer callCancel()
		_, err = hookdv1.NewPluginClient(conn).Describe(callCtx, &hookdv1.DescribeRequest{})
		return err
	}

	clientCertPEM, clientKeyPEM := ca.issue(t, "hookd", x509.ExtKeyUsageClientAuth)
	clientCert, err := tls.X509KeyPair(clientCertPEM, clientKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if err := describe([]tls.Certificate{clientCert}); err != nil {
		t.Fatalf("a client with a certificate from the CA is served: %v", err)
	}
	if err := describe(nil); err == nil {
		t.Fatal("a client without a certificate must be refused")
	}
}
