// Pending streaming requests, keyed by single-use tokens (the kubelet's streaming server does the
// same): Exec/Attach/PortForward store the CRI request and return a URL holding the token; the
// first connection to that URL takes the request out, and a token nobody used is gone after the
// TTL. Tokens are 128 random bits in base64url, so a URL cannot be guessed from another one.

import { randomBytes } from 'node:crypto';
import { DomainError } from '../../errors.ts';

/** Like the kubelet's: a client that got a URL connects at once. */
export const DEFAULT_TOKEN_TTL_MS = 60_000;
/** Bounds the memory a caller who never connects can pin. */
export const MAX_PENDING_REQUESTS = 1000;

export type StreamingRequest =
  | { kind: 'exec'; containerId: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }
  | { kind: 'attach'; containerId: string; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }
  | { kind: 'portforward'; podSandboxId: string; ports: number[] };

interface Pending {
  request: StreamingRequest;
  expiresAtMs: number;
}

export class RequestCache {
  readonly #pending = new Map<string, Pending>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? DEFAULT_TOKEN_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Stores the request and returns its token; refuses when too many wait for a client. */
  insert(request: StreamingRequest): string {
    this.#evictExpired();
    if (this.#pending.size >= MAX_PENDING_REQUESTS) {
      throw new DomainError('system', `too many streaming requests wait for a client (${MAX_PENDING_REQUESTS}); retry once some are used or expire`);
    }
    const token = randomBytes(16).toString('base64url');
    this.#pending.set(token, { request, expiresAtMs: this.#now() + this.#ttlMs });
    return token;
  }

  /** Takes the request out (single use); undefined for an unknown, used or expired token. */
  consume(token: string): StreamingRequest | undefined {
    const pending = this.#pending.get(token);
    if (!pending) return undefined;
    this.#pending.delete(token);
    return pending.expiresAtMs > this.#now() ? pending.request : undefined;
  }

  get size(): number {
    this.#evictExpired();
    return this.#pending.size;
  }

  #evictExpired(): void {
    const now = this.#now();
    for (const [token, pending] of this.#pending) if (pending.expiresAtMs <= now) this.#pending.delete(token);
  }
}
