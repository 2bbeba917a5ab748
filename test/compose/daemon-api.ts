// The daemon's API as the compose test sees it: HTTP over the unix socket on the shared `api`
// volume, JSON in and out, and bounded waits for the daemon and its plugins. No dependencies
// beyond Node, so the test image needs nothing but the runtime.

import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ApiAnswer {
  status: number;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the Docker API's shapes, checked by the assertions
}

export interface PluginListing {
  name: string;
  state: string;
  kind?: string;
  /** Restarts (launched) or redials (attached) since the daemon started. */
  restarts: number;
  lastError?: { code?: string; message?: string };
}

const REQUEST_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 250;

export class DaemonApi {
  constructor(readonly socketPath: string) {}

  call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const contentType = Buffer.isBuffer(body) ? 'application/x-tar' : 'application/json';
    return new Promise((resolve, reject) => {
      const req = request({
        socketPath: this.socketPath, method, path, timeout: REQUEST_TIMEOUT_MS,
        headers: payload ? { 'content-type': contentType, 'content-length': payload.length } : {},
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try { json = JSON.parse(text); } catch { json = undefined; } // not JSON (ping, streams): body has it
          resolve({ status: res.statusCode ?? 0, body: text, json });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like call(), but a status outside 2xx is an error quoting the daemon's message. */
  async ok(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const answer = await this.call(method, path, body);
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${answer.json?.message ?? answer.body}`);
    }
    return answer;
  }

  async plugins(): Promise<PluginListing[]> {
    return (await this.ok('GET', '/hookd/plugins')).json.Plugins as PluginListing[];
  }

  /** Polls /_ping until the daemon answers, or fails after `timeoutMs` with the last error. */
  async waitForDaemon(timeoutMs: number): Promise<void> {
    let last = 'no attempt';
    await pollUntil(timeoutMs, async () => {
      try {
        const answer = await this.call('GET', '/_ping');
        last = `answered ${answer.status}`;
        return answer.status === 200;
      } catch (error) {
        last = (error as Error).message;
        return false;
      }
    }, () => `the daemon did not answer on ${this.socketPath} (${last})`);
  }

  /** Polls /hookd/plugins until `isWanted` holds for each named plugin; the error shows the states. */
  async waitForPlugins(names: string[], isWanted: (plugin: PluginListing) => boolean, what: string, timeoutMs: number): Promise<PluginListing[]> {
    let listing: PluginListing[] = [];
    await pollUntil(timeoutMs, async () => {
      listing = await this.plugins().catch(() => []);
      return names.every((name) => listing.some((plugin) => plugin.name === name && isWanted(plugin)));
    }, () => `plugins ${names.join(', ')} are not ${what}: ${describePlugins(listing)}`);
    return listing;
  }
}

export function describePlugins(listing: PluginListing[]): string {
  if (listing.length === 0) return 'no plugin listed';
  return listing.map((plugin) => `${plugin.name}=${plugin.state}${plugin.lastError?.message ? ` (${plugin.lastError.message})` : ''}`).join(', ');
}

/** Calls `check` every POLL_INTERVAL_MS until it is true; after `timeoutMs` throws describe(). */
export async function pollUntil(timeoutMs: number, check: () => Promise<boolean>, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`after ${Math.round(timeoutMs / 1000)} s, ${describe()}`);
    await sleep(POLL_INTERVAL_MS);
  }
}
