package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestGenericParamsCarryThePrefixedEnvAndAMACFromRequestedIP(t *testing.T) {
	cases := []struct {
		name    string
		env     []string
		want    map[string]string
		warning string
	}{
		{"alinet, Overlay and VpcECS variables, last duplicate wins",
			[]string{"alinet_vlan=12", "PATH=/bin", "OverlayNetwork=ov1", "VpcECS=true", "alinet_vlan=13", "alinet_bare"},
			map[string]string{"alinet_vlan": "13", "OverlayNetwork": "ov1", "VpcECS": "true"}, ""},
		{"a MAC address derived from RequestedIP",
			[]string{"RequestedIP=10.1.2.254"},
			map[string]string{macAddressParam: "02:42:0a:01:02:fe"}, ""},
		{"an unusable RequestedIP is skipped with a warning",
			[]string{"RequestedIP=fe80::1", "alinet_x=1"},
			map[string]string{"alinet_x": "1"}, `RequestedIP "fe80::1" is not an IPv4 address`},
		{"nothing to carry",
			[]string{"HOME=/root"}, map[string]string{}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, warning := defaultSettings().genericParams(tc.env)
			if !reflect.DeepEqual(got, tc.want) || !strings.HasPrefix(warning, tc.warning) || (tc.warning == "") != (warning == "") {
				t.Fatalf("got %v, %q; want %v, %q", got, warning, tc.want, tc.warning)
			}
		})
	}
}

func TestPriorityIsTheSecondsLeftUntilTheHorizon(t *testing.T) {
	s := defaultSettings()
	earlier := time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)
	later := earlier.Add(time.Hour)
	if got := s.priority(earlier) - s.priority(later); got != 3600 {
		t.Fatalf("an endpoint created an hour earlier outranks by %d seconds, want 3600", got)
	}
	if got := s.priority(s.PriorityUntil.Add(time.Second)); got != 0 {
		t.Fatalf("past the horizon the priority is 0, got %d", got)
	}
}

func TestParseSettingsKeepsDefaultsAndRefusesUnknownOptions(t *testing.T) {
	parsed, err := parseSettings(json.RawMessage(`null`))
	if err != nil || !reflect.DeepEqual(parsed, defaultSettings()) {
		t.Fatalf("null config: %+v, %v", parsed, err)
	}
	parsed, err = parseSettings(json.RawMessage(`{"envPrefixes":["net_"],"disableResolver":false}`))
	if err != nil || !reflect.DeepEqual(parsed.EnvPrefixes, []string{"net_"}) || parsed.DisableResolver || !parsed.MACFromRequestedIP {
		t.Fatalf("partial config: %+v, %v", parsed, err)
	}
	for config, want := range map[string]string{
		`{"envPrefix":["x"]}`:           `unknown field "envPrefix"`,
		`{"envPrefixes":[""]}`:          "empty prefix",
		`{"priorityUntil":"next year"}`: "config:",
	} {
		if _, err := parseSettings(json.RawMessage(config)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseSettings(%s) = %v, want an error containing %q", config, err, want)
		}
	}
}
