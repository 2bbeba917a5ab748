// How failures become HTTP answers. Every handler throws; the router calls `errorToResponse` once.
// Docker's codes: 404 missing object, 409 conflict (name in use, container running), 400 bad
// parameters, 304 nothing to do (start a running container, stop a stopped one), 500 otherwise.
//
// Hook failures (HookdError from the plugin host) keep the host's message verbatim, which names
// the plugin and the hook:
// - ERR_HOOK_REJECTED → 400: the plugin refused the request on purpose (a policy decision about
//   what the client asked), so the client is the one who must change something.
// - ERR_MERGE_CONFLICT, ERR_PATH_NOT_ALLOWED, ERR_HOOK_BAD_REPLY, ERR_ROUTE_CONFLICT → 500: the
//   plugins (or their manifests) disagree or misbehave; the operator must fix them, not the client.
// - ERR_HOOK_TIMEOUT, ERR_HOOK_TRANSPORT, ERR_HOOK_ABORTED, ERR_PLUGIN_*UNAVAILABLE,
//   ERR_PLUGIN_CRASH_LOOP → 503: a plugin the request needs is not answering; retrying may work.

import { STATUS_CODES } from 'node:http';
import { isHookdError } from '../../host/index.ts';
import { DomainError, type DomainErrorKind } from '../errors.ts';

// The managers' failures are domain kinds (../errors.ts); this is the one place they get a status.
export { badRequest, conflict, notFound, notModified } from '../errors.ts';
const DOMAIN_STATUS: Record<DomainErrorKind, number> = {
  'invalid-parameter': 400,
  'not-found': 404,
  'conflict': 409,
  'not-modified': 304,
  'system': 500,
};

export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
  }
}

const HOOK_ERROR_STATUS: Record<string, number> = {
  ERR_HOOK_REJECTED: 400,
  ERR_MERGE_CONFLICT: 500,
  ERR_PATH_NOT_ALLOWED: 500,
  ERR_HOOK_BAD_REPLY: 500,
  ERR_ROUTE_CONFLICT: 500,
  ERR_HOOK_TIMEOUT: 503,
  ERR_HOOK_TRANSPORT: 503,
  ERR_HOOK_ABORTED: 503,
  ERR_PLUGIN_UNAVAILABLE: 503,
  ERR_PLUGIN_REQUIRED_UNAVAILABLE: 503,
  ERR_PLUGIN_CRASH_LOOP: 503,
};

/** The HTTP status and message a thrown value answers with; the message is never empty (but a 304 has no body). */
export function describeError(error: unknown): { status: number; message: string } {
  const { status, message } = statusAndMessage(error);
  if (message.trim() !== '' || status === 304) return { status, message };
  const name = error instanceof Error && error.name !== 'Error' ? `${error.name}: ` : '';
  return { status, message: `${name}${STATUS_CODES[status] ?? 'error'} (the failing part gave no message; the daemon's log has the details)` };
}

function statusAndMessage(error: unknown): { status: number; message: string } {
  if (error instanceof ApiError) return { status: error.status, message: error.message };
  if (error instanceof DomainError) return { status: DOMAIN_STATUS[error.kind], message: error.message };
  if (isHookdError(error)) return { status: HOOK_ERROR_STATUS[error.code] ?? 500, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  // Other parts of the daemon (image store, runtime) may throw errors that carry an HTTP status.
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 300 && status < 600) return { status, message };
  return { status: 500, message };
}
