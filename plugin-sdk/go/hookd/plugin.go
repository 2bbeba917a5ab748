package hookd

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
)

// Plugin is a hookd plugin: its identity and the handlers of the hooks it implements.
//
// Every handler is optional. The hooks whose handler is set are the plugin's subscription, which
// Describe reports; the host never calls the others (the SDK answers UNIMPLEMENTED if it does).
// Handlers are called concurrently and must be safe for that. A handler of a document hook
// returns the document as it wants it, or nil for the request's document as the handler left it
// (changed in place, or not); the reply is unset when that equals what was received.
type Plugin struct {
	// Name should equal the name in the plugin's manifest; the host names plugins by the manifest.
	Name    string
	Version string

	// Configure receives the manifest's `config` once after Describe and again after every
	// restart or redial. An error marks the plugin failed with your message (INVALID_ARGUMENT
	// unless you return a status error).
	Configure func(ctx context.Context, req *ConfigureRequest) error
	// OnShutdown runs when the host asks the plugin to stop, before the reply; the server then
	// stops gracefully and Serve exits 0.
	OnShutdown func(ctx context.Context, reason string) error

	ContainerPreCreate         func(ctx context.Context, req *PreCreateRequest) (*Document, error)
	ContainerPreStart          func(ctx context.Context, req *PreStartRequest) ([]OciHook, error)
	ContainerPreCreateEndpoint func(ctx context.Context, req *PreCreateEndpointRequest) (*Document, error)
	// ContainerPreUpdate may replace the raw update body; the replacement is JSON.
	ContainerPreUpdate    func(ctx context.Context, req *PreUpdateRequest) (*Document, error)
	ContainerPostUpdate   func(ctx context.Context, req *PostUpdateRequest) error
	DaemonPreStart        func(ctx context.Context, req *DaemonPreStartRequest) error
	DaemonPreStop         func(ctx context.Context, req *DaemonPreStopRequest) error
	VolumePreCreate       func(ctx context.Context, req *VolumePreCreateRequest) (*Document, error)
	CriPreCreateContainer func(ctx context.Context, req *CriPreCreateContainerRequest) (*Document, error)
	ImagePostPull         func(ctx context.Context, req *ImagePostPullRequest) (snapshotters []string, err error)
	// ApiUpdateHandler changes the daemon's route table at API start; HandleHttp then serves the
	// routes it added or wrapped. HandleHttp without ApiUpdateHandler is a configuration error.
	ApiUpdateHandler func(ctx context.Context, routes []Route) (*RouteChanges, error)
	HandleHttp       func(ctx context.Context, req *HttpCall) (*HttpResult, error)

	// HookOptions are the plugin's preferences per hook (the operator's manifest overrides them).
	// Options for a hook whose handler is not set are a configuration error.
	HookOptions map[Hook]HookOptions
}

// Hook names a hook point; the values are the protocol's.
type Hook = hookdv1.Hook

// The Hook* constants (HookContainerPreCreate, ...) are generated from the proto's hook_contract
// options into hook_contracts_gen.go, one per hook RPC.

// FailurePolicy is what the host does when a call to the plugin fails.
type FailurePolicy = hookdv1.FailurePolicy

const (
	FailurePolicyDefault = hookdv1.FailurePolicy_FAILURE_POLICY_UNSPECIFIED
	FailurePolicyFail    = hookdv1.FailurePolicy_FAILURE_POLICY_FAIL
	FailurePolicyIgnore  = hookdv1.FailurePolicy_FAILURE_POLICY_IGNORE
)

// HookOptions are a plugin's preferences for one hook.
type HookOptions struct {
	// Timeout per call, whole milliseconds; 0 = the host's default. Capped by the manifest.
	Timeout       time.Duration
	FailurePolicy FailurePolicy
}

// ProtocolVersions returns the protocol versions this SDK speaks, newest first.
func ProtocolVersions() []string { return []string{"1"} }

// hookContract is one row of hookContracts (hook_contracts_gen.go), generated from the
// hook_contract option of the hook's RPC in proto/hookd/v1/plugin.proto: the proto says what the
// hook is, and isSet ties it to the Plugin field of the same name as its RPC.
type hookContract struct {
	hook                 Hook
	rpc                  string
	name                 string
	combine              hookdv1.Combine
	defaultFailurePolicy FailurePolicy
	defaultTimeoutMs     uint32
	isSet                func(p *Plugin) bool
}

// Subscriptions returns the hooks the plugin implements with their options, as Describe reports
// them.
func (p *Plugin) Subscriptions() []*hookdv1.HookSubscription {
	var subscriptions []*hookdv1.HookSubscription
	for _, entry := range hookContracts {
		if !entry.isSet(p) {
			continue
		}
		options := p.HookOptions[entry.hook] // the zero value means "the host's defaults"
		subscriptions = append(subscriptions, &hookdv1.HookSubscription{
			Hook: entry.hook,
			Options: &hookdv1.HookOptions{
				TimeoutMs:     uint32(options.Timeout / time.Millisecond),
				FailurePolicy: options.FailurePolicy,
			},
		})
	}
	return subscriptions
}

// Validate reports a plugin that cannot be served: no name, options for a hook it does not
// implement, HandleHttp without ApiUpdateHandler.
func (p *Plugin) Validate() error {
	if p.Name == "" {
		return fmt.Errorf("hookd plugin: Name is empty; set it to the name in the plugin's manifest")
	}
	for hook, options := range p.HookOptions {
		if !p.implements(hook) {
			return fmt.Errorf("hookd plugin %q: HookOptions has %s, but its handler is not set", p.Name, hook)
		}
		if options.Timeout < 0 || options.Timeout/time.Millisecond > 1<<32-1 {
			return fmt.Errorf("hookd plugin %q: HookOptions[%s].Timeout %v is out of range", p.Name, hook, options.Timeout)
		}
	}
	if p.HandleHttp != nil && p.ApiUpdateHandler == nil {
		return fmt.Errorf("hookd plugin %q: HandleHttp is set but ApiUpdateHandler is not; routes are added or wrapped there", p.Name)
	}
	return nil
}

func (p *Plugin) implements(hook Hook) bool {
	for _, entry := range hookContracts {
		if entry.hook == hook {
			return entry.isSet(p)
		}
	}
	return false
}

// ConfigureRequest carries the plugin's manifest config.
type ConfigureRequest struct {
	// Config is the manifest's `config` value as JSON ("null" when the manifest has none).
	Config json.RawMessage
	// PluginName is the name the operator gave the plugin in its manifest.
	PluginName      string
	ProtocolVersion string
	HostName        string
	HostVersion     string
}

// DecodeConfig unmarshals the config into target; a null config leaves target unchanged.
func (r *ConfigureRequest) DecodeConfig(target any) error {
	if len(r.Config) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.Config, target); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}
