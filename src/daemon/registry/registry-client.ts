// One repository on one registry, spoken to as the distribution spec says: GET
// /v2/<repository>/manifests/<tag|digest> and /v2/<repository>/blobs/<digest>, through the
// configured endpoints (mirror first, then the host; HTTPS, and plain HTTP only where
// registry-config allows it), answering 401 challenges with Basic or a Bearer token once per scope.
// Reusable by any front door (Docker pull today, CRI PullImage later): it knows nothing of images.

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { basicHeader, fetchBearerToken, parseChallenge, type RegistryCredentials } from './registry-auth.ts';
import { endpointsFor, type RegistryConfig, type RegistryEndpoint } from './registry-config.ts';
import { RegistryError } from './registry-errors.ts';
import { MANIFEST_ACCEPT } from './manifest.ts';

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  /** sha256 of `bytes`, verified against the digest asked for or announced. */
  digest: string;
}

export interface RegistryClientOptions {
  config: RegistryConfig;
  domain: string;
  repository: string;
  credentials?: RegistryCredentials;
}

export class RegistryClient {
  readonly #options: RegistryClientOptions;
  readonly #endpoints: RegistryEndpoint[];
  /** The Authorization value that last worked; reused so each request does not re-challenge. */
  #authorization: string | undefined;
  /** Index into #endpoints (with scheme) that answered last; tried first. */
  #working: string | undefined;

  constructor(options: RegistryClientOptions) {
    this.#options = options;
    this.#endpoints = endpointsFor(options.config, options.domain);
  }

  get where(): string {
    return `${this.#options.domain}/${this.#options.repository}`;
  }

  async fetchManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const response = await this.#request(`manifests/${reference}`, { accept: MANIFEST_ACCEPT }, signal);
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const expected = reference.startsWith('sha256:') ? reference : response.headers.get('docker-content-digest') ?? undefined;
    if (expected !== undefined && expected.startsWith('sha256:') && expected !== digest) {
      throw new RegistryError('ERR_REGISTRY_DIGEST_MISMATCH', `manifest ${reference} of ${this.where}: expected ${expected}, the bytes received hash to ${digest}`);
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    return { bytes, mediaType, digest };
  }

  /** The blob's bytes as they arrive; the caller verifies the digest (blob-store does). */
  async openBlob(digest: string, signal?: AbortSignal): Promise<{ stream: Readable; size: number | undefined }> {
    const response = await this.#request(`blobs/${digest}`, {}, signal);
    const length = Number(response.headers.get('content-length'));
    return { stream: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), size: Number.isFinite(length) && length > 0 ? length : undefined };
  }

  /**
   * `docker login`: GET /v2/ with the credentials (Basic, or a token asked for without a scope, as
   * dockerd does). Resolves when the registry accepts them; ERR_REGISTRY_AUTH when it does not.
   */
  async checkLogin(signal?: AbortSignal): Promise<void> {
    const response = await this.#request('/v2/', {}, signal);
    await response.body?.cancel();
  }

  /** `path` is under /v2/<repository>/, or absolute when it starts with "/". */
  async #request(path: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Response> {
    const failures: string[] = [];
    for (const base of this.#bases()) {
      const url = path.startsWith('/') ? `${base}${path}` : `${base}/v2/${this.#options.repository}/${path}`;
      let response: Response;
      try {
        response = await this.#authorized(url, headers, signal);
      } catch (error) {
        if (error instanceof RegistryError) throw error;
        if (signal?.aborted) throw error;
        failures.push(`${base}: ${describeFetchError(error)}`);
        continue;
      }
      if (response.ok) {
        this.#working = base;
        return response;
      }
      const body = (await response.text().catch(() => '')).slice(0, 300);
      if (response.status === 404) {
        failures.push(`${base}: not found`);
        if (this.#isMirror(base)) continue; // a mirror that lacks it: ask the registry itself
        throw new RegistryError('ERR_REGISTRY_NOT_FOUND', `${path.startsWith('manifests/') ? 'manifest' : 'blob'} ${path.slice(path.indexOf('/') + 1)} not found in ${this.where} (${base}): ${errorMessage(body)}`);
      }
      if (response.status === 401 || response.status === 403) {
        throw new RegistryError('ERR_REGISTRY_AUTH', `${this.where} refused access (HTTP ${response.status}): ${errorMessage(body)}; run "docker login ${this.#options.domain}" or check the credentials`);
      }
      failures.push(`${base}: HTTP ${response.status} ${errorMessage(body)}`);
      if (!this.#isMirror(base)) break;
    }
    throw new RegistryError('ERR_REGISTRY_UNREACHABLE', `cannot reach ${this.where}: ${failures.join('; ')}`);
  }

  /** Sends the request; on a 401 challenge, authenticates as it asks and retries once. */
  async #authorized(url: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Response> {
    const credentials = this.#options.credentials;
    const send = (authorization: string | undefined): Promise<Response> =>
      fetch(url, { headers: { ...headers, ...(authorization ? { authorization } : {}) }, signal, redirect: 'follow' });
    const first = await send(this.#authorization ?? (credentials?.registryToken ? `Bearer ${credentials.registryToken}` : undefined));
    if (first.status !== 401) return first;
    const challenge = parseChallenge(first.headers.get('www-authenticate') ?? '');
    if (!challenge) return first;
    await first.body?.cancel();
    if (challenge.scheme === 'basic') {
      const basic = credentials ? basicHeader(credentials) : undefined;
      if (!basic) throw new RegistryError('ERR_REGISTRY_AUTH', `${this.where} needs a user name and password (Basic auth); run "docker login ${this.#options.domain}"`);
      this.#authorization = basic;
    } else if (challenge.scheme === 'bearer') {
      const scope = challenge.params.scope ?? (this.#options.repository === '' ? '' : `repository:${this.#options.repository}:pull`);
      this.#authorization = `Bearer ${await fetchBearerToken(challenge, scope, credentials, signal)}`;
    } else {
      return first;
    }
    return send(this.#authorization);
  }

  /** Base URLs to try, the last one that worked first; HTTPS before its allowed HTTP fallback. */
  #bases(): string[] {
    const bases: string[] = [];
    for (const endpoint of this.#endpoints) {
      bases.push(endpoint.baseUrl);
      if (endpoint.canFallBackToHttp) bases.push(endpoint.baseUrl.replace(/^https:/, 'http:'));
    }
    if (this.#working) return [this.#working, ...bases.filter((base) => base !== this.#working)];
    return bases;
  }

  #isMirror(base: string): boolean {
    return this.#endpoints.some((endpoint) => endpoint.isMirror && endpoint.baseUrl === base);
  }
}

/** {"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]} → "MANIFEST_UNKNOWN: manifest unknown". */
function errorMessage(body: string): string {
  try {
    const errors = (JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }> }).errors;
    if (Array.isArray(errors) && errors.length > 0) return errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    // Not the spec's error JSON: show the start of the body as is.
  }
  return body.trim() || 'no details';
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${cause.code} ${cause.message ?? ''}`.trim() : (error as Error).message;
}
