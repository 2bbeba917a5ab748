// Reading a container's log: the whole log for `docker logs`, and a live tail for `logs -f` and
// attach. Two line formats, told apart per line (docs/daemon.md "Logs"):
//   CRI (conmon, the OCI runtimes): `<RFC3339Nano time> <stdout|stderr> <P|F> <text>`, where F
//     ends a line (its newline was stripped) and P is a piece of a longer or unfinished line
//     (conmon writes what the container wrote so far, e.g. a shell prompt);
//   Docker json-file (the process runtime's shim): {"log","stream","time"}, the newline kept.
// Each becomes a LogEntry whose `log` carries its own newline, so writing entries one after the
// other gives back the container's bytes. P pieces followed by their F in the same read are
// joined into one entry, so `--tail` and `--timestamps` count and stamp whole lines.

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
const CRI_LINE = /^(\S+) (stdout|stderr) ([PF])(?: (.*))?$/s;

export function parseLogLines(text: string): LogEntry[] {
  const entries: LogEntry[] = [];
  let partial: LogEntry | undefined; // P pieces waiting for the rest of their line
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseLine(line);
    if (!entry) continue;
    const joined = partial && partial.stream === entry.entry.stream
      ? { ...partial, log: partial.log + entry.entry.log }
      : entry.entry;
    if (partial && joined === entry.entry) entries.push(partial); // a piece of the other stream
    if (entry.isPartial) partial = joined;
    else {
      entries.push(joined);
      partial = undefined;
    }
  }
  if (partial) entries.push(partial);
  return entries;
}

function parseLine(line: string): { entry: LogEntry; isPartial: boolean } | undefined {
  if (line.startsWith('{')) {
    try {
      const parsed = JSON.parse(line) as Partial<LogEntry>;
      if (typeof parsed.log !== 'string') return undefined;
      return { entry: { stream: parsed.stream === 'stderr' ? 'stderr' : 'stdout', log: parsed.log, time: parsed.time ?? '' }, isPartial: false };
    } catch {
      return undefined; // a torn last line from a crash: nothing rewrites it, so skipping it is all we can do
    }
  }
  const match = CRI_LINE.exec(line);
  if (!match) return undefined;
  const isPartial = match[3] === 'P';
  const stream = match[2] === 'stderr' ? 'stderr' : 'stdout';
  // conmon writes UTC as "+00:00"; Docker's RFC3339Nano (what --timestamps prints) says "Z".
  const time = match[1]!.replace(/\+00:00$/, 'Z');
  return { entry: { stream, log: `${match[4] ?? ''}${isPartial ? '' : '\n'}`, time }, isPartial };
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
