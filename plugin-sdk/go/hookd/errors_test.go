package hookd_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"
	"github.com/hookd/hookd/plugin-sdk/go/hookd"
	"github.com/hookd/hookd/plugin-sdk/go/hookdtest"
)

func TestHandlerErrorsReachTheHostAsStatuses(t *testing.T) {
	cases := []struct {
		name    string
		handler func(ctx context.Context) error
		code    codes.Code
		message string
	}{
		{"a plain error is UNKNOWN with its message",
			func(context.Context) error { return errors.New("memory above the team's quota of 4g") },
			codes.Unknown, "memory above the team's quota of 4g"},
		{"a rejection is INVALID_ARGUMENT with the author's message",
			func(context.Context) error { return hookd.Rejectf("label DiskQuota: %q is not a size", "10x") },
			codes.InvalidArgument, `label DiskQuota: "10x" is not a size`},
		{"a rejection may choose FAILED_PRECONDITION",
			func(context.Context) error {
				return hookd.RejectWithCode(codes.FailedPrecondition, "quota service unreachable")
			},
			codes.FailedPrecondition, "quota service unreachable"},
		{"a rejection cannot pose as a transport failure",
			func(context.Context) error { return hookd.RejectWithCode(codes.Unavailable, "nope") },
			codes.InvalidArgument, "nope"},
		{"a status error with a transport code becomes UNKNOWN",
			func(context.Context) error { return status.Error(codes.Unavailable, "backend down") },
			codes.Unknown, "backend down"},
		{"a status error with a rejection code is sent as is",
			func(context.Context) error {
				return status.Error(codes.PermissionDenied, "privileged containers are not allowed")
			},
			codes.PermissionDenied, "privileged containers are not allowed"},
		{"a wrapped context deadline is DEADLINE_EXCEEDED",
			func(ctx context.Context) error {
				<-ctx.Done()
				return errors.Join(errors.New("lookup took too long"), ctx.Err())
			},
			codes.DeadlineExceeded, ""},
		{"a panic is INTERNAL and names the RPC",
			func(context.Context) error { panic("nil map") },
			codes.Internal, "ContainerPreCreate panicked: nil map"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client := hookdtest.Start(t, &hookd.Plugin{Name: "refuser",
				ContainerPreCreate: func(ctx context.Context, _ *hookd.PreCreateRequest) (*hookd.Document, error) {
					return nil, tc.handler(ctx)
				}})
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			_, err := client.ContainerPreCreate(ctx, &hookdv1.ContainerPreCreateRequest{ConfigJson: []byte(`{}`)})
			got := status.Convert(err)
			if got.Code() != tc.code || !strings.Contains(got.Message(), tc.message) {
				t.Fatalf("status = %v %q, want %v containing %q", got.Code(), got.Message(), tc.code, tc.message)
			}
		})
	}
}

func TestThePluginKeepsServingAfterAHandlerPanics(t *testing.T) {
	calls := 0
	client := hookdtest.Start(t, &hookd.Plugin{Name: "flaky",
		DaemonPreStop: func(context.Context, *hookd.DaemonPreStopRequest) error {
			calls++
			if calls == 1 {
				panic("first call")
			}
			return nil
		}})
	ctx := context.Background()
	if _, err := client.DaemonPreStop(ctx, &hookdv1.DaemonPreStopRequest{}); status.Code(err) != codes.Internal {
		t.Fatalf("first call: %v", err)
	}
	if _, err := client.DaemonPreStop(ctx, &hookdv1.DaemonPreStopRequest{}); err != nil {
		t.Fatalf("second call: %v", err)
	}
}

func TestAHookThePluginDoesNotImplementIsUnimplemented(t *testing.T) {
	client := hookdtest.Start(t, &hookd.Plugin{Name: "idle"})
	_, err := client.ContainerPreStart(context.Background(), &hookdv1.ContainerPreStartRequest{ContainerJson: []byte(`{}`)})
	if status.Code(err) != codes.Unimplemented || !strings.Contains(err.Error(), `plugin "idle" does not implement ContainerPreStart`) {
		t.Fatalf("got %v", err)
	}
}

func TestADocumentThatIsNotAJSONObjectIsInvalidArgument(t *testing.T) {
	client := hookdtest.Start(t, everyHook)
	_, err := client.ContainerPreCreate(context.Background(), &hookdv1.ContainerPreCreateRequest{ConfigJson: []byte(`[1,2]`)})
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "request field config_json: expected a JSON object") {
		t.Fatalf("got %v", err)
	}
}
