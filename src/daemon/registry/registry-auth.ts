// Registry credentials and the authentication handshake (the distribution spec's token flow):
// a request answered 401 carries `WWW-Authenticate: Basic realm=...` (send the credentials as
// Basic) or `Bearer realm=...,service=...,scope=...` (ask the realm for a token, with Basic
// credentials when we have them, anonymously otherwise, then retry with `Bearer <token>`).
// Credentials come from the client (X-Registry-Auth: base64url JSON, what `docker login` + `docker
// pull` send) or, for pulls without a client (CRI), from an auth file in Docker's config.json form.

import { readFile } from 'node:fs/promises';
import { RegistryError } from './registry-errors.ts';

export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`docker login` with an identity provider); sent to the token realm. */
  identityToken?: string;
  /** A bearer token the client already holds; sent as is. */
  registryToken?: string;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** `Bearer realm="https://auth",service="reg",scope="repository:a:pull"` → {scheme, params}. */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const pattern = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g;
  for (const part of match[2]!.matchAll(pattern)) params[part[1]!.toLowerCase()] = (part[2] ?? part[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: match[1]!.toLowerCase(), params };
}

/**
 * X-Registry-Auth as the Docker CLI sends it: base64url of {"username","password","serveraddress",
 * "identitytoken","registrytoken"}. Absent, empty or "{}" means anonymous; anything unreadable is a
 * 400 naming the header.
 */
export function decodeRegistryAuth(header: string | undefined): RegistryCredentials | undefined {
  if (!header) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
  } catch (error) {
    throw new RegistryError('ERR_REGISTRY_BAD_AUTH', 'X-Registry-Auth is not base64-encoded JSON', { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new RegistryError('ERR_REGISTRY_BAD_AUTH', 'X-Registry-Auth must encode a JSON object');
  const fields = parsed as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof fields[key] === 'string' && fields[key] !== '' ? fields[key] as string : undefined);
  const credentials: RegistryCredentials = {};
  if (text('username')) credentials.username = text('username');
  if (text('password')) credentials.password = text('password');
  if (text('identitytoken')) credentials.identityToken = text('identitytoken');
  if (text('registrytoken')) credentials.registryToken = text('registrytoken');
  return Object.keys(credentials).length === 0 ? undefined : credentials;
}

/**
 * Credentials for `domain` from a Docker-style config file: {"auths": {"host": {"auth":
 * base64("user:pass")} | {"username","password"} | {"identitytoken"}}}. Keys may be URLs
 * ("https://index.docker.io/v1/"). A missing file means no credentials; a malformed one is an error.
 */
export async function credentialsFromFile(file: string, domain: string): Promise<RegistryCredentials | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RegistryError('ERR_REGISTRY_BAD_AUTH', `registry auth file ${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let auths: Record<string, Record<string, unknown>>;
  try {
    auths = (JSON.parse(text) as { auths?: Record<string, Record<string, unknown>> }).auths ?? {};
  } catch (error) {
    throw new RegistryError('ERR_REGISTRY_BAD_AUTH', `registry auth file ${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const wanted = domain === 'docker.io' ? ['docker.io', 'index.docker.io', 'registry-1.docker.io'] : [domain];
  for (const [key, entry] of Object.entries(auths)) {
    const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (!wanted.includes(host) || typeof entry !== 'object' || entry === null) continue;
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon === -1) throw new RegistryError('ERR_REGISTRY_BAD_AUTH', `registry auth file ${file}: auths["${key}"].auth must be base64 of "user:password"`);
      return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    const credentials: RegistryCredentials = {};
    if (typeof entry.username === 'string') credentials.username = entry.username;
    if (typeof entry.password === 'string') credentials.password = entry.password;
    if (typeof entry.identitytoken === 'string') credentials.identityToken = entry.identitytoken;
    return credentials;
  }
  return undefined;
}

export function basicHeader(credentials: RegistryCredentials): string | undefined {
  if (credentials.username === undefined || credentials.password === undefined) return undefined;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/**
 * Asks the token server named by a Bearer challenge for a token covering `scope`. GET with Basic
 * credentials (or anonymously) as Docker Hub and distribution's token servers expect; an identity
 * token goes as the OAuth2 refresh-token POST.
 */
export async function fetchBearerToken(challenge: Challenge, scope: string, credentials: RegistryCredentials | undefined, signal: AbortSignal | undefined): Promise<string> {
  const realm = challenge.params.realm;
  if (!realm) throw new RegistryError('ERR_REGISTRY_AUTH', 'the registry asked for a Bearer token but named no realm');
  const url = new URL(realm);
  const service = challenge.params.service;
  let response: Response;
  if (credentials?.identityToken) {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.identityToken, client_id: 'hookd', ...(scope ? { scope } : {}), ...(service ? { service } : {}) });
    response = await fetch(url, { method: 'POST', body, signal });
  } else {
    if (service) url.searchParams.set('service', service);
    if (scope !== '') url.searchParams.set('scope', scope);
    const basic = credentials ? basicHeader(credentials) : undefined;
    response = await fetch(url, { headers: basic ? { authorization: basic } : {}, signal });
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).slice(0, 200);
    throw new RegistryError('ERR_REGISTRY_AUTH', `the token server ${url.origin} refused ${credentials ? 'the credentials' : 'an anonymous token'} for ${scope}: HTTP ${response.status} ${detail}`.trim(), { status: response.status === 401 || response.status === 403 ? 401 : 502 });
  }
  const json = (await response.json()) as { token?: unknown; access_token?: unknown };
  const token = typeof json.token === 'string' && json.token !== '' ? json.token : json.access_token;
  if (typeof token !== 'string' || token === '') throw new RegistryError('ERR_REGISTRY_AUTH', `the token server ${url.origin} answered without a token`);
  return token;
}
