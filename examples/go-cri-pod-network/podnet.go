package main

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// podNetwork is what the plugin writes: the pod's IPv4 address, its netmask in dotted form
// ("255.255.255.0", as Pouch's DefaultMask was) and the default gateway (nil without a default route).
type podNetwork struct {
	IP      net.IP
	Mask    string
	Gateway net.IP
}

func (n podNetwork) gatewayText() string {
	if n.Gateway == nil {
		return ""
	}
	return n.Gateway.String()
}

// readPodNetwork enters the network namespace at nsPath on a dedicated OS thread, reads iface's
// first IPv4 address and the default route there, and lets that thread die: its namespace is
// changed, so the Go runtime must never hand it to another goroutine (a locked thread whose
// goroutine exits without unlocking is terminated, which is why UnlockOSThread is never called).
func readPodNetwork(nsPath, iface string) (podNetwork, error) {
	type result struct {
		network podNetwork
		err     error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		network, err := readInNamespace(nsPath, iface)
		done <- result{network, err}
	}()
	r := <-done
	return r.network, r.err
}

func readInNamespace(nsPath, iface string) (podNetwork, error) {
	ns, err := os.Open(nsPath)
	if err != nil {
		return podNetwork{}, fmt.Errorf("network namespace %s: %w", nsPath, err)
	}
	defer ns.Close()
	if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
		return podNetwork{}, fmt.Errorf("entering network namespace %s: %w", nsPath, err)
	}
	// Both reads below see this thread's namespace: net.InterfaceByName opens its netlink socket
	// here, and /proc/thread-self/net is the calling thread's view (/proc/self/net is the process's).
	link, err := net.InterfaceByName(iface)
	if err != nil {
		return podNetwork{}, fmt.Errorf("interface %s in %s: %w", iface, nsPath, err)
	}
	addrs, err := link.Addrs()
	if err != nil {
		return podNetwork{}, fmt.Errorf("addresses of %s in %s: %w", iface, nsPath, err)
	}
	network, err := firstIPv4(addrs)
	if err != nil {
		return podNetwork{}, fmt.Errorf("%s in %s: %w", iface, nsPath, err)
	}
	routes, err := os.Open("/proc/thread-self/net/route")
	if err != nil {
		return podNetwork{}, fmt.Errorf("routes of %s: %w", nsPath, err)
	}
	defer routes.Close()
	network.Gateway, err = defaultGateway(routes)
	if err != nil {
		return podNetwork{}, fmt.Errorf("routes of %s: %w", nsPath, err)
	}
	return network, nil
}

// firstIPv4 is the first IPv4 address with its mask among an interface's addresses.
func firstIPv4(addrs []net.Addr) (podNetwork, error) {
	for _, addr := range addrs {
		ipNet, isIPNet := addr.(*net.IPNet)
		if !isIPNet || ipNet.IP.To4() == nil {
			continue
		}
		mask := ipNet.Mask
		if len(mask) == net.IPv6len {
			mask = mask[12:]
		}
		return podNetwork{IP: ipNet.IP.To4(), Mask: net.IP(mask).String()}, nil
	}
	return podNetwork{}, fmt.Errorf("no IPv4 address")
}

// defaultGateway reads /proc/net/route's table: the gateway of the route whose destination and
// mask are 0.0.0.0, or nil when there is none. Addresses there are hex in host (little-endian) order.
func defaultGateway(table io.Reader) (net.IP, error) {
	scanner := bufio.NewScanner(table)
	for line := 0; scanner.Scan(); line++ {
		fields := strings.Fields(scanner.Text())
		if line == 0 || len(fields) < 8 {
			continue // the header, or a line too short to be a route
		}
		if fields[1] != "00000000" || fields[7] != "00000000" {
			continue
		}
		raw, err := hex.DecodeString(fields[2])
		if err != nil || len(raw) != 4 {
			return nil, fmt.Errorf("default route's gateway %q is not 8 hex digits", fields[2])
		}
		gateway := make(net.IP, 4)
		binary.BigEndian.PutUint32(gateway, binary.LittleEndian.Uint32(raw))
		return gateway, nil
	}
	return nil, scanner.Err()
}
