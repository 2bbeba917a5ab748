// Docker health checks through the real docker CLI against a real daemon (runc under conmon):
// --health-cmd and an image's HEALTHCHECK run as execs in the container, State.Health in inspect
// (status, failing streak, the last 5 results), `health_status` events, the `docker ps` suffix,
// --no-healthcheck, probe timeouts, the checks stopping on stop and rm, and resuming where they
// were after a daemon SIGKILL. Every wait is on an event or a log line, never a sleep.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir, type LogLine } from './daemon-process.ts';
import { ociRuntimeMissingReason } from './daemon-per-runtime.ts';

const IMAGE = 'busybox:health';
/** The same rootfs with a HEALTHCHECK that passes once /tmp/ok exists. */
const CHECKED_IMAGE = 'busybox:checked';

let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess | undefined;
let skipReason: string | undefined;

interface HealthView { Status: string; FailingStreak: number; Log: Array<{ ExitCode: number; Output: string; Start: string; End: string }> }
interface Inspected { State: { Status: string; Health?: HealthView }; Config: { Healthcheck?: { Test?: string[]; Interval?: number; Retries?: number } } }

before(async () => {
  work = await makeWorkDir();
  skipReason = (await dockerCliMissingReason()) ?? (await ociRuntimeMissingReason('runc'));
  const tarball = skipReason ? undefined : await buildBusyboxRootfsTarball(work.dir);
  if (!skipReason && tarball === undefined) skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
  if (skipReason) {
    console.log(`# skipping the health check e2e tests: ${skipReason}`);
    return;
  }
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc' } });
  for (const [image, changes] of [[IMAGE, []], [CHECKED_IMAGE, ['--change', 'HEALTHCHECK --interval=500ms --retries=1 CMD ["cat", "/tmp/ok"]']]] as const) {
    const imported = await daemon.cli(['import', ...changes, tarball!, image]);
    assert.equal(imported.exitCode, 0, imported.stderr);
  }
});

after(async () => {
  if (daemon && daemon.exitInfo === undefined) {
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true });
    await daemon.stop();
  }
  await work?.remove();
});

async function run(args: string[]): Promise<string> {
  const result = await daemon!.cli(['run', '-d', ...args]);
  assert.equal(result.exitCode, 0, result.stderr);
  return result.stdout.trim();
}

async function inspect(id: string): Promise<Inspected> {
  return await daemon!.docker().getContainer(id).inspect() as unknown as Inspected;
}

/** Events of one container from now on, and a way to wait for the first that matches. */
async function watchEvents(id: string): Promise<{ actions: string[]; waitFor(action: string | RegExp, count?: number): Promise<void>; close(): void }> {
  const stream = await daemon!.docker().getEvents({ filters: { container: [id] } }) as NodeJS.ReadableStream & { destroy(): void };
  const actions: string[] = [];
  const waiters = new Set<() => void>();
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim()) actions.push((JSON.parse(line) as { Action: string }).Action);
    for (const wake of [...waiters]) wake();
  });
  const matches = (action: string | RegExp) => (seen: string): boolean => (typeof action === 'string' ? seen === action : action.test(seen));
  return {
    actions,
    async waitFor(action, count = 1) {
      while (actions.filter(matches(action)).length < count) {
        if (daemon!.exitInfo) throw new Error(`the daemon exited while waiting for ${String(action)}`);
        await new Promise<void>((resolve) => { waiters.add(resolve); stream.once('end', resolve); });
        waiters.clear();
      }
    },
    close: () => stream.destroy(),
  };
}

function stoppedLog(id: string) {
  return (line: LogLine): boolean => line.msg === 'health checks stopped' && line.container === id;
}

test('a passing --health-cmd makes the container healthy: inspect, ps and a health_status event say so', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const id = await run(['--health-cmd', 'echo fine', '--health-interval', '300ms', IMAGE, 'sleep', '300']);
  const events = await watchEvents(id);
  const early = await inspect(id);
  // Until the first probe the container is starting (it may already be healthy on a fast machine).
  assert.ok(['starting', 'healthy'].includes(early.State.Health!.Status));
  await events.waitFor('health_status: healthy');
  events.close();
  const health = (await inspect(id)).State.Health!;
  assert.equal(health.Status, 'healthy');
  assert.equal(health.FailingStreak, 0);
  assert.equal(health.Log.at(-1)!.ExitCode, 0);
  assert.equal(health.Log.at(-1)!.Output, 'fine\n');
  assert.ok(events.actions.some((action) => action.startsWith('exec_start: /bin/sh -c echo fine')), events.actions.join(', '));
  const ps = await daemon.cli(['ps', '--filter', `id=${id}`, '--format', '{{.Status}}']);
  assert.match(ps.stdout, /^Up .* \(healthy\)$/m);
});

test('a failing check makes it unhealthy after Retries failures in a row, and Log keeps the last 5 results', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const id = await run(['--health-cmd', 'echo broken >&2; exit 3', '--health-interval', '200ms', '--health-retries', '2', IMAGE, 'sleep', '300']);
  const events = await watchEvents(id);
  await events.waitFor('health_status: unhealthy');
  // exec_die goes out before its result is recorded; the next probe starts only after: 7 of them, 6 results.
  await events.waitFor('exec_die', 7);
  events.close();
  const inspected = await inspect(id);
  const health = inspected.State.Health!;
  assert.equal(health.Status, 'unhealthy');
  assert.ok(health.FailingStreak >= 6, `FailingStreak ${health.FailingStreak}`);
  assert.equal(health.Log.length, 5);
  for (const entry of health.Log) assert.deepEqual([entry.ExitCode, entry.Output], [3, 'broken\n']);
  assert.deepEqual(inspected.Config.Healthcheck!.Test, ['CMD-SHELL', 'echo broken >&2; exit 3']);
  assert.equal(inspected.Config.Healthcheck!.Retries, 2);
  const ps = await daemon.cli(['ps', '--filter', `id=${id}`, '--format', '{{.Status}}']);
  assert.match(ps.stdout, /\(unhealthy\)$/m);
});

test('a probe that outlives its timeout fails with exit code -1 and says so', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const id = await run(['--health-cmd', 'sleep 30', '--health-interval', '200ms', '--health-timeout', '300ms', '--health-retries', '1', IMAGE, 'sleep', '300']);
  const events = await watchEvents(id);
  await events.waitFor('health_status: unhealthy');
  events.close();
  const last = (await inspect(id)).State.Health!.Log.at(-1)!;
  assert.equal(last.ExitCode, -1);
  assert.equal(last.Output, 'Health check exceeded timeout (300ms)');
});

test("an image's HEALTHCHECK is inherited, turns healthy when its test passes, and --no-healthcheck disables it", async (t) => {
  if (!daemon) return t.skip(skipReason);
  const id = await run([CHECKED_IMAGE, 'sleep', '300']);
  const events = await watchEvents(id);
  const config = (await inspect(id)).Config.Healthcheck!;
  assert.deepEqual(config.Test, ['CMD', 'cat', '/tmp/ok']);
  assert.equal(config.Interval, 500_000_000);
  await events.waitFor('health_status: unhealthy');
  const touched = await daemon.cli(['exec', id, 'touch', '/tmp/ok']);
  assert.equal(touched.exitCode, 0, touched.stderr);
  await events.waitFor('health_status: healthy');
  events.close();
  assert.equal((await inspect(id)).State.Health!.FailingStreak, 0);

  const unchecked = await run(['--no-healthcheck', CHECKED_IMAGE, 'sleep', '300']);
  const view = await inspect(unchecked);
  assert.deepEqual(view.Config.Healthcheck!.Test, ['NONE']);
  assert.equal(view.State.Health, undefined);
  const ps = await daemon.cli(['ps', '--filter', `id=${unchecked}`, '--format', '{{.Status}}']);
  assert.doesNotMatch(ps.stdout, /health/);
});

test('checks stop with the container (unhealthy, as Docker reports a stopped check) and with rm', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const id = await run(['--health-cmd', 'true', '--health-interval', '200ms', IMAGE, 'sleep', '300']);
  const events = await watchEvents(id);
  await events.waitFor('health_status: healthy');
  let from = daemon.logs.length;
  assert.equal((await daemon.cli(['stop', '-t', '0', id])).exitCode, 0);
  await daemon.waitForLog(stoppedLog(id), from, 'the checks to stop');
  assert.equal((await inspect(id)).State.Health!.Status, 'unhealthy');

  // A new start begins again at `starting` and becomes healthy again.
  const healthyBefore = events.actions.filter((action) => action === 'health_status: healthy').length;
  assert.equal((await daemon.cli(['start', id])).exitCode, 0);
  await events.waitFor('health_status: healthy', healthyBefore + 1);
  events.close();
  from = daemon.logs.length;
  assert.equal((await daemon.cli(['rm', '-f', id])).exitCode, 0);
  await daemon.waitForLog(stoppedLog(id), from, 'the checks to stop on rm');
});

test('after a daemon SIGKILL the checks of running containers resume with their recorded state', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const id = await run(['--health-cmd', 'exit 1', '--health-interval', '200ms', '--health-retries', '1', IMAGE, 'sleep', '300']);
  const events = await watchEvents(id);
  await events.waitFor('health_status: unhealthy');
  events.close();
  await daemon.stop('SIGKILL');
  await daemon.spawn();
  await daemon.listening();
  await daemon.waitForLog((line) => line.msg === 'health checks started' && line.container === id && line.resumed === true, 0, 'the checks to resume');
  const after = await watchEvents(id);
  // exec_die goes out before its result is recorded: after 3 of them at least 2 results are in.
  await after.waitFor('exec_die', 3);
  after.close();
  const health = (await inspect(id)).State.Health!;
  assert.equal(health.Status, 'unhealthy');
  assert.ok(health.FailingStreak >= 3, `FailingStreak ${health.FailingStreak} continues the recorded streak`);
});
