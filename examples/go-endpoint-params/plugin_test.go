package main

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
	"github.com/hookd/hookd/plugin-sdk/go/hookd"
	"github.com/hookd/hookd/plugin-sdk/go/hookdtest"
)

// These tests call the plugin through hookdtest: the same gRPC server and encoding the daemon uses.

var fixedNow = time.Date(2026, time.November, 28, 12, 0, 0, 0, time.UTC)

func startPlugin(t *testing.T) *hookdtest.Client {
	return hookdtest.Start(t, newPlugin(func() time.Time { return fixedNow }))
}

func TestItSubscribesToPreCreateEndpointOnly(t *testing.T) {
	reply, err := startPlugin(t).Describe(context.Background(), &hookdv1.DescribeRequest{HostProtocolVersions: []string{"1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(reply.GetHooks()) != 1 || reply.GetHooks()[0].GetHook() != hookd.HookContainerPreCreateEndpoint ||
		reply.GetHooks()[0].GetOptions().GetTimeoutMs() != 500 {
		t.Fatalf("hooks = %v", reply.GetHooks())
	}
}

func TestTheEndpointGetsParamsPriorityAndNoResolverWithEverythingElseKept(t *testing.T) {
	client := startPlugin(t)
	endpoint := `{"Name":"overlay-net","ID":"ep1","Priority":0,"DisableResolver":false,` +
		`"GenericParams":{"com.example.existing":"kept"},` +
		`"EndpointConfig":{"IPAMConfig":{"IPv4Address":"10.1.2.3"},"Links":null},"VendorField":[1,2]}`
	reply, err := client.ContainerPreCreateEndpoint(context.Background(), &hookdv1.ContainerPreCreateEndpointRequest{
		Context: &hookdv1.RequestContext{RequestId: "r1"}, ContainerId: "c1", Phase: hookd.EndpointPhaseCreate,
		Env:          []string{"RequestedIP=10.1.2.3", "alinet_vlan=12", "OverlayTunnelId=7", "HOME=/root"},
		EndpointJson: []byte(endpoint),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, changed := hookdtest.DocumentJSON(reply.GetEndpoint())
	if !changed {
		t.Fatal("the endpoint must be returned changed")
	}
	want := map[string]any{
		"Name": "overlay-net", "ID": "ep1",
		"Priority":        float64(defaultSettings().priority(fixedNow)),
		"DisableResolver": true,
		"GenericParams": map[string]any{
			"com.example.existing": "kept", "alinet_vlan": "12", "OverlayTunnelId": "7",
			"com.docker.network.endpoint.macaddress": "02:42:0a:01:02:03",
		},
		"EndpointConfig": map[string]any{"IPAMConfig": map[string]any{"IPv4Address": "10.1.2.3"}, "Links": nil},
		"VendorField":    []any{float64(1), float64(2)},
	}
	var gotValue map[string]any
	if err := json.Unmarshal([]byte(got), &gotValue); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotValue, want) {
		t.Fatalf("endpoint\n got: %v\nwant: %v", gotValue, want)
	}
}

func TestAnEndpointBeingRemovedIsLeftUnchanged(t *testing.T) {
	reply, err := startPlugin(t).ContainerPreCreateEndpoint(context.Background(), &hookdv1.ContainerPreCreateEndpointRequest{
		Phase: hookd.EndpointPhaseRemove, Env: []string{"alinet_vlan=12"}, EndpointJson: []byte(`{"Name":"n"}`),
	})
	if err != nil || reply.GetEndpoint() != nil {
		t.Fatalf("reply = %v, %v; want unset", reply, err)
	}
}

func TestConfigureChangesTheBehaviourAndRefusesTypos(t *testing.T) {
	client := startPlugin(t)
	ctx := context.Background()
	if _, err := client.Configure(ctx, &hookdv1.ConfigureRequest{ConfigJson: []byte(`{"envPrefixes":["net_"],"disableResolver":false,"macFromRequestedIP":false}`)}); err != nil {
		t.Fatal(err)
	}
	reply, err := client.ContainerPreCreateEndpoint(ctx, &hookdv1.ContainerPreCreateEndpointRequest{
		Phase: hookd.EndpointPhaseCreate, Env: []string{"net_a=1", "alinet_vlan=12", "RequestedIP=10.0.0.1"},
		EndpointJson: []byte(`{"Name":"n","DisableResolver":false}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := hookdtest.DocumentJSON(reply.GetEndpoint())
	wantPrefix := `{"DisableResolver":false,"GenericParams":{"net_a":"1"},"Name":"n","Priority":`
	if !strings.HasPrefix(got, wantPrefix) {
		t.Fatalf("endpoint = %s, want it to start %s", got, wantPrefix)
	}

	_, err = client.Configure(ctx, &hookdv1.ConfigureRequest{ConfigJson: []byte(`{"envPrefix":["x"]}`)})
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), `unknown field "envPrefix"`) {
		t.Fatalf("a misspelt option must be INVALID_ARGUMENT, got %v", err)
	}
}

func TestTheManifestLaunchesTheBinaryBuildShWrites(t *testing.T) {
	data, err := os.ReadFile("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Name   string `json:"name"`
		Launch struct{ Command string }
		Config json.RawMessage `json:"config"`
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("build.sh")
	if err != nil {
		t.Fatal(err)
	}
	if manifest.Name != "go-endpoint-params" || !strings.Contains(string(script), "-o "+strings.TrimPrefix(manifest.Launch.Command, "./")+" ") {
		t.Fatalf("manifest command %q is not what build.sh builds", manifest.Launch.Command)
	}
	if _, err := parseSettings(manifest.Config); err != nil {
		t.Fatalf("the manifest's config is refused: %v", err)
	}
}
