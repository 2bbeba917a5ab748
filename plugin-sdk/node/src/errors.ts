// How a handler's failure becomes the gRPC status the host sees. The host names the plugin and the
// hook in its own error (ERR_HOOK_REJECTED) and quotes `details`, so the message is the author's.
//
//   throw new PluginRejection('...')                         → INVALID_ARGUMENT  (refused on purpose)
//   throw new PluginRejection('...', { code: 'FAILED_PRECONDITION' }) → FAILED_PRECONDITION
//   throw anything else (a bug, a failed dependency)          → UNKNOWN
//
// Configure is the exception: the protocol says an unusable config is INVALID_ARGUMENT, so any
// error thrown by `configure` is reported as INVALID_ARGUMENT unless it is a PluginRejection with
// its own code.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

/** The statuses a plugin may choose when it refuses an operation on purpose. */
export type RejectionCode = 'INVALID_ARGUMENT' | 'FAILED_PRECONDITION' | 'PERMISSION_DENIED' | 'RESOURCE_EXHAUSTED';

/**
 * Throw this from a handler to refuse the operation with a message meant for the user, for
 * example `throw new PluginRejection('label DiskQuota: "10x" is not a size')`.
 */
export class PluginRejection extends Error {
  readonly code: RejectionCode;

  constructor(message: string, options: { code?: RejectionCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PluginRejection';
    this.code = options.code ?? 'INVALID_ARGUMENT';
  }
}

export function isPluginRejection(error: unknown): error is PluginRejection {
  return error instanceof PluginRejection;
}

/** The gRPC status for an error a handler threw; `fallback` is used for non-rejections. */
export function toServiceError(error: unknown, fallback: status = status.UNKNOWN): ServiceError {
  const code = isPluginRejection(error) ? status[error.code] : fallback;
  const details = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

/** The status for an RPC whose handler the plugin does not implement. */
export function unimplementedError(plugin: string, rpc: string): ServiceError {
  const details = `plugin "${plugin}" does not implement ${rpc} (it is not in its Describe subscription)`;
  return Object.assign(new Error(details), { code: status.UNIMPLEMENTED, details, metadata: new Metadata() });
}
