// Runtime failures carry a stable `code` so the container manager can map them without parsing
// messages: ERR_RUNTIME_HOOK_FAILED and ERR_RUNTIME_START_FAILED are the container's fault (bad
// hook, bad command: HTTP 500 with the message, as Docker does for a failed start);
// ERR_RUNTIME_UNKNOWN_CONTAINER means the runtime has no state for that id.

export type RuntimeErrorCode =
  | 'ERR_RUNTIME_HOOK_FAILED' // a prestart hook failed or timed out; the process never started
  | 'ERR_RUNTIME_START_FAILED' // the command could not be started (not found, not executable), or runc refused the bundle
  | 'ERR_RUNTIME_SHIM_FAILED' // the shim itself died or could not be launched (see shim.log in the state dir)
  | 'ERR_RUNTIME_UNKNOWN_CONTAINER' // kill/exec on an id this runtime has no state for
  | 'ERR_RUNTIME_COMMAND_FAILED'; // a runc subcommand (kill, state, delete) failed

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  readonly containerId: string | undefined;

  constructor(code: RuntimeErrorCode, message: string, containerId?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
    this.containerId = containerId;
  }
}

export function isRuntimeError(error: unknown, code?: RuntimeErrorCode): error is RuntimeError {
  return error instanceof RuntimeError && (code === undefined || error.code === code);
}
