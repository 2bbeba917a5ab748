// Reading a container's json-file log (the runtime's shim appends {"log","stream","time"} lines):
// the whole log for `docker logs`, and a live tail for `logs -f` and attach.

import { watch, type FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  log: string;
  time: string;
}

/** Safety net for filesystems where fs.watch misses appends (network mounts, some overlays). */
const POLL_INTERVAL_MS = 250;

export function parseLogLines(text: string): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = JSON.parse(line) as Partial<LogEntry>;
      if (typeof parsed.log === 'string') {
        entries.push({ stream: parsed.stream === 'stderr' ? 'stderr' : 'stdout', log: parsed.log, time: parsed.time ?? '' });
      }
    } catch {
      continue; // a torn last line from a crash: the shim rewrites nothing, so skipping it is all we can do
    }
  }
  return entries;
}

export async function logSize(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}

/** Reads complete lines from `offset`; returns the entries and the offset after the last newline. */
export async function readLogFrom(path: string, offset: number): Promise<{ entries: LogEntry[]; offset: number }> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return { entries: [], offset };
  try {
    const { size } = await handle.stat();
    if (size < offset) offset = 0; // the log was truncated or replaced: start over
    if (size === offset) return { entries: [], offset };
    const buffer = Buffer.alloc(size - offset);
    await handle.read(buffer, 0, buffer.length, offset);
    const lastNewline = buffer.lastIndexOf(0x0a);
    if (lastNewline < 0) return { entries: [], offset };
    return { entries: parseLogLines(buffer.subarray(0, lastNewline).toString('utf8')), offset: offset + lastNewline + 1 };
  } finally {
    await handle.close();
  }
}

export interface TailOptions {
  fromOffset: number;
  /** Graceful end (the container exited): read what is left, then stop. */
  until: AbortSignal;
  /** Immediate end (the client went away). */
  signal: AbortSignal;
}

export async function* tailLog(path: string, options: TailOptions): AsyncGenerator<LogEntry> {
  let offset = options.fromOffset;
  let wake: (() => void) | undefined;
  const poke = (): void => { wake?.(); };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), (_event, file) => { if (!file || file === basename(path)) poke(); });
    watcher.on('error', poke);
  } catch {
    watcher = undefined; // no directory yet or no inotify: the poll below still finds new lines
  }
  options.until.addEventListener('abort', poke);
  options.signal.addEventListener('abort', poke);
  try {
    while (!options.signal.aborted) {
      const finishing = options.until.aborted;
      const next = await readLogFrom(path, offset);
      offset = next.offset;
      for (const entry of next.entries) {
        if (options.signal.aborted) return;
        yield entry;
      }
      if (finishing) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_INTERVAL_MS);
        wake = () => { clearTimeout(timer); resolve(); };
      });
      wake = undefined;
    }
  } finally {
    watcher?.close();
    options.until.removeEventListener('abort', poke);
    options.signal.removeEventListener('abort', poke);
  }
}
