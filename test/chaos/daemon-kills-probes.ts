// What the daemon-kill chaos test looks at from outside the daemon: HTTP on its socket (a dead
// daemon is `down`, not an error), files appearing, processes alive, and conmon monitors.

import { readFileSync, watch } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';

/** A request that has not answered in this long is hung: a failure, not `down`. */
const HUNG_AFTER_MS = 60_000;

export function send(socketPath: string, method: string, path: string, body?: string): Promise<{ status: number; body: string } | 'down'> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: { Host: 'docker', 'Content-Type': 'application/json' }, timeout: HUNG_AFTER_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', () => resolve('down'));
    });
    req.on('timeout', () => { req.destroy(); reject(new Error(`${method} ${path} hung for ${HUNG_AFTER_MS} ms`)); });
    // The daemon was killed under the request: refused, reset, or the socket file gone.
    req.on('error', (error: NodeJS.ErrnoException) => (['ECONNREFUSED', 'ECONNRESET', 'ENOENT', 'EPIPE'].includes(error.code ?? '') ? resolve('down') : reject(error)));
    req.end(body);
  });
}

/** Resolves once `dir/name` exists (fs.watch, no polling). */
export async function fileAppears(dir: string, name: string): Promise<void> {
  const watcher = watch(dir);
  try {
    const appeared = new Promise<void>((resolve) => watcher.on('change', (_event, file) => { if (file === name) resolve(); }));
    const exists = await readFile(join(dir, name)).then(() => true, () => false);
    if (!exists) await appeared;
  } finally {
    watcher.close();
  }
}

/** Alive and not a zombie. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return readStat(pid) !== 'Z';
}

function readStat(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** Pids of conmon processes whose command line names a path under `root` (this daemon's monitors). */
export async function monitorsUnder(root: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv[0]?.endsWith('conmon') && argv.some((arg) => arg.startsWith(root))) pids.push(Number(entry));
  }
  return pids;
}
