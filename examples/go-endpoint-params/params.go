package main

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/hookd/hookd/plugin-sdk/go/hookd"
)

// macAddressParam is the GenericParams key libnetwork reads a requested MAC address from.
const macAddressParam = "com.docker.network.endpoint.macaddress"

// genericParams returns the GenericParams entries the container's env asks for, and a warning
// when RequestedIP is present but unusable.
func (s settings) genericParams(env []string) (params map[string]string, warning string) {
	params = map[string]string{}
	for _, entry := range env {
		name, value, hasValue := strings.Cut(entry, "=")
		if hasValue && s.isPassedThrough(name) {
			params[name] = value // a later duplicate wins, as it does in the process env
		}
	}
	if !s.MACFromRequestedIP {
		return params, ""
	}
	requestedIP, _ := hookd.LookupEnv(env, "RequestedIP")
	if requestedIP == "" {
		return params, ""
	}
	mac, err := macFromIPv4(requestedIP)
	if err != nil {
		return params, err.Error()
	}
	params[macAddressParam] = mac
	return params, ""
}

func (s settings) isPassedThrough(name string) bool {
	for _, prefix := range s.EnvPrefixes {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// priority is the whole seconds from now until PriorityUntil (0 once it has passed).
func (s settings) priority(now time.Time) int64 {
	return max(int64(s.PriorityUntil.Sub(now)/time.Second), 0)
}

// macFromIPv4 derives a locally administered MAC address from an IPv4 address the way Docker does
// for its bridge: 02:42 followed by the four address bytes, so the same IP always gets the same
// MAC.
func macFromIPv4(address string) (string, error) {
	ip := net.ParseIP(strings.TrimSpace(address)).To4()
	if ip == nil {
		return "", fmt.Errorf("RequestedIP %q is not an IPv4 address; no MAC address derived", address)
	}
	return fmt.Sprintf("02:42:%02x:%02x:%02x:%02x", ip[0], ip[1], ip[2], ip[3]), nil
}
