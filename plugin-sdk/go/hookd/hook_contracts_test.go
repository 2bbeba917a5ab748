package hookd

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
)

// The SDK's hook table must say what the proto's hook_contract options say, RPC by RPC, read back
// from the compiled descriptor: a stale hook_contracts_gen.go, or a hand edit, fails here.
func TestHookTableAgreesWithTheProtoHookContracts(t *testing.T) {
	methods := hookdv1.File_hookd_v1_plugin_proto.Services().ByName("Plugin").Methods()
	var fromProto []*hookdv1.HookContract
	var rpcs []string
	for i := 0; i < methods.Len(); i++ {
		method := methods.Get(i)
		options, _ := method.Options().(*descriptorpb.MethodOptions)
		if options == nil || !proto.HasExtension(options, hookdv1.E_HookContract) {
			continue
		}
		fromProto = append(fromProto, proto.GetExtension(options, hookdv1.E_HookContract).(*hookdv1.HookContract))
		rpcs = append(rpcs, string(method.Name()))
	}
	if len(fromProto) != len(hookContracts) {
		t.Fatalf("the proto has %d hook RPCs, the SDK's table %d", len(fromProto), len(hookContracts))
	}
	for i, want := range fromProto {
		got := hookContracts[i]
		if got.rpc != rpcs[i] || got.hook != want.GetHook() || got.name != want.GetName() || got.combine != want.GetCombine() ||
			got.defaultFailurePolicy != want.GetDefaultFailurePolicy() || got.defaultTimeoutMs != want.GetDefaultTimeoutMs() {
			t.Errorf("row %d: table has %+v, proto has rpc %s %v", i, got, rpcs[i], want)
		}
	}
}

// Every Hook value of the proto (but UNSPECIFIED) is served by exactly one row, and setting that
// row's handler is what subscribes to it.
func TestEveryHookValueHasOneHandlerThatSubscribes(t *testing.T) {
	for value := range hookdv1.Hook_name {
		hook := Hook(value)
		if hook == hookdv1.Hook_HOOK_UNSPECIFIED {
			continue
		}
		rows := 0
		for _, entry := range hookContracts {
			if entry.hook == hook {
				rows++
			}
		}
		if rows != 1 {
			t.Errorf("%s has %d rows in the hook table, want 1", hook, rows)
		}
	}
	if (&Plugin{}).implements(HookContainerPreCreate) {
		t.Fatal("a plugin without handlers implements nothing")
	}
	p := &Plugin{Name: "p", ImagePostPull: func(ctx context.Context, req *ImagePostPullRequest) ([]string, error) { return nil, nil }}
	if !p.implements(HookImagePostPull) || len(p.Subscriptions()) != 1 {
		t.Fatal("setting ImagePostPull must subscribe to HOOK_IMAGE_POST_PULL and nothing else")
	}
}
