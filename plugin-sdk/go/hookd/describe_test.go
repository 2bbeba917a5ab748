package hookd_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
	"github.com/hookd/hookd/plugin-sdk/go/hookd"
	"github.com/hookd/hookd/plugin-sdk/go/hookdtest"
)

func TestDescribeSubscribesExactlyToTheHandlersThatAreSet(t *testing.T) {
	plugin := &hookd.Plugin{
		Name:    "quota",
		Version: "1.2.3",
		ContainerPreCreate: func(context.Context, *hookd.PreCreateRequest) (*hookd.Document, error) {
			return nil, nil
		},
		DaemonPreStop: func(context.Context, *hookd.DaemonPreStopRequest) error { return nil },
		ImagePostPull: func(context.Context, *hookd.ImagePostPullRequest) ([]string, error) { return nil, nil },
		HookOptions: map[hookd.Hook]hookd.HookOptions{
			hookd.HookContainerPreCreate: {Timeout: 1500 * time.Millisecond, FailurePolicy: hookd.FailurePolicyIgnore},
		},
	}
	client := hookdtest.Start(t, plugin)
	reply, err := client.Describe(context.Background(), &hookdv1.DescribeRequest{HostProtocolVersions: []string{"1"}})
	if err != nil {
		t.Fatal(err)
	}
	if reply.GetName() != "quota" || reply.GetVersion() != "1.2.3" || !reflect.DeepEqual(reply.GetProtocolVersions(), []string{"1"}) {
		t.Fatalf("identity: %v", reply)
	}
	var hooks []hookdv1.Hook
	for _, subscription := range reply.GetHooks() {
		hooks = append(hooks, subscription.GetHook())
	}
	want := []hookdv1.Hook{hookd.HookContainerPreCreate, hookd.HookDaemonPreStop, hookd.HookImagePostPull}
	if !reflect.DeepEqual(hooks, want) {
		t.Fatalf("hooks = %v, want %v", hooks, want)
	}
	options := reply.GetHooks()[0].GetOptions()
	if options.GetTimeoutMs() != 1500 || options.GetFailurePolicy() != hookdv1.FailurePolicy_FAILURE_POLICY_IGNORE {
		t.Fatalf("options = %v", options)
	}
	if defaults := reply.GetHooks()[1].GetOptions(); defaults.GetTimeoutMs() != 0 || defaults.GetFailurePolicy() != hookd.FailurePolicyDefault {
		t.Fatalf("a hook without options sends the host's defaults, got %v", defaults)
	}
}

func TestDescribeOfAPluginWithNoHooksIsEmpty(t *testing.T) {
	client := hookdtest.Start(t, &hookd.Plugin{Name: "idle"})
	reply, err := client.Describe(context.Background(), &hookdv1.DescribeRequest{})
	if err != nil || len(reply.GetHooks()) != 0 {
		t.Fatalf("Describe: %v %v", reply, err)
	}
}

func TestValidateRefusesPluginsThatCannotBeServed(t *testing.T) {
	noop := func(context.Context, *hookd.DaemonPreStopRequest) error { return nil }
	cases := []struct {
		name   string
		plugin hookd.Plugin
		want   string
	}{
		{"no name", hookd.Plugin{}, "Name is empty"},
		{"options without handler", hookd.Plugin{Name: "p", HookOptions: map[hookd.Hook]hookd.HookOptions{
			hookd.HookContainerPreStart: {},
		}}, "HookOptions has HOOK_CONTAINER_PRE_START, but its handler is not set"},
		{"negative timeout", hookd.Plugin{Name: "p", DaemonPreStop: noop, HookOptions: map[hookd.Hook]hookd.HookOptions{
			hookd.HookDaemonPreStop: {Timeout: -time.Second},
		}}, "out of range"},
		{"HandleHttp alone", hookd.Plugin{Name: "p", HandleHttp: func(context.Context, *hookd.HttpCall) (*hookd.HttpResult, error) {
			return nil, nil
		}}, "HandleHttp is set but ApiUpdateHandler is not"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.plugin.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tc.want)
			}
			if err := hookd.Run(context.Background(), &tc.plugin, hookd.RunOptions{}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run must refuse the plugin too, got %v", err)
			}
		})
	}
}
