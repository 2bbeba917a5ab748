"""How a handler refuses an operation, and how every failure becomes a gRPC status.

The host reads the status code to tell a refusal (the plugin said no on purpose) from a bug, so the
mapping lives in one function, `status_of`.
"""

from __future__ import annotations

import grpc


class Reject(Exception):
    """Raise from a handler to refuse the operation with a message the user will read.

    The host fails the hook with the message, naming the plugin (or skips the reply under the
    `ignore` failure policy). The default code is INVALID_ARGUMENT ("this input is not acceptable");
    pass `code=grpc.StatusCode.FAILED_PRECONDITION` when the input is fine but the state is not
    ("quota service unreachable", "volume driver not ready").
    """

    def __init__(self, message: str, *, code: grpc.StatusCode = grpc.StatusCode.INVALID_ARGUMENT) -> None:
        if code is grpc.StatusCode.OK:
            raise ValueError("Reject needs an error code, not OK")
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


def status_of(error: BaseException, method: str) -> HookError:
    """The status a failed handler answers with.

    - Reject: its own code and message, unchanged.
    - NotImplementedError: UNIMPLEMENTED (a hook the plugin does not serve).
    - anything else: UNKNOWN with the exception's type and message, so the operator sees the bug
      ("container_pre_create failed: KeyError: 'Env'").
    """
    if isinstance(error, HookError):
        return error
    if isinstance(error, Reject):
        return HookError(error.code, error.message)
    if isinstance(error, NotImplementedError):
        return HookError(grpc.StatusCode.UNIMPLEMENTED, f"this plugin does not implement {method}")
    detail = str(error)
    described = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return HookError(grpc.StatusCode.UNKNOWN, f"{method} failed: {described}")
