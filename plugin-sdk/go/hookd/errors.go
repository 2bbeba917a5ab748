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

// How a handler's failure becomes the gRPC status the host sees. The host names the plugin and the
// hook in its own error and quotes the status message, so the message is the author's own words:
//
//	return hookd.Reject("...")                             → INVALID_ARGUMENT (refused on purpose)
//	return hookd.RejectWithCode(codes.FailedPrecondition, "...") → that code
//	return status.Error(codes.PermissionDenied, "...")     → kept, when the code is a rejection code
//	return ctx.Err() (or an error wrapping it)             → CANCELLED / DEADLINE_EXCEEDED
//	return any other error, or panic                       → UNKNOWN / INTERNAL with the message
//
// Configure is the exception: the protocol says an unusable config is INVALID_ARGUMENT, so that is
// its fallback instead of UNKNOWN. The rules are the Node and Python SDKs' too.

// rejectionCodes are the statuses a plugin may choose when it refuses on purpose. Transport-like
// codes (UNAVAILABLE, DEADLINE_EXCEEDED) are not among them: the host would read them as the
// plugin being unhealthy rather than as its answer.
var rejectionCodes = map[codes.Code]bool{
	codes.InvalidArgument:    true,
	codes.FailedPrecondition: true,
	codes.PermissionDenied:   true,
	codes.ResourceExhausted:  true,
}

// Rejection is a handler's deliberate refusal, with a message meant for the user.
type Rejection struct {
	Code    codes.Code
	Message string
}

func (r *Rejection) Error() string { return r.Message }

// Reject refuses the operation with INVALID_ARGUMENT ("this input is not acceptable"), for
// example hookd.Reject(`label DiskQuota: "10x" is not a size`).
func Reject(message string) error {
	return &Rejection{Code: codes.InvalidArgument, Message: message}
}

// Rejectf is Reject with fmt.Sprintf.
func Rejectf(format string, args ...any) error {
	return Reject(fmt.Sprintf(format, args...))
}

// RejectWithCode refuses with FAILED_PRECONDITION (the input is fine, the state is not: "quota
// service unreachable"), PERMISSION_DENIED or RESOURCE_EXHAUSTED. Any other code is replaced by
// INVALID_ARGUMENT.
func RejectWithCode(code codes.Code, message string) error {
	if !rejectionCodes[code] {
		code = codes.InvalidArgument
	}
	return &Rejection{Code: code, Message: message}
}

// callHandler runs one handler and turns whatever it does into what goes on the wire: its result,
// or a status error. A rejection is the plugin doing its job and is logged at info; anything else
// is a bug or a broken dependency and is logged as an error.
func callHandler[T any](ctx context.Context, log *slog.Logger, rpc string, fallback codes.Code, handler func() (T, error)) (result T, err error) {
	defer func() {
		if recovered := recover(); recovered != nil {
			log.ErrorContext(ctx, "hook handler panicked", "hook", rpc, "panic", fmt.Sprint(recovered), "stack", string(debug.Stack()))
			err = status.Errorf(codes.Internal, "%s panicked: %v", rpc, recovered)
		}
	}()
	result, err = handler()
	if err == nil {
		return result, nil
	}
	if isRejection(err) {
		log.InfoContext(ctx, "rejected", "hook", rpc, "reason", err.Error())
	} else {
		log.ErrorContext(ctx, "hook handler failed", "hook", rpc, "err", err.Error())
	}
	return result, toStatus(err, fallback)
}

func isRejection(err error) bool {
	var rejection *Rejection
	if errors.As(err, &rejection) {
		return true
	}
	if s, isStatus := status.FromError(err); isStatus {
		return rejectionCodes[s.Code()]
	}
	return false
}

// toStatus maps a handler's error to the status sent to the host (see the table above).
func toStatus(err error, fallback codes.Code) error {
	var rejection *Rejection
	if errors.As(err, &rejection) {
		return status.Error(rejection.Code, rejection.Message)
	}
	if s, isStatus := status.FromError(err); isStatus {
		if rejectionCodes[s.Code()] || s.Code() == codes.Unimplemented {
			return s.Err()
		}
		return status.Error(fallback, s.Message())
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return status.FromContextError(err).Err()
	}
	return status.Error(fallback, err.Error())
}

// badRequest is the reply to a request document the host should never send.
func badRequest(field string, err error) error {
	return status.Errorf(codes.InvalidArgument, "request field %s: %v", field, err)
}

func notImplemented(plugin, rpc string) error {
	return status.Errorf(codes.Unimplemented, "plugin %q does not implement %s (it is not in its Describe subscription)", plugin, rpc)
}
