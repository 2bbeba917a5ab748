"""How a handler refuses an operation, and how every failure becomes a gRPC status.

The host quotes the status message in its own error, which already names the plugin and the
hook, so the message is the author's own words. The mapping lives in one function, `status_of`:

    raise Reject("...")                                          -> INVALID_ARGUMENT (refused on purpose)
    raise Reject("...", code=grpc.StatusCode.FAILED_PRECONDITION) -> that code
    raise anything else (a bug, a failed dependency)             -> UNKNOWN, "<ExceptionType>: <message>"
"""

from __future__ import annotations

import grpc

REJECTION_CODES = frozenset({
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.FAILED_PRECONDITION,
    grpc.StatusCode.PERMISSION_DENIED,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
})
"""The codes a plugin may choose when it refuses on purpose (the same set as the Node SDK's).
Transport-like codes (UNAVAILABLE, DEADLINE_EXCEEDED) are not among them: the host would read
them as the plugin being unhealthy."""


class Reject(Exception):
    """Raise from a handler to refuse the operation with a message the user will read, e.g.
    `raise Reject('volume driver "nfs" is not allowed; allowed: local')`.

    The default code, INVALID_ARGUMENT, means "this input is not acceptable". Use
    `code=grpc.StatusCode.FAILED_PRECONDITION` when the input is fine but the state is not
    ("quota service unreachable"); PERMISSION_DENIED and RESOURCE_EXHAUSTED are allowed too.
    """

    def __init__(self, message: str, *, code: grpc.StatusCode = grpc.StatusCode.INVALID_ARGUMENT) -> None:
        if code not in REJECTION_CODES:
            allowed = ", ".join(sorted(c.name for c in REJECTION_CODES))
            raise ValueError(f"Reject code must be one of {allowed}, not {code.name}")
        super().__init__(message)
        self.message = message
        self.code = code


class HookError(Exception):
    """A call that ended in a gRPC status: what the host sees. Raised by the in-process testing
    client too, so tests assert on `code` and `message` exactly as the host would receive them."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message


def describe_exception(error: BaseException) -> str:
    """"KeyError: 'Env'" rather than "'Env'": Python messages often mean nothing without the type."""
    detail = str(error)
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def status_of(error: BaseException, fallback: grpc.StatusCode = grpc.StatusCode.UNKNOWN) -> HookError:
    """The status a failed handler answers with: a Reject's own code and message; otherwise
    `fallback` (UNKNOWN; Configure uses INVALID_ARGUMENT) with the exception described."""
    if isinstance(error, HookError):
        return error
    if isinstance(error, Reject):
        return HookError(error.code, error.message)
    return HookError(fallback, describe_exception(error))


def unimplemented(plugin: str, rpc: str) -> HookError:
    return HookError(grpc.StatusCode.UNIMPLEMENTED,
                     f'plugin "{plugin}" does not implement {rpc} (it is not in its Describe subscription)')
