package main

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
	"github.com/hookd/hookd/plugin-sdk/go/hookd"
	"github.com/hookd/hookd/plugin-sdk/go/hookdtest"
)

// These tests call the plugin through hookdtest (the daemon's gRPC path) with a fake namespace
// reader; podnet_test.go reads a real network namespace.

func fakeReader(network podNetwork, err error, seen *[]string) networkReader {
	return func(nsPath, iface string) (podNetwork, error) {
		*seen = append(*seen, nsPath+" "+iface)
		return network, err
	}
}

func preCreate(t *testing.T, client *hookdtest.Client, config, sandbox string) (map[string]any, error) {
	t.Helper()
	reply, err := client.CriPreCreateContainer(context.Background(), &hookdv1.CriPreCreateContainerRequest{
		Context: &hookdv1.RequestContext{RequestId: "r1"}, ConfigJson: []byte(config), SandboxJson: []byte(sandbox),
	})
	if err != nil {
		return nil, err
	}
	if len(reply.GetConfig().GetJson()) == 0 {
		return nil, nil // no document: the plugin left the config as it was
	}
	var document map[string]any
	if err := json.Unmarshal(reply.GetConfig().GetJson(), &document); err != nil {
		t.Fatalf("reply config: %v", err)
	}
	return document, nil
}

func TestItSubscribesToCriPreCreateContainerOnly(t *testing.T) {
	reply, err := hookdtest.Start(t, newPlugin(readPodNetwork)).Describe(context.Background(), &hookdv1.DescribeRequest{})
	if err != nil || len(reply.GetHooks()) != 1 || reply.GetHooks()[0].GetHook() != hookd.HookCriPreCreateContainer {
		t.Fatalf("Describe = %v, %v", reply, err)
	}
}

func TestTheSandboxNetworkIsWrittenIntoTheEnvKeepingTheRest(t *testing.T) {
	var seen []string
	network := podNetwork{IP: net.ParseIP("10.88.0.7").To4(), Mask: "255.255.0.0", Gateway: net.ParseIP("10.88.0.1").To4()}
	client := hookdtest.Start(t, newPlugin(fakeReader(network, nil, &seen)))
	document, err := preCreate(t, client,
		`{"Image":"busybox","Env":["PATH=/bin","RequestedIP=1.2.3.4"],"Labels":{"a":"b"}}`,
		`{"ID":"sb1","NetNS":"/var/run/netns/sb1","Runtime":"runc","Config":{"metadata":{"name":"pod"}}}`)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(document["Env"])
	if want := `["PATH=/bin","RequestedIP=10.88.0.7","DefaultMask=255.255.0.0","DefaultRoute=10.88.0.1"]`; string(got) != want {
		t.Fatalf("Env = %s, want %s", got, want)
	}
	if document["Image"] != "busybox" || document["Labels"].(map[string]any)["a"] != "b" {
		t.Fatalf("other fields changed: %v", document)
	}
	if len(seen) != 1 || seen[0] != "/var/run/netns/sb1 eth0" {
		t.Fatalf("reader called with %v", seen)
	}
}

func TestASandboxWithoutItsOwnNetnsLeavesTheEnvAlone(t *testing.T) {
	var seen []string
	client := hookdtest.Start(t, newPlugin(fakeReader(podNetwork{}, nil, &seen)))
	document, err := preCreate(t, client, `{"Env":["A=1"]}`, `{"ID":"sb1","NetNS":""}`)
	if err != nil {
		t.Fatal(err)
	}
	if document != nil || len(seen) != 0 {
		t.Fatalf("reply %v, reader calls %v", document, seen)
	}
}

func TestANamespaceThatCannotBeReadFailsTheHookNamingTheSandbox(t *testing.T) {
	var seen []string
	client := hookdtest.Start(t, newPlugin(fakeReader(podNetwork{}, errors.New("interface eth0 in /x: no such network interface"), &seen)))
	_, err := preCreate(t, client, `{"Env":[]}`, `{"ID":"sb9","NetNS":"/x"}`)
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "sandbox sb9: interface eth0 in /x") {
		t.Fatalf("err = %v", err)
	}
}

func TestTheInterfaceIsConfigurableAndTyposAreRefused(t *testing.T) {
	if s, err := parseSettings(json.RawMessage(`{"interface":"net1"}`)); err != nil || s.Interface != "net1" {
		t.Fatalf("parseSettings = %v, %v", s, err)
	}
	if s, err := parseSettings(json.RawMessage(`null`)); err != nil || s.Interface != "eth0" {
		t.Fatalf("defaults = %v, %v", s, err)
	}
	for _, bad := range []string{`{"iface":"eth0"}`, `{"interface":"../eth0"}`, `{"interface":""}`} {
		if _, err := parseSettings(json.RawMessage(bad)); err == nil {
			t.Fatalf("parseSettings(%s) accepted", bad)
		}
	}
}
