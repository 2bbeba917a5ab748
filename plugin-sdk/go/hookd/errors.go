package hookd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// callHandler runs one handler and turns whatever it does into what goes on the wire: its
// result, or a status error. The host classifies statuses (docs/protocol.md): UNAVAILABLE and
// DEADLINE_EXCEEDED look like transport trouble, so a plain error is never mapped to those.
func callHandler[T any](ctx context.Context, log *slog.Logger, rpc string, handler func() (T, error)) (result T, err error) {
	defer func() {
		if recovered := recover(); recovered != nil {
			log.ErrorContext(ctx, "handler panicked", "rpc", rpc, "panic", fmt.Sprint(recovered), "stack", string(debug.Stack()))
			err = status.Errorf(codes.Internal, "%s panicked: %v", rpc, recovered)
		}
	}()
	result, err = handler()
	if err != nil {
		return result, toStatus(err, codes.Unknown)
	}
	return result, nil
}

// toStatus keeps a status error as it is, maps context errors to their codes, and wraps anything
// else in fallback with the error's own message.
func toStatus(err error, fallback codes.Code) error {
	if _, isStatus := status.FromError(err); isStatus {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return status.FromContextError(err).Err()
	}
	return status.Error(fallback, err.Error())
}

// badRequest is the reply to a request the host should never send (a document that is not JSON).
func badRequest(rpc, field string, err error) error {
	return status.Errorf(codes.InvalidArgument, "%s: %s: %v", rpc, field, err)
}
