package main

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/hookd/hookd/plugin-sdk/go/hookd"
)

const version = "1.0.0"

// The env names Pouch's plugin wrote (and the agents in its containers read).
const (
	envRequestedIP  = "RequestedIP"
	envDefaultMask  = "DefaultMask"
	envDefaultRoute = "DefaultRoute"
)

// networkReader reads the IPv4 address, netmask and default gateway of iface in the network
// namespace at nsPath (readPodNetwork; tests pass a fake).
type networkReader func(nsPath, iface string) (podNetwork, error)

func newPlugin(read networkReader) *hookd.Plugin {
	var current atomic.Pointer[settings] // replaced by Configure, read by concurrent hook calls
	defaults := defaultSettings()
	current.Store(&defaults)

	return &hookd.Plugin{
		Name:    "go-cri-pod-network",
		Version: version,
		Configure: func(_ context.Context, req *hookd.ConfigureRequest) error {
			parsed, err := parseSettings(req.Config)
			if err != nil {
				return err // INVALID_ARGUMENT: the host marks the plugin failed with this message
			}
			current.Store(&parsed)
			return nil
		},
		CriPreCreateContainer: func(ctx context.Context, req *hookd.CriPreCreateContainerRequest) (*hookd.Document, error) {
			return nil, setNetworkEnv(ctx, *current.Load(), read, req)
		},
		HookOptions: map[hookd.Hook]hookd.HookOptions{
			// A setns and two netlink/proc reads: anything slower is a stuck plugin.
			hookd.HookCriPreCreateContainer: {Timeout: 2 * time.Second},
		},
	}
}

// setNetworkEnv changes the create config's Env in place. A sandbox without a network namespace
// of its own (host network, or a sandbox that is not running) has no pod address: the env is left
// as it is. A namespace that cannot be read fails the hook, and with it CreateContainer (the
// hook's default policy), naming the namespace: a container must not start with a wrong address.
func setNetworkEnv(ctx context.Context, s settings, read networkReader, req *hookd.CriPreCreateContainerRequest) error {
	sandboxID, _ := req.Sandbox.String("ID")
	nsPath, _ := req.Sandbox.String("NetNS")
	if nsPath == "" {
		slog.InfoContext(ctx, "the sandbox has no network namespace of its own; env left as it is", "sandbox", sandboxID, "requestId", req.RequestID)
		return nil
	}
	network, err := read(nsPath, s.Interface)
	if err != nil {
		return hookd.Reject("sandbox " + sandboxID + ": " + err.Error())
	}
	env := req.Config.Env()
	for _, entry := range [][2]string{
		{envRequestedIP, network.IP.String()},
		{envDefaultMask, network.Mask},
		{envDefaultRoute, network.gatewayText()},
	} {
		if err := env.Set(entry[0], entry[1]); err != nil {
			return err
		}
	}
	slog.InfoContext(ctx, "pod network written into the env", "sandbox", sandboxID, "ip", network.IP.String(), "requestId", req.RequestID)
	return nil
}
