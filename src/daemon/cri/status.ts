// How failures become gRPC statuses: the one place the CRI server picks a code. Handlers throw
// domain errors (../errors.ts) or CriError; the kubelet acts on the code (NOT_FOUND makes it
// forget an object, ALREADY_EXISTS is a name clash it retries after cleanup, UNAVAILABLE is worth a
// retry), so each kind maps to the code containerd's CRI plugin answers with for the same case.
//
// Hook failures (HookdError from the plugin host) keep the host's message verbatim, which names
// the plugin and the hook, as api/errors.ts does for HTTP:
// - ERR_HOOK_REJECTED → INVALID_ARGUMENT: the plugin refused the request on purpose;
// - merge conflicts, disallowed paths, bad replies → INTERNAL: the plugins must be fixed;
// - timeouts, transport failures, plugins down → UNAVAILABLE: retrying may work.

import * as grpc from '@grpc/grpc-js';
import { isHookdError } from '../../host/index.ts';
import { DomainError, type DomainErrorKind } from '../errors.ts';
import { RegistryError, type RegistryErrorCode } from '../registry/registry-errors.ts';
import { RuntimeError, type RuntimeErrorCode } from '../runtime/errors.ts';

/** A failure that only the CRI has a word for (a sandbox name reserved twice, an RPC hookd leaves out). */
export class CriError extends Error {
  readonly grpcCode: grpc.status;

  constructor(grpcCode: grpc.status, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CriError';
    this.grpcCode = grpcCode;
  }
}

/** A request field is missing or wrong; `field` is its proto path (`config.metadata.name`). */
export const invalidField = (field: string, problem: string): CriError => new CriError(grpc.status.INVALID_ARGUMENT, `${field} ${problem}`);
/** A request field asks for a feature hookd does not have; `field` is its proto path. */
export const unimplementedField = (field: string, problem: string): CriError => new CriError(grpc.status.UNIMPLEMENTED, `${field}: ${problem}`);
export const alreadyExists = (message: string): CriError => new CriError(grpc.status.ALREADY_EXISTS, message);

const DOMAIN_CODE: Record<DomainErrorKind, grpc.status> = {
  'invalid-parameter': grpc.status.INVALID_ARGUMENT,
  'not-found': grpc.status.NOT_FOUND,
  // A conflict is a state that forbids the call (a container running, an image in use).
  'conflict': grpc.status.FAILED_PRECONDITION,
  // Handlers turn "already so" into success where the CRI wants idempotence; one that leaks is a precondition.
  'not-modified': grpc.status.FAILED_PRECONDITION,
  'system': grpc.status.INTERNAL,
};

const HOOK_CODE: Record<string, grpc.status> = {
  ERR_HOOK_REJECTED: grpc.status.INVALID_ARGUMENT,
  ERR_MERGE_CONFLICT: grpc.status.INTERNAL,
  ERR_PATH_NOT_ALLOWED: grpc.status.INTERNAL,
  ERR_HOOK_BAD_REPLY: grpc.status.INTERNAL,
  ERR_HOOK_TIMEOUT: grpc.status.UNAVAILABLE,
  ERR_HOOK_TRANSPORT: grpc.status.UNAVAILABLE,
  ERR_HOOK_ABORTED: grpc.status.CANCELLED,
  ERR_PLUGIN_UNAVAILABLE: grpc.status.UNAVAILABLE,
  ERR_PLUGIN_REQUIRED_UNAVAILABLE: grpc.status.UNAVAILABLE,
  ERR_PLUGIN_CRASH_LOOP: grpc.status.UNAVAILABLE,
};

// Pull failures (PullImage): the registry's answer, never UNKNOWN. The kubelet reports any of them
// as ErrImagePull and backs off; the code tells an operator whether retrying can help.
const REGISTRY_CODE: Record<RegistryErrorCode, grpc.status> = {
  ERR_REGISTRY_BAD_AUTH: grpc.status.INVALID_ARGUMENT,
  ERR_REGISTRY_AUTH: grpc.status.PERMISSION_DENIED,
  ERR_REGISTRY_NOT_FOUND: grpc.status.NOT_FOUND,
  ERR_REGISTRY_NO_PLATFORM: grpc.status.NOT_FOUND,
  ERR_REGISTRY_DIGEST_MISMATCH: grpc.status.FAILED_PRECONDITION,
  ERR_REGISTRY_BAD_MANIFEST: grpc.status.FAILED_PRECONDITION,
  ERR_REGISTRY_UNREACHABLE: grpc.status.UNAVAILABLE,
  ERR_REGISTRY_INSECURE: grpc.status.FAILED_PRECONDITION,
  ERR_REGISTRY_BAD_PLATFORM: grpc.status.INVALID_ARGUMENT,
};

// Runtime failures (StartContainer, ExecSync, UpdateContainerResources): a start runc refuses or a
// command that cannot run is the container's fault (the kubelet reports RunContainerError and
// backs off), not the daemon's; a dead shim is worth a retry.
const RUNTIME_CODE: Record<RuntimeErrorCode, grpc.status> = {
  ERR_RUNTIME_HOOK_FAILED: grpc.status.FAILED_PRECONDITION,
  ERR_RUNTIME_START_FAILED: grpc.status.FAILED_PRECONDITION,
  ERR_RUNTIME_SHIM_FAILED: grpc.status.UNAVAILABLE,
  ERR_RUNTIME_UNKNOWN_CONTAINER: grpc.status.NOT_FOUND,
  ERR_RUNTIME_COMMAND_FAILED: grpc.status.FAILED_PRECONDITION,
};

/** The status a thrown value answers with; the details are never empty and start with the method. */
export function toServiceError(error: unknown, method: string): Partial<grpc.ServiceError> & { code: grpc.status; details: string } {
  const { code, message } = codeAndMessage(error);
  const text = message.trim() === '' ? `${grpc.status[code]} (no message; the daemon's log has the details)` : message;
  return { code, details: `${method}: ${text}`, metadata: new grpc.Metadata() };
}

function codeAndMessage(error: unknown): { code: grpc.status; message: string } {
  if (error instanceof CriError) return { code: error.grpcCode, message: error.message };
  if (error instanceof DomainError) return { code: DOMAIN_CODE[error.kind], message: error.message };
  if (error instanceof RuntimeError) return { code: RUNTIME_CODE[error.code] ?? grpc.status.UNKNOWN, message: error.message };
  if (error instanceof RegistryError) return { code: REGISTRY_CODE[error.code] ?? grpc.status.UNKNOWN, message: error.message };
  if (isHookdError(error)) return { code: HOOK_CODE[error.code] ?? grpc.status.INTERNAL, message: error.message };
  return { code: grpc.status.UNKNOWN, message: error instanceof Error ? error.message : String(error) };
}
