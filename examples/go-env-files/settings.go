package main

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
)

// settings is the manifest's `config`; every field is optional.
type settings struct {
	// Exclude lists variables that are not written (they belong to the login, not the container).
	Exclude []string `json:"exclude"`
	// ProfileFile and InstanceInfoFile are paths inside the rootfs; "" skips that file.
	ProfileFile      string `json:"profileFile"`
	InstanceInfoFile string `json:"instanceInfoFile"`
}

func defaultSettings() settings {
	return settings{
		Exclude:          []string{"HOME", "USER"},
		ProfileFile:      "/etc/profile.d/hookd-env.sh",
		InstanceInfoFile: "/etc/instanceInfo",
	}
}

// parseSettings reads the manifest config over the defaults; null keeps the defaults.
func parseSettings(config json.RawMessage) (settings, error) {
	parsed := defaultSettings()
	decoder := json.NewDecoder(strings.NewReader(string(config)))
	decoder.DisallowUnknownFields() // a misspelt option must not be silently ignored
	if err := decoder.Decode(&parsed); err != nil {
		return settings{}, fmt.Errorf("config: %w (known options: exclude, profileFile, instanceInfoFile)", err)
	}
	for _, file := range []string{parsed.ProfileFile, parsed.InstanceInfoFile} {
		if file != "" && (!path.IsAbs(file) || path.Clean(file) != file || file == "/") {
			return settings{}, fmt.Errorf("config: %q must be a clean absolute path inside the container, such as /etc/instanceInfo", file)
		}
	}
	return parsed, nil
}
