// Parking is not forever: a parked plugin is retried on a slow schedule, brought back at once by
// restart() or a reload, and a failing health check restarts a plugin without ever parking it.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';

import { PluginHost } from '../../../src/host/plugin-host.ts';
import type { PluginManifest } from '../../../src/host/types.ts';
import { capturedLogger, FIXTURES_DIR, launchedManifest, REPO_ROOT } from './fixture-manifest.ts';
import { recordStates, waitForState } from './observe.ts';

/** Exits 3 before ready until `marker` exists, then runs the well-behaved fixture. */
async function gatedManifest(t: TestContext, name: string): Promise<{ manifest: PluginManifest; open: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hookd-gate-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const marker = join(dir, 'open');
  const base = launchedManifest(name, 'well-behaved', { restart: { maxFailures: 1 } });
  const manifest: PluginManifest = {
    ...base,
    launch: { ...base.launch!, command: '/bin/sh', args: ['-c', `test -e '${marker}' || exit 3; exec '${process.execPath}' --import tsx '${FIXTURES_DIR}well-behaved.ts'`], cwd: REPO_ROOT },
  };
  return { manifest, open: () => writeFile(marker, '') };
}

function makeHost(t: TestContext, parkedRetryMs?: number): PluginHost {
  const host = new PluginHost({
    logger: capturedLogger().logger, hostName: 'hookd-test', hostVersion: '0.0.0', stopGraceMs: 2_000,
    ...(parkedRetryMs ? { parkedRetry: { initialMs: parkedRetryMs, maxMs: parkedRetryMs } } : {}),
  });
  t.after(() => host.stop('test over'));
  return host;
}

describe('parked plugins come back', { timeout: 90_000 }, () => {
  it('retries a parked plugin on its schedule, and it is ready once its cause is gone', async (t) => {
    const host = makeHost(t, 400);
    const { manifest, open } = await gatedManifest(t, 'gated');
    const [status] = await host.start([manifest]);
    assert.equal(status?.state, 'failed');
    await open();
    await waitForState(host, 'ready', 'gated'); // no restart, no reload: the schedule alone
    assert.equal(host.status()[0]?.state, 'ready');
  });

  it('restart(name) brings a parked plugin back at once; an unknown name is refused with ERR_PLUGIN_UNKNOWN', async (t) => {
    const host = makeHost(t); // the default schedule waits 30-60 s: only restart() can explain a quick return
    const { manifest, open } = await gatedManifest(t, 'gated');
    assert.equal((await host.start([manifest]))[0]?.state, 'failed');
    await open();
    const restarted = await host.restart('gated');
    assert.equal(restarted.state, 'ready');
    await assert.rejects(host.restart('nobody'), (error: Error & { code?: string }) => error.code === 'ERR_PLUGIN_UNKNOWN' && /no plugin named "nobody"/.test(error.message));
  });

  it('a reload with the same manifests revives parked plugins and leaves the others alone', async (t) => {
    const host = makeHost(t);
    const { manifest, open } = await gatedManifest(t, 'gated');
    const steady = launchedManifest('steady', 'well-behaved');
    await host.start([manifest, steady]);
    const steadyPid = host.status().find((status) => status.name === 'steady')?.pid;
    await open();
    const result = await host.reconcile([manifest, steady]);
    assert.deepEqual(result, { added: [], removed: [], replaced: [], unchanged: ['steady'], revived: ['gated'] });
    assert.equal(host.status().find((status) => status.name === 'gated')?.state, 'ready');
    assert.equal(host.status().find((status) => status.name === 'steady')?.pid, steadyPid);
  });

  it('a health check that keeps failing restarts the plugin with backoff but never parks it, even with maxFailures 1', async (t) => {
    const host = makeHost(t);
    const states = recordStates(host);
    await host.start([launchedManifest('sick', 'well-behaved', { restart: { maxFailures: 1 }, health: { intervalMs: 100, failureThreshold: 1 } })]);
    for (let round = 0; round < 2; round += 1) {
      const restarting = waitForState(host, 'restarting', 'sick');
      const readyAgain = waitForState(host, 'ready', 'sick');
      const handle = host.plugins()[0]!;
      await handle.call('DaemonPreStop', { reason: 'health:NOT_SERVING' }, { deadline: Date.now() + 5_000, hook: 'daemon.preStop' });
      await restarting;
      await readyAgain;
    }
    assert.ok(!states.includes('failed'), `states: ${states.join(' ')}`);
    assert.deepEqual(states, ['starting', 'ready', 'degraded', 'restarting', 'starting', 'ready', 'degraded', 'restarting', 'starting', 'ready']);
  });
});
