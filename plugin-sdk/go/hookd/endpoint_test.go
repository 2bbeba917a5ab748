package hookd

import (
	"errors"
	"strings"
	"testing"
)

func TestEndpointFromEnvFollowsTheProtocolsAddressRules(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		address string // wanted normalised address; "" when an error is wanted
		mode    string
		err     string
	}{
		{"launched unix", map[string]string{EnvPluginAddress: "unix:///run/p.sock"}, "unix:///run/p.sock", "launched", ""},
		{"unix with one slash", map[string]string{EnvPluginAddress: "unix:/run/p.sock"}, "unix:///run/p.sock", "launched", ""},
		{"bare absolute path", map[string]string{EnvListen: "/run/p.sock"}, "unix:///run/p.sock", "sidecar", ""},
		{"launched wins over a leaked HOOKD_LISTEN", map[string]string{EnvPluginAddress: "unix:///a.sock", EnvListen: "unix:///b.sock"}, "unix:///a.sock", "launched", ""},
		{"launched on loopback TCP without TLS", map[string]string{EnvPluginAddress: "tcp://127.0.0.1:7000"}, "127.0.0.1:7000", "launched", ""},
		{"sidecar on TCP with TLS", map[string]string{EnvListen: "0.0.0.0:7000", EnvTLSCertFile: "c", EnvTLSKeyFile: "k"}, "0.0.0.0:7000", "sidecar", ""},
		{"sidecar on TCP without TLS", map[string]string{EnvListen: "127.0.0.1:7000"}, "", "", "is a TCP address, which needs TLS"},
		{"launched on a public TCP address without TLS", map[string]string{EnvPluginAddress: "10.0.0.1:7000"}, "", "", "needs TLS"},
		{"relative unix path", map[string]string{EnvListen: "unix://run/p.sock"}, "", "", "needs an absolute path"},
		{"TLS on a unix socket", map[string]string{EnvListen: "unix:///p.sock", EnvTLSCertFile: "c", EnvTLSKeyFile: "k"}, "", "", "HOOKD_TLS_* apply to TCP addresses only"},
		{"half the TLS pair", map[string]string{EnvListen: "h:1", EnvTLSCertFile: "c"}, "", "", "must be set together"},
		{"not an address", map[string]string{EnvListen: "nonsense"}, "", "", "expected unix:///path or host:port"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := endpointFromEnv(func(key string) string { return tc.env[key] })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil || got.address != tc.address || got.mode() != tc.mode {
				t.Fatalf("got %+v (%s), %v; want %s %s", got, got.mode(), err, tc.address, tc.mode)
			}
		})
	}
	if _, err := endpointFromEnv(func(string) string { return "" }); !errors.Is(err, ErrStartedByHand) {
		t.Fatalf("no address: %v", err)
	}
}

func TestParseVersionListReadsEveryForm(t *testing.T) {
	for _, value := range []string{"1,2", "1 2", `["1","2"]`, " 1, 2 "} {
		if got := parseVersionList(value); strings.Join(got, "|") != "1|2" {
			t.Errorf("parseVersionList(%q) = %q", value, got)
		}
	}
}
