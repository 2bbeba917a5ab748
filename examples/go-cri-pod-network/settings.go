package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// settings is the manifest's `config`; every field is optional.
type settings struct {
	// Interface is the pod's interface inside its network namespace (CNI's default is eth0).
	Interface string `json:"interface"`
}

func defaultSettings() settings {
	return settings{Interface: "eth0"}
}

var interfaceName = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,15}$`)

// parseSettings reads the manifest config over the defaults; null keeps the defaults.
func parseSettings(config json.RawMessage) (settings, error) {
	parsed := defaultSettings()
	decoder := json.NewDecoder(strings.NewReader(string(config)))
	decoder.DisallowUnknownFields() // a misspelt option must not be silently ignored
	if err := decoder.Decode(&parsed); err != nil {
		return settings{}, fmt.Errorf("config: %w (known options: interface)", err)
	}
	if !interfaceName.MatchString(parsed.Interface) {
		return settings{}, fmt.Errorf("config: interface %q is not a Linux interface name (1-15 of letters, digits, _.:-)", parsed.Interface)
	}
	return parsed, nil
}
