// Stopping plugins, and what happens when the host cannot stop them: a plugin that ignores
// Shutdown and SIGTERM is SIGKILLed within the grace period, a flood of output does not stall the
// host, an embedder exits by itself after stop(), and one killed with SIGKILL leaves no plugin behind.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { PluginHost } from '../../../src/host/plugin-host.ts';
import { capturedLogger, launchedManifest, REPO_ROOT } from './fixture-manifest.ts';
import { setprivPath } from '../../../src/host/parent-death.ts';
import { isAlive, recordStates } from './observe.ts';

describe('stopping plugins', { timeout: 60_000 }, () => {
  it('stops a well-behaved plugin through Shutdown and removes its socket and runtime directory', async (t) => {
    const log = capturedLogger();
    // SIGTERM would come after half the grace period (5 s): finishing well before proves it was not needed.
    const host = new PluginHost({ logger: log.logger, hostName: 'hookd-test', hostVersion: '0.0.0', stopGraceMs: 10_000 });
    t.after(() => host.stop('test over')); // in case an assertion fails before the stop under test
    const states = recordStates(host);
    const [status] = await host.start([launchedManifest('polite', 'well-behaved')]);
    const launched = log.records.find((record) => record.msg === 'plugin polite launched');
    const socketPath = String(launched?.address).slice('unix://'.length);
    assert.ok(existsSync(socketPath));

    const startedAt = Date.now();
    await host.stop('daemon stopping');
    assert.ok(Date.now() - startedAt < 4_000, 'a plugin that honours Shutdown does not wait for signals');
    assert.deepEqual(states, ['starting', 'ready', 'stopping', 'stopped']);
    assert.equal(isAlive(status!.pid!), false);
    assert.equal(existsSync(socketPath), false);
    assert.equal(existsSync(socketPath.slice(0, socketPath.lastIndexOf('/'))), false);
    assert.ok(!log.records.some((record) => /SIGKILLed|SIGTERMed/.test(String(record.msg))));
  });

  it('SIGKILLs a plugin that ignores Shutdown and SIGTERM within the grace period, and stop() resolves', async (t) => {
    const log = capturedLogger();
    const stopGraceMs = 1_000;
    const host = new PluginHost({ logger: log.logger, hostName: 'hookd-test', hostVersion: '0.0.0', stopGraceMs });
    t.after(() => host.stop('test over')); // in case an assertion fails before the stop under test
    const [status] = await host.start([launchedManifest('stubborn', 'ignores-shutdown')]);
    const startedAt = Date.now();
    await host.stop('daemon stopping');
    const elapsedMs = Date.now() - startedAt;
    assert.ok(elapsedMs >= stopGraceMs * 0.9 && elapsedMs < stopGraceMs + 2_000, `stop() took ${elapsedMs} ms`);
    assert.equal(isAlive(status!.pid!), false);
    assert.ok(log.records.some((record) => record.plugin === 'stubborn' && record.stream === 'stderr' && record.msg === 'fixture: ignoring SIGTERM'));
    assert.ok(log.records.some((record) => record.outcome === 'killed' && /stubborn did not exit after Shutdown; it was SIGKILLed/.test(String(record.msg))));
  });

  it('stays responsive and keeps serving while a plugin floods stdout and stderr', async (t) => {
    const log = capturedLogger(500);
    const host = new PluginHost({ logger: log.logger, hostName: 'hookd-test', hostVersion: '0.0.0', stopGraceMs: 2_000 });
    t.after(() => host.stop('test over'));
    const [status] = await host.start([launchedManifest('loud', 'floods-output')]);
    assert.equal(status?.state, 'ready');
    const handle = host.plugins()[0]!;
    const heapBefore = process.memoryUsage().heapUsed;

    for (let call = 0; call < 20; call += 1) {
      const timerAt = Date.now();
      const timer = sleep(20).then(() => Date.now() - timerAt);
      const reply = await handle.call('ImagePostPull', { image_ref: `image-${call}` }, { deadline: Date.now() + 5_000, hook: 'image.postPull' });
      assert.deepEqual(reply, { snapshotters: [`image-${call}`] });
      const lateMs = (await timer) - 20;
      assert.ok(lateMs < 1_000, `a 20 ms timer fired ${lateMs} ms late during the flood`);
    }
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 200 * 1024 * 1024, 'the flood is not buffered in the host');
    const lines = log.records.filter((record) => record.plugin === 'loud' && record.stream);
    assert.ok(lines.some((record) => record.truncated === true), 'long lines are cut');
  });
});

describe('an embedding process', { timeout: 60_000 }, () => {
  it('exits by itself once the host is stopped: nothing keeps the event loop alive', async (t) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/host-with-plugins.ts', '--stop-and-exit'], {
      cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const exited = once(child, 'exit');
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const { pids, states } = JSON.parse(line) as { pids: number[]; states: string[] };
    assert.deepEqual(states, ['ready', 'ready']);
    const settledAt = Date.now();
    assert.deepEqual(await exited, [0, null]);
    assert.ok(Date.now() - settledAt < 5_000, `the process lingered ${Date.now() - settledAt} ms after stop()`);
    assert.ok(pids.every((pid) => !isAlive(pid)), 'its plugins are gone too');
  });

  for (const fixture of ['well-behaved', 'ignores-shutdown']) it(`killed with SIGKILL, leaves no plugin process alive within 2 s (${fixture}: ${fixture === 'well-behaved' ? 'exits when stdin closes' : 'ignores stdin closing, so only the parent-death signal ends it'})`, { skip: fixture === 'ignores-shutdown' && !setprivPath() ? 'setpriv (util-linux) is missing' : false }, async (t) => {
    const runtimeDir = await mkdtemp(join(tmpdir(), 'hookd-killed-'));
    t.after(() => rm(runtimeDir, { recursive: true, force: true })); // a SIGKILLed host cannot clean up
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/host-with-plugins.ts', '--runtime-dir', runtimeDir, '--fixture', fixture], {
      cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const { pids, states } = JSON.parse(line) as { pids: number[]; states: string[] };
    assert.deepEqual(states, ['ready', 'ready']);
    assert.ok(pids.every((pid) => isAlive(pid)));

    child.kill('SIGKILL');
    await once(child, 'exit');
    const giveUpAt = Date.now() + 2_000;
    while (pids.some((pid) => isAlive(pid))) {
      assert.ok(Date.now() < giveUpAt, `plugins still alive 2 s after the host died: ${pids.filter((pid) => isAlive(pid)).join(', ')}`);
      await sleep(25); // polling is the point here: there is no event for another process's death
    }
  });
});
