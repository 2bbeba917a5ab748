package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestTheDefaultGatewayIsReadFromTheRouteTable(t *testing.T) {
	table := "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
		"eth0\t0000580A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n" +
		"eth0\t00000000\t0100580A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
	gateway, err := defaultGateway(strings.NewReader(table))
	if err != nil || gateway.String() != "10.88.0.1" {
		t.Fatalf("defaultGateway = %v, %v", gateway, err)
	}
	gateway, err = defaultGateway(strings.NewReader(strings.SplitAfterN(table, "\n", 3)[0] + strings.SplitAfterN(table, "\n", 3)[1]))
	if err != nil || gateway != nil {
		t.Fatalf("without a default route: %v, %v", gateway, err)
	}
}

func TestTheFirstIPv4AddressAndItsMaskAreTaken(t *testing.T) {
	_, v6, _ := net.ParseCIDR("fd00::5/64")
	ip, v4, _ := net.ParseCIDR("10.1.2.3/20")
	v4.IP = ip
	network, err := firstIPv4([]net.Addr{v6, v4})
	if err != nil || network.IP.String() != "10.1.2.3" || network.Mask != "255.255.240.0" {
		t.Fatalf("firstIPv4 = %+v, %v", network, err)
	}
	if _, err := firstIPv4([]net.Addr{v6}); err == nil {
		t.Fatal("an interface without IPv4 was accepted")
	}
}

// A real namespace: an interface with an address and a default route, read from outside (a veth
// pair with both ends inside, since the dummy module may be missing).
func TestAddressMaskAndGatewayAreReadFromARealNetworkNamespace(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs ip (iproute2)")
	}
	name := fmt.Sprintf("hookd-gcpn-%d", os.Getpid())
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	run("netns", "add", name)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	run("-n", name, "link", "add", "pod0", "type", "veth", "peer", "name", "pod1")
	run("-n", name, "addr", "add", "10.77.3.9/22", "dev", "pod0")
	run("-n", name, "link", "set", "pod1", "up")
	run("-n", name, "link", "set", "pod0", "up")
	run("-n", name, "route", "add", "default", "via", "10.77.0.1", "dev", "pod0")

	network, err := readPodNetwork("/run/netns/"+name, "pod0")
	if err != nil {
		t.Fatal(err)
	}
	if network.IP.String() != "10.77.3.9" || network.Mask != "255.255.252.0" || network.gatewayText() != "10.77.0.1" {
		t.Fatalf("read %+v", network)
	}
	// The test's own thread and namespace are untouched: pod0 is not here.
	if _, err := net.InterfaceByName("pod0"); err == nil {
		t.Fatal("pod0 is visible in the test's namespace: the reader leaked its setns")
	}
	if _, err := readPodNetwork("/run/netns/"+name, "eth7"); err == nil || !strings.Contains(err.Error(), "eth7") {
		t.Fatalf("missing interface: %v", err)
	}
}
