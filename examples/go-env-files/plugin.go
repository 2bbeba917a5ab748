package main

import (
	"context"
	"log/slog"
	"sync/atomic"

	"github.com/hookd/hookd/plugin-sdk/go/hookd"
)

const version = "1.0.0"

func newPlugin() *hookd.Plugin {
	var current atomic.Pointer[settings] // replaced by Configure, read by concurrent hook calls
	defaults := defaultSettings()
	current.Store(&defaults)

	return &hookd.Plugin{
		Name:    "go-env-files",
		Version: version,
		Configure: func(_ context.Context, req *hookd.ConfigureRequest) error {
			parsed, err := parseSettings(req.Config)
			if err != nil {
				return err // INVALID_ARGUMENT: the host marks the plugin failed with this message
			}
			current.Store(&parsed)
			return nil
		},
		// PostUpdate is a notification, but its default failure policy is fail: an error here
		// aborts the update, so the env the container sees on disk never disagrees with the record.
		ContainerPostUpdate: func(ctx context.Context, req *hookd.PostUpdateRequest) error {
			return writeEnvFiles(ctx, *current.Load(), req)
		},
	}
}

func writeEnvFiles(ctx context.Context, s settings, req *hookd.PostUpdateRequest) error {
	if req.Rootfs == "" {
		return hookd.Reject("the update has no rootfs path; cannot write the env files")
	}
	variables, notShellNames := selectVariables(req.Env, s.Exclude)
	if len(notShellNames) > 0 && s.ProfileFile != "" {
		slog.WarnContext(ctx, "variables with names a shell cannot export are left out of "+s.ProfileFile,
			"names", notShellNames, "container", req.ContainerID, "requestId", req.RequestID)
	}
	if s.ProfileFile != "" {
		if err := writeInRootfs(req.Rootfs, s.ProfileFile, renderProfile(variables)); err != nil {
			return err
		}
	}
	if s.InstanceInfoFile != "" {
		if err := writeInRootfs(req.Rootfs, s.InstanceInfoFile, renderInstanceInfo(variables)); err != nil {
			return err
		}
	}
	slog.InfoContext(ctx, "env files written", "container", req.ContainerID, "variables", len(variables), "requestId", req.RequestID)
	return nil
}
