// A raw Docker Engine API client over a unix socket (node:http, no library): the same requests go
// to hookd and to a private dockerd, so the benchmark compares engines, not clients.

import { request } from 'node:http';

export interface EngineReply {
  status: number;
  body: string;
}

export class EngineClient {
  readonly socketPath: string;

  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  call(method: string, path: string, body?: unknown): Promise<EngineReply> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request({
        socketPath: this.socketPath, method, path,
        headers: { Host: 'docker', ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  async ok(method: string, path: string, body?: unknown): Promise<string> {
    const reply = await this.call(method, path, body);
    if (reply.status >= 300 && reply.status !== 304) throw new Error(`${method} ${path} → ${reply.status}: ${reply.body.slice(0, 300)}`);
    return reply.body;
  }

  /** Resolves once the engine answers /_ping (after a start or restart). */
  async untilPing(): Promise<void> {
    for (;;) {
      const answered = await this.call('GET', '/_ping').then((r) => r.status === 200, () => false);
      if (answered) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/**
 * Resolves once a restarted daemon answers /_ping; rejects if its process exits first (a daemon
 * that cannot start, e.g. dist/ rebuilt under it, would otherwise keep untilPing polling forever).
 */
export async function pingOrExit(daemon: { socketPath: string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }): Promise<void> {
  let isSettled = false; // a later, ordinary stop of the daemon must not reject anything
  const exited = daemon.exited.then((exit) => {
    if (!isSettled) throw new Error(`the daemon exited (${exit.signal ?? `code ${exit.code}`}) before /_ping answered`);
  });
  try {
    await Promise.race([new EngineClient(daemon.socketPath).untilPing(), exited]);
  } finally {
    isSettled = true;
  }
}
