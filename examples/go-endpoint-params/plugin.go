package main

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/hookd/hookd/plugin-sdk/go/hookd"
)

const version = "1.0.0"

// newPlugin builds the plugin; clock is time.Now outside tests.
func newPlugin(clock func() time.Time) *hookd.Plugin {
	var current atomic.Pointer[settings] // replaced by Configure, read by concurrent hook calls
	defaults := defaultSettings()
	current.Store(&defaults)

	return &hookd.Plugin{
		Name:    "go-endpoint-params",
		Version: version,
		Configure: func(_ context.Context, req *hookd.ConfigureRequest) error {
			parsed, err := parseSettings(req.Config)
			if err != nil {
				return err // INVALID_ARGUMENT: the host marks the plugin failed with this message
			}
			current.Store(&parsed)
			return nil
		},
		ContainerPreCreateEndpoint: func(ctx context.Context, req *hookd.PreCreateEndpointRequest) (*hookd.Document, error) {
			if req.Phase == hookd.EndpointPhaseRemove {
				return nil, nil // the host ignores changes to an endpoint being removed
			}
			return nil, applySettings(ctx, *current.Load(), clock(), req)
		},
		HookOptions: map[hookd.Hook]hookd.HookOptions{
			// Pure computation: anything slower than this is a stuck plugin.
			hookd.HookContainerPreCreateEndpoint: {Timeout: 500 * time.Millisecond},
		},
	}
}

// applySettings changes the endpoint in place: Priority, DisableResolver and the GenericParams
// the env asks for. Other GenericParams entries and every other field are kept.
func applySettings(ctx context.Context, s settings, now time.Time, req *hookd.PreCreateEndpointRequest) error {
	params, warning := s.genericParams(req.Env)
	if warning != "" {
		slog.WarnContext(ctx, warning, "container", req.ContainerID, "requestId", req.RequestID)
	}
	genericParams := req.Endpoint.StringMap("GenericParams")
	for key, value := range params {
		if err := genericParams.Set(key, value); err != nil {
			return err
		}
	}
	if err := req.Endpoint.Set(s.priority(now), "Priority"); err != nil {
		return err
	}
	if s.DisableResolver {
		return req.Endpoint.Set(true, "DisableResolver")
	}
	return nil
}
