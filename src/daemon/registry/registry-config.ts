// The "registries" block of the daemon config: where a registry host is really reached, which
// hosts may be spoken to in plain HTTP, where CRI-style pulls find credentials and how many layers
// download at once. Plain HTTP is allowed only for loopback hosts and hosts the operator lists as
// insecure: anything else is HTTPS, and a TLS failure is an error, never a downgrade.
//
//   "registries": {
//     "mirrors": { "registry.k8s.io": "http://127.0.0.1:5000", "docker.io": "https://mirror.example" },
//     "insecure": ["lab-registry:5000"],
//     "authFile": "/etc/hookd/registry-auth.json",    // Docker's config.json "auths" format
//     "maxConcurrentDownloads": 3
//   }

import type { ConfigFields } from '../config-fields.ts';

export interface RegistryConfig {
  /** Registry host → base URL ("http://127.0.0.1:5000") tried before the host itself. */
  mirrors: Record<string, string>;
  insecure: string[];
  authFile?: string;
  maxConcurrentDownloads: number;
}

export const DEFAULT_MAX_CONCURRENT_DOWNLOADS = 3;

export function defaultRegistryConfig(): RegistryConfig {
  return { mirrors: {}, insecure: [], maxConcurrentDownloads: DEFAULT_MAX_CONCURRENT_DOWNLOADS };
}

export function parseRegistryConfig(fields: ConfigFields, value: unknown): RegistryConfig {
  const config = defaultRegistryConfig();
  if (value === undefined) return config;
  const raw = fields.object('registries', value, ['mirrors', 'insecure', 'authFile', 'maxConcurrentDownloads']);
  if (raw.mirrors !== undefined) {
    const mirrors = fields.object('registries.mirrors', raw.mirrors, Object.keys(raw.mirrors as object));
    for (const [host, url] of Object.entries(mirrors)) {
      const field = `registries.mirrors.${host}`;
      const text = fields.string(field, url);
      let parsed: URL;
      try {
        parsed = new URL(text);
      } catch {
        throw fields.invalid(field, `must be a URL such as "https://mirror.example" or "http://127.0.0.1:5000", got ${JSON.stringify(text)}`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw fields.invalid(field, `must be an http:// or https:// URL, got ${JSON.stringify(text)}`);
      config.mirrors[host] = text.replace(/\/+$/, '');
    }
  }
  if (raw.insecure !== undefined) {
    if (!Array.isArray(raw.insecure)) throw fields.invalid('registries.insecure', 'must be a list of registry hosts ("host:port")');
    config.insecure = raw.insecure.map((host, index) => fields.string(`registries.insecure[${index}]`, host));
  }
  for (const [host, url] of Object.entries(config.mirrors)) {
    const mirrorHost = new URL(url).host;
    if (url.startsWith('http:') && !isLoopbackHost(mirrorHost) && !config.insecure.includes(mirrorHost)) {
      throw fields.invalid(`registries.mirrors.${host}`, `is plain HTTP to ${mirrorHost}, which is neither loopback nor listed in "registries.insecure"`);
    }
  }
  if (raw.authFile !== undefined) config.authFile = fields.path('registries.authFile', raw.authFile);
  if (raw.maxConcurrentDownloads !== undefined) config.maxConcurrentDownloads = fields.integer('registries.maxConcurrentDownloads', raw.maxConcurrentDownloads, 1, 64);
  return config;
}

/** "127.0.0.1:5000", "localhost", "[::1]:5000" → true. */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

export interface RegistryEndpoint {
  /** "https://127.0.0.1:5000" (no trailing slash). */
  baseUrl: string;
  /** Whether a plain-HTTP retry is allowed when HTTPS fails to connect. */
  canFallBackToHttp: boolean;
  isMirror: boolean;
}

/**
 * Where to reach `domain`, in order: its mirror (when configured), then the host itself. Docker
 * Hub's real API host is registry-1.docker.io. Loopback and insecure hosts try HTTPS first and
 * fall back to HTTP, as dockerd does for --insecure-registry.
 */
export function endpointsFor(config: RegistryConfig, domain: string): RegistryEndpoint[] {
  const endpoints: RegistryEndpoint[] = [];
  const mirror = config.mirrors[domain];
  if (mirror) endpoints.push({ baseUrl: mirror, canFallBackToHttp: false, isMirror: true });
  const host = domain === 'docker.io' ? 'registry-1.docker.io' : domain;
  const plainAllowed = isLoopbackHost(host) || config.insecure.includes(domain) || config.insecure.includes(host);
  endpoints.push({ baseUrl: `https://${host}`, canFallBackToHttp: plainAllowed, isMirror: false });
  return endpoints;
}
