// Forwards a launched plugin's stdout and stderr into the daemon's log, line by line, under the
// plugin's name. Readiness never depends on output (DESIGN §2), so this only has to be safe:
// it always drains the pipe (a plugin blocked on a full pipe would look hung), caps every line,
// and rate-limits a flood so the daemon's log and event loop stay usable.

import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

import type { Level, Logger } from 'pino';

export interface ForwardOptions {
  stream: 'stdout' | 'stderr';
  /** Longer lines are cut here and marked `truncated`; the rest of the line is dropped. */
  maxLineChars?: number;
  /** Lines logged per second; the excess is counted and reported once per second. */
  maxLinesPerSecond?: number;
  /** How many recent lines tail() keeps (stderr: quoted in ERR_PLUGIN_EXITED). */
  tailLines?: number;
  /** Injected clock for tests. */
  now?: () => number;
}

export interface OutputForwarder {
  /** The last lines seen (logged or dropped), joined with " | ", capped per line. */
  tail(): string;
}

const DEFAULT_MAX_LINE_CHARS = 8 * 1024;
const DEFAULT_MAX_LINES_PER_SECOND = 200;
const DEFAULT_TAIL_LINES = 5;
const TAIL_LINE_CHARS = 300;

const PINO_LEVELS: ReadonlyArray<[number, Level]> = [[60, 'fatal'], [50, 'error'], [40, 'warn'], [30, 'info'], [20, 'debug'], [10, 'trace']];
const NAMED_LEVELS = new Set<string>(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
// Keys of a pino/bunyan line that the daemon's own logger sets again.
// `plugin` and `stream` are dropped because the child logger already binds them: the manifest's
// name is the one operators know, and pino would otherwise print the key twice.
const DROPPED_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'message', 'v', 'plugin', 'stream']);

/** Starts forwarding `readable` to `logger.child({plugin, stream})`; runs until the stream ends. */
export function forwardOutput(readable: Readable, logger: Logger, plugin: string, options: ForwardOptions): OutputForwarder {
  const child = logger.child({ plugin, stream: options.stream });
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const limiter = createRateLimiter(options.maxLinesPerSecond ?? DEFAULT_MAX_LINES_PER_SECOND, options.now ?? Date.now);
  const tailSize = options.tailLines ?? DEFAULT_TAIL_LINES;
  const tail: string[] = [];
  const fallbackLevel: Level = options.stream === 'stderr' ? 'warn' : 'info';
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let isTruncated = false;

  const pushTail = (line: string) => {
    if (line.length === 0) return;
    tail.push(line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS)}…` : line);
    if (tail.length > tailSize) tail.shift();
  };

  const emitLine = (line: string, truncated: boolean) => {
    if (line.length === 0 && !truncated) return;
    pushTail(line);
    const dropped = limiter.take();
    if (dropped > 0) child.warn({ droppedLines: dropped }, `plugin ${plugin} wrote too fast on ${options.stream}; ${dropped} lines were not logged`);
    if (!limiter.isAllowed) return;
    logLine(child, line, truncated, fallbackLevel);
  };

  const onText = (text: string) => {
    if (limiter.isExhausted()) {
      skimText(text);
      return;
    }
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      appendPartial(text.slice(start, newline));
      emitLine(partial.replace(/\r$/, ''), isTruncated);
      partial = '';
      isTruncated = false;
      start = newline + 1;
    }
    appendPartial(text.slice(start));
  };

  // While the window's budget is spent, a flood costs only a newline count per chunk: no line
  // is cut out except the last complete one, for the tail.
  const skimText = (text: string) => {
    const lastNewline = text.lastIndexOf('\n');
    if (lastNewline === -1) {
      appendPartial(text);
      return;
    }
    let lines = 0;
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lines += 1;
    limiter.drop(lines);
    const lineStart = text.lastIndexOf('\n', lastNewline - 1) + 1;
    const lastLine = lineStart === 0 ? partial + text.slice(0, lastNewline) : text.slice(lineStart, lastNewline);
    pushTail(lastLine.slice(0, maxLineChars).replace(/\r$/, ''));
    partial = '';
    isTruncated = false;
    appendPartial(text.slice(lastNewline + 1));
  };

  const appendPartial = (piece: string) => {
    if (isTruncated || piece.length === 0) return;
    const room = maxLineChars - partial.length;
    if (piece.length > room) {
      partial += piece.slice(0, room);
      isTruncated = true;
    } else {
      partial += piece;
    }
  };

  readable.on('data', (chunk: Buffer | string) => onText(typeof chunk === 'string' ? chunk : decoder.write(chunk)));
  readable.on('end', () => {
    onText(decoder.end());
    if (partial.length > 0 || isTruncated) emitLine(partial, isTruncated);
    const dropped = limiter.flush();
    if (dropped > 0) child.warn({ droppedLines: dropped }, `plugin ${plugin} wrote too fast on ${options.stream}; ${dropped} lines were not logged`);
  });
  // A read error means the pipe is gone, which the exit handling reports; nothing to add here.
  readable.on('error', (error) => child.debug({ err: error }, 'plugin output stream failed'));

  return { tail: () => tail.join(' | ') };
}

function logLine(logger: Logger, line: string, truncated: boolean, fallbackLevel: Level): void {
  const parsed = !truncated && line.startsWith('{') ? parseJsonLine(line) : undefined;
  if (parsed) {
    logger[parsed.level](parsed.fields, parsed.message);
    return;
  }
  if (truncated) logger[fallbackLevel]({ truncated: true }, line);
  else logger[fallbackLevel](line);
}

interface ParsedLine {
  level: Level;
  message: string;
  fields: Record<string, unknown>;
}

/** A JSON log line keeps its level (pino numbers or names) and its fields; anything else is text. */
export function parseJsonLine(line: string): ParsedLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined; // not JSON after all: logged as plain text by the caller
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const level = levelOf(record.level);
  if (!level) return undefined;
  const message = typeof record.msg === 'string' ? record.msg : typeof record.message === 'string' ? record.message : '';
  const fields: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(record)) if (!DROPPED_KEYS.has(key)) fields[key] = field;
  return { level, message, fields };
}

function levelOf(value: unknown): Level | undefined {
  if (typeof value === 'number') return PINO_LEVELS.find(([threshold]) => value >= threshold)?.[1] ?? 'trace';
  if (typeof value !== 'string') return undefined;
  const name = value.toLowerCase() === 'warning' ? 'warn' : value.toLowerCase();
  return NAMED_LEVELS.has(name) ? (name as Level) : undefined;
}

interface RateLimiter {
  /** Counts one line; returns the number dropped in the window that just closed, if any. */
  take(): number;
  /** Whether the line just counted may be logged. */
  readonly isAllowed: boolean;
  /** Whether this window's budget is spent (the window has not yet rolled over). */
  isExhausted(): boolean;
  /** Counts `lines` dropped without being looked at. */
  drop(lines: number): void;
  /** Returns (and forgets) lines dropped in the current window. */
  flush(): number;
}

function createRateLimiter(perSecond: number, now: () => number): RateLimiter {
  let windowStart = now();
  let used = 0;
  let dropped = 0;
  let isAllowed = true;
  return {
    take() {
      let closedWindowDrops = 0;
      const time = now();
      if (time - windowStart >= 1000) {
        closedWindowDrops = dropped;
        windowStart = time;
        used = 0;
        dropped = 0;
      }
      used += 1;
      isAllowed = used <= perSecond;
      if (!isAllowed) dropped += 1;
      return closedWindowDrops;
    },
    get isAllowed() {
      return isAllowed;
    },
    isExhausted() {
      return used >= perSecond && now() - windowStart < 1000;
    },
    drop(lines) {
      dropped += lines;
    },
    flush() {
      const count = dropped;
      dropped = 0;
      return count;
    },
  };
}
