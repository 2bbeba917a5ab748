// The daemon's domain errors: what went wrong in terms of containers, volumes and networks, with
// no transport in it. The managers (and the image store) throw these; only the API layer (api/errors.ts) turns a kind
// into an HTTP status (a CRI server will turn it into a gRPC status), so containers/, volumes/,
// network/ and images/ need nothing from api/ to report a failure (eslint.config.js enforces it).

export type DomainErrorKind =
  /** A parameter of the request is wrong (a bad value, an unknown option). */
  | 'invalid-parameter'
  /** The object named does not exist. */
  | 'not-found'
  /** The object's state or another object forbids it (name in use, container running). */
  | 'conflict'
  /** Nothing to do: the object is already in the asked-for state. */
  | 'not-modified'
  /** The daemon itself failed (a CNI plugin, the host's network); not the client's fault. */
  | 'system';

export class DomainError extends Error {
  readonly kind: DomainErrorKind;

  constructor(kind: DomainErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DomainError';
    this.kind = kind;
  }
}

export function isDomainError(error: unknown, kind?: DomainErrorKind): error is DomainError {
  return error instanceof DomainError && (kind === undefined || error.kind === kind);
}

export const invalidParameter = (message: string, options?: { cause?: unknown }): DomainError => new DomainError('invalid-parameter', message, options);
/** invalidParameter under the name the call sites used when these were HTTP statuses. */
export const badRequest = invalidParameter;
export const notFound = (message: string, options?: { cause?: unknown }): DomainError => new DomainError('not-found', message, options);
export const conflict = (message: string, options?: { cause?: unknown }): DomainError => new DomainError('conflict', message, options);
export const notModified = (): DomainError => new DomainError('not-modified', '');
export const systemError = (message: string, options?: { cause?: unknown }): DomainError => new DomainError('system', message, options);
