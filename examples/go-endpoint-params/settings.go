package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// settings is the manifest's `config`. Every field is optional; the defaults are the behaviour of
// the Pouch plugin this example ports.
type settings struct {
	// EnvPrefixes: every env var whose name starts with one of these goes into GenericParams,
	// under its own name.
	EnvPrefixes []string `json:"envPrefixes"`
	// MACFromRequestedIP sets com.docker.network.endpoint.macaddress from the RequestedIP env var.
	MACFromRequestedIP bool `json:"macFromRequestedIP"`
	// PriorityUntil: Priority is the number of seconds from now until this instant, so an
	// endpoint created earlier has a higher priority than one created later.
	PriorityUntil time.Time `json:"priorityUntil"`
	// DisableResolver turns off the embedded DNS resolver for the endpoint.
	DisableResolver bool `json:"disableResolver"`
}

func defaultSettings() settings {
	return settings{
		EnvPrefixes:        []string{"alinet_", "Overlay", "VpcECS"},
		MACFromRequestedIP: true,
		PriorityUntil:      time.Date(2099, time.January, 1, 0, 0, 0, 0, time.UTC),
		DisableResolver:    true,
	}
}

// parseSettings reads the manifest config over the defaults; null keeps the defaults.
func parseSettings(config json.RawMessage) (settings, error) {
	parsed := defaultSettings()
	decoder := json.NewDecoder(strings.NewReader(string(config)))
	decoder.DisallowUnknownFields() // a misspelt option must not be silently ignored
	if err := decoder.Decode(&parsed); err != nil {
		return settings{}, fmt.Errorf("config: %w (known options: envPrefixes, macFromRequestedIP, priorityUntil, disableResolver)", err)
	}
	for _, prefix := range parsed.EnvPrefixes {
		if prefix == "" {
			return settings{}, fmt.Errorf(`config: envPrefixes has an empty prefix, which would copy the whole env`)
		}
	}
	return parsed, nil
}
