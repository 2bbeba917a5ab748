// Container routes that stream: wait (headers at once, the body when the condition is met),
// logs (with follow) and attach (hijacked: output live from the log, stdin to the container).

import type { Readable, Writable } from 'node:stream';
import type { ContainerManager, WaitCondition } from '../containers/container-manager.ts';
import type { ContainerRecord } from '../containers/container-record.ts';
import { readLogFrom, tailLog, type LogEntry } from '../containers/log-reader.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';
import { attachStallTimeoutMs, guardAttach } from './attach-guard.ts';
import { badRequest } from './errors.ts';
import { hijack, MULTIPLEXED_STREAM, RAW_STREAM } from './hijack.ts';
import { parseBooleanQuery, type RouteDeps } from './route-deps.ts';
import type { RouteContext, RouteSpec } from './route-table.ts';
import { encodeChunk } from './stream-framing.ts';

const WAIT_CONDITIONS: WaitCondition[] = ['not-running', 'next-exit', 'removed'];

export function containerStreamRoutes(deps: RouteDeps): RouteSpec[] {
  return [
    { method: 'POST', path: '/containers/{name}/wait', streaming: true, handler: (ctx) => waitRoute(deps.containers, ctx) },
    { method: 'GET', path: '/containers/{name}/logs', streaming: true, handler: (ctx) => logsRoute(deps.containers, ctx) },
    { method: 'POST', path: '/containers/{name}/attach', streaming: true, streamsBody: true, handler: (ctx) => attachRoute(deps, ctx) },
  ];
}

async function waitRoute(containers: ContainerManager, ctx: RouteContext): Promise<undefined> {
  const condition = (ctx.query.get('condition') || 'not-running') as WaitCondition;
  if (!WAIT_CONDITIONS.includes(condition)) throw badRequest(`invalid condition ${JSON.stringify(condition)}: use one of ${WAIT_CONDITIONS.join(', ')}`);
  const waiting = containers.wait(ctx.params.name as string, condition, ctx.signal); // 404 before any header
  // Docker sends the headers at once: `docker run` waits for them before it starts the container.
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.flushHeaders();
  try {
    const result = await waiting;
    ctx.res.end(`${JSON.stringify({ StatusCode: result.StatusCode, Error: null })}\n`);
  } catch {
    ctx.res.destroy(); // the client left
  }
  return undefined;
}

interface LogQuery {
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
  tail: number | undefined;
  sinceMs: number | undefined;
  untilMs: number | undefined;
}

async function logsRoute(containers: ContainerManager, ctx: RouteContext): Promise<undefined> {
  const record = containers.get(ctx.params.name as string);
  const query = parseLogQuery(ctx.query);
  const follow = parseBooleanQuery(ctx.query.get('follow'));
  const tty = record.Config.Tty === true;
  const res = ctx.res;
  res.writeHead(200, { 'Content-Type': tty ? RAW_STREAM : MULTIPLEXED_STREAM });
  res.flushHeaders();
  const write = (entry: LogEntry): void => { writeEntry(res, entry, query, tty); };

  const ended = untilExit(containers, record);
  const { entries, offset } = await readLogFrom(record.LogPath, 0);
  const selected = entries.filter((entry) => selects(entry, query));
  for (const entry of query.tail === undefined ? selected : selected.slice(Math.max(0, selected.length - query.tail))) write(entry);
  if (follow && query.untilMs === undefined) {
    for await (const entry of tailLog(record.LogPath, { fromOffset: offset, until: ended.signal, signal: ctx.signal })) {
      if (selects(entry, query)) write(entry);
    }
  }
  ended.dispose();
  if (!res.writableEnded) res.end();
  return undefined;
}

function parseLogQuery(params: URLSearchParams): LogQuery {
  const stdout = parseBooleanQuery(params.get('stdout'));
  const stderr = parseBooleanQuery(params.get('stderr'));
  if (!stdout && !stderr) throw badRequest('Bad parameters: you must choose at least one stream');
  const tailRaw = params.get('tail');
  let tail: number | undefined;
  if (tailRaw !== null && tailRaw !== '' && tailRaw !== 'all') {
    tail = Number(tailRaw);
    if (!Number.isInteger(tail) || tail < 0) throw badRequest(`invalid tail parameter: ${JSON.stringify(tailRaw)}`);
  }
  const time = (name: string): number | undefined => {
    const raw = params.get(name);
    if (raw === null || raw === '' || raw === '0') return undefined;
    const seconds = Number(raw);
    if (!Number.isFinite(seconds)) throw badRequest(`invalid ${name} parameter: ${JSON.stringify(raw)}`);
    return seconds * 1000;
  };
  return { stdout, stderr, timestamps: parseBooleanQuery(params.get('timestamps')), tail, sinceMs: time('since'), untilMs: time('until') };
}

function selects(entry: LogEntry, query: LogQuery): boolean {
  if (entry.stream === 'stdout' ? !query.stdout : !query.stderr) return false;
  const at = Date.parse(entry.time);
  if (query.sinceMs !== undefined && at < query.sinceMs) return false;
  return query.untilMs === undefined || at <= query.untilMs;
}

function writeEntry(out: Writable, entry: LogEntry, query: Pick<LogQuery, 'timestamps'>, tty: boolean): void {
  const text = query.timestamps ? `${entry.time} ${entry.log}` : entry.log;
  out.write(encodeChunk(entry.stream, Buffer.from(text), tty));
}

/** An AbortSignal that fires when the container next exits (or is removed), or at once if it is not running. */
function untilExit(containers: ContainerManager, record: ContainerRecord, afterStart = false): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onEnd = (id: string): void => { if (id === record.Id) controller.abort(); };
  containers.lifecycle.on('exit', onEnd);
  containers.lifecycle.on('destroy', onEnd);
  if (!afterStart && !record.State.Running && !record.State.Restarting) controller.abort();
  return {
    signal: controller.signal,
    dispose() {
      containers.lifecycle.off('exit', onEnd);
      containers.lifecycle.off('destroy', onEnd);
    },
  };
}

/**
 * Attach: hijack the connection, optionally replay the log (logs=1), then stream new output until
 * the container exits. A container that is not running yet (docker run, docker start -a) is
 * streamed from its start. stdin is piped once the container runs, if it was created with OpenStdin.
 */
async function attachRoute(deps: RouteDeps, ctx: RouteContext): Promise<undefined> {
  const record = deps.containers.get(ctx.params.name as string);
  const wants = (name: string): boolean => parseBooleanQuery(ctx.query.get(name));
  const query = { stdout: wants('stdout'), stderr: wants('stderr'), timestamps: false, tail: undefined, sinceMs: undefined, untilMs: undefined };
  const tty = record.Config.Tty === true;
  const ended = untilExit(deps.containers, record, !record.State.Running);
  const streams = hijack(ctx, tty ? RAW_STREAM : MULTIPLEXED_STREAM);
  const hasStdin = wants('stdin') && record.Config.OpenStdin === true;
  // A client gone or not reading must not hold the connection until the container exits.
  const guard = guardAttach(streams, {
    isMultiplexed: !tty, hasStdin, stallTimeoutMs: attachStallTimeoutMs(),
    onDropped: (reason) => ctx.logger.info({ container: record.Id, reason }, 'attach dropped'),
  });
  const signal = AbortSignal.any([ctx.signal, guard.signal]);
  const send = (entry: LogEntry): Promise<void> => guard.write(encodeChunk(entry.stream, Buffer.from(entry.log), tty));
  try {
    const { entries, offset } = await readLogFrom(record.LogPath, 0);
    if (wants('logs')) for (const entry of entries) if (selects(entry, query)) await send(entry);
    if (hasStdin) {
      void pipeStdin(deps.containers, deps.runtime, record, streams.input, signal)
        .catch((error: unknown) => ctx.logger.warn({ err: error, container: record.Id }, 'attach stdin failed'));
    }
    if (wants('stream') && !signal.aborted) {
      for await (const entry of tailLog(record.LogPath, { fromOffset: offset, until: ended.signal, signal })) {
        if (selects(entry, query)) await send(entry);
      }
    }
  } finally {
    ended.dispose();
    guard.dispose();
    streams.end();
    ctx.logger.debug({ container: record.Id }, 'attach ended');
  }
  return undefined;
}

async function pipeStdin(containers: ContainerManager, runtime: ContainerRuntime, record: ContainerRecord, input: Readable, signal: AbortSignal): Promise<void> {
  if (!record.State.Running) {
    const started = await containers.lifecycle.next(record.Id, ['start'], signal).then(() => true, () => false);
    if (!started) return;
  }
  const target = await runtime.openStdin(record.Id, record.hookd.stateDir);
  if (!target) return; // no stdin any more: a StdinOnce container's first attach closed it
  // This attach's writer closes when its client's stdin ends or the client goes; the shim decides
  // what that means: the container's stdin is closed for StdinOnce, kept for the next attach otherwise.
  // EPIPE: the container's stdin is gone (it exited); its exit ends this attach anyway.
  target.on('error', () => input.unpipe(target));
  input.once('close', () => target.end());
  input.pipe(target);
}
