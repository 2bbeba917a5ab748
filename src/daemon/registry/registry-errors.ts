// Registry failures carry a stable `code` and the HTTP `status` the Docker API answers with
// before the progress stream starts (describeError() reads `status`); after it started they end
// the stream as Docker's {"errorDetail": {...}} line instead.

export type RegistryErrorCode =
  | 'ERR_REGISTRY_BAD_AUTH' // 400: X-Registry-Auth or the auth file cannot be read
  | 'ERR_REGISTRY_AUTH' // 401: the registry or its token server refused the credentials
  | 'ERR_REGISTRY_NOT_FOUND' // 404: no such repository, tag or digest
  | 'ERR_REGISTRY_NO_PLATFORM' // 404: an index/manifest list without a manifest for this platform
  | 'ERR_REGISTRY_DIGEST_MISMATCH' // 502: what arrived does not hash to the digest that named it
  | 'ERR_REGISTRY_BAD_MANIFEST' // 502: a manifest or config the client cannot use
  | 'ERR_REGISTRY_UNREACHABLE' // 502: connection refused, TLS failure, or an unexpected HTTP status
  | 'ERR_REGISTRY_INSECURE' // 400: plain HTTP to a host that is neither loopback nor listed as insecure
  | 'ERR_REGISTRY_BAD_PLATFORM'; // 400: the `platform` parameter is not os[/architecture[/variant]]

const STATUS: Record<RegistryErrorCode, number> = {
  ERR_REGISTRY_BAD_AUTH: 400,
  ERR_REGISTRY_AUTH: 401,
  ERR_REGISTRY_NOT_FOUND: 404,
  ERR_REGISTRY_NO_PLATFORM: 404,
  ERR_REGISTRY_DIGEST_MISMATCH: 502,
  ERR_REGISTRY_BAD_MANIFEST: 502,
  ERR_REGISTRY_UNREACHABLE: 502,
  ERR_REGISTRY_INSECURE: 400,
  ERR_REGISTRY_BAD_PLATFORM: 400,
};

export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly status: number;

  constructor(code: RegistryErrorCode, message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RegistryError';
    this.code = code;
    this.status = options?.status ?? STATUS[code];
  }
}

export function isRegistryError(error: unknown, code?: RegistryErrorCode): error is RegistryError {
  return error instanceof RegistryError && (code === undefined || error.code === code);
}
