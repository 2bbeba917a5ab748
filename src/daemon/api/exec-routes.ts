// docker exec: create, start (hijacked like attach), inspect, resize (applied to a running tty
// session's terminal; a no-op otherwise).
// A tty session's stdin is never ended for a client that sends none: its process runs behind
// script(1) (runtime/terminal.ts), where EOF would be typed into the terminal; Docker's pty just
// stays open.

import { checkEngineBody } from '../validation/engine-schema/body-schema.ts';
import { parseJsonObject } from './request-body.ts';
import { hijack, MULTIPLEXED_STREAM, RAW_STREAM } from './hijack.ts';
import type { RouteDeps } from './route-deps.ts';
import { emptyResponse, jsonResponse, type RouteContext, type RouteSpec } from './route-table.ts';
import { encodeChunk } from './stream-framing.ts';
import { applyTerminalSize, parseTerminalSize } from './terminal-resize.ts';

export function execRoutes(deps: RouteDeps): RouteSpec[] {
  const { execs } = deps;
  return [
    {
      method: 'POST', path: '/containers/{name}/exec', handler: async (ctx) => {
        const config = parseJsonObject(ctx.body, 'exec config');
        checkEngineBody('ContainerExec', config, 'exec config');
        const session = execs.create(ctx.params.name as string, config);
        return jsonResponse(201, { Id: session.ID });
      },
    },
    { method: 'POST', path: '/exec/{id}/start', streaming: true, handler: (ctx) => startExec(deps, ctx) },
    { method: 'GET', path: '/exec/{id}/json', handler: async (ctx) => jsonResponse(200, execs.inspect(ctx.params.id as string)) },
    {
      method: 'POST', path: '/exec/{id}/resize', handler: async (ctx) => {
        const session = execs.get(ctx.params.id as string);
        const size = parseTerminalSize(ctx.query);
        if (session.Running && session.ProcessConfig.tty && session.Pid > 0) {
          await applyTerminalSize(session.Pid, size, ctx.logger, { container: session.ContainerID, exec: session.ID });
        }
        return emptyResponse(200);
      },
    },
  ];
}

async function startExec(deps: RouteDeps, ctx: RouteContext): Promise<undefined> {
  const id = ctx.params.id as string;
  const options = parseJsonObject(ctx.body, 'exec start config', true);
  checkEngineBody('ExecStart', options, 'exec start config');
  const session = deps.execs.get(id);
  const child = await deps.execs.start(id); // 404/409 are still answered as JSON
  const tty = session.ProcessConfig.tty;
  if (options.Detach === true) {
    child.stdout?.resume();
    child.stderr?.resume();
    if (!tty) child.stdin?.end();
    ctx.res.writeHead(200, { 'Content-Length': '0' });
    ctx.res.end();
    return undefined;
  }
  const streams = hijack(ctx, tty ? RAW_STREAM : MULTIPLEXED_STREAM);
  const forward = (stream: 'stdout' | 'stderr') => (chunk: Buffer): void => {
    if (stream === 'stdout' ? session.OpenStdout : session.OpenStderr) streams.output.write(encodeChunk(stream, chunk, tty));
  };
  child.stdout?.on('data', forward('stdout'));
  child.stderr?.on('data', forward('stderr'));
  if (session.OpenStdin && child.stdin) {
    const stdin = child.stdin;
    streams.input.on('data', (chunk: Buffer) => { stdin.write(chunk); });
    streams.input.once('end', () => stdin.end());
    stdin.on('error', () => undefined); // the process may exit before reading its stdin; EPIPE is expected then
    streams.input.resume();
  } else if (!tty) {
    child.stdin?.end();
  }
  await new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
    ctx.signal.addEventListener('abort', () => { child.kill('SIGKILL'); resolve(); }, { once: true });
  });
  streams.end();
  return undefined;
}
