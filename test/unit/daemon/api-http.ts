// A tiny HTTP client over a unix socket for the API tests (no Docker client in between, so the
// tests see the exact status, headers and bytes).

import { tempDirRemovedAtExit } from '../../fixtures/temp-dir.ts';
import { request } from 'node:http';
import { join } from 'node:path';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json(): unknown;
}

export function call(socketPath: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const data = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, json: () => JSON.parse(data.toString('utf8')) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function tempSocketPath(): Promise<string> {
  return join(tempDirRemovedAtExit('hookd-api-'), 'hookd.sock');
}
