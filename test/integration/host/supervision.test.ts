// Supervision after ready: crashes restart with backoff, failing health checks degrade and then
// restart, and the crash-loop count forgets failures after a stable stretch.

import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { isHookdError } from '../../../src/host/errors.ts';
import { PluginHost } from '../../../src/host/plugin-host.ts';
import type { PluginHandle, PluginManifest } from '../../../src/host/types.ts';
import { capturedLogger, launchedManifest } from './fixture-manifest.ts';
import { isAlive, recordStates, waitForState } from './observe.ts';

async function startOne(t: TestContext, manifest: PluginManifest): Promise<{ host: PluginHost; handle: PluginHandle; states: string[] }> {
  const host = new PluginHost({ logger: capturedLogger().logger, hostName: 'hookd-test', hostVersion: '0.0.0', stopGraceMs: 2_000 });
  t.after(() => host.stop('test over'));
  const states = recordStates(host);
  const [status] = await host.start([manifest]);
  assert.equal(status?.state, 'ready');
  return { host, handle: host.plugins()[0]!, states };
}

function pull(handle: PluginHandle, imageRef = 'busybox', timeoutMs = 5_000) {
  return handle.call('ImagePostPull', { image_ref: imageRef }, { deadline: Date.now() + timeoutMs, hook: 'image.postPull' });
}

/** Tells the well-behaved fixture how to answer health checks ("NOT_SERVING", "fail:2", ...). */
function setHealth(handle: PluginHandle, how: string) {
  return handle.call('DaemonPreStop', { reason: `health:${how}` }, { deadline: Date.now() + 5_000, hook: 'daemon.preStop' });
}

describe('supervision of a ready plugin', { timeout: 90_000 }, () => {
  it('restarts a plugin that crashes after ready, with backoff, and serves again', async (t) => {
    const { host, handle, states } = await startOne(t, launchedManifest('crashy', 'crashes-after-ready', {
      restart: { initialBackoffMs: 400, maxBackoffMs: 400 },
    }));
    const firstPid = handle.status().pid!;
    const restarting = waitForState(host, 'restarting');
    const starting = waitForState(host, 'starting');
    const readyAgain = waitForState(host, 'ready');

    // The fixture crashes on every process's first call, and the 300 ms deadline ends before the
    // 400 ms backoff: the call cannot be sent again, so it fails with the crash, naming the plugin.
    await assert.rejects(pull(handle, 'busybox', 300), (error: unknown) => isHookdError(error, 'ERR_HOOK_TRANSPORT') && error.plugin === 'crashy');
    await readyAgain;
    const backoffMs = Date.parse((await starting).at) - Date.parse((await restarting).at);
    assert.ok(backoffMs >= 200, `restarted after ${backoffMs} ms, sooner than half the backoff`);
    assert.deepEqual(states, ['starting', 'ready', 'restarting', 'starting', 'ready']);

    const status = handle.status();
    assert.equal(status.restarts, 1);
    assert.equal(status.consecutiveFailures, 1);
    assert.equal(status.lastError?.code, 'ERR_PLUGIN_EXITED');
    assert.match(status.lastError?.message ?? '', /plugin "crashy" exited with code 1; last stderr: fixture: crashing on call 1/);
    assert.notEqual(status.pid, firstPid);
    assert.equal(isAlive(firstPid), false);
  });

  it('forgets earlier crashes once the plugin has stayed ready for resetAfterMs', async (t) => {
    const { host, handle, states } = await startOne(t, launchedManifest('recovering', 'crashes-after-ready', {
      restart: { maxFailures: 2, resetAfterMs: 200, initialBackoffMs: 600, maxBackoffMs: 600 },
    }));
    let readyAgain = waitForState(host, 'ready');
    await pull(handle, 'busybox', 200).catch(() => undefined); // shorter than the backoff: not sent again
    await readyAgain;
    assert.equal(handle.status().consecutiveFailures, 1);
    await sleep(400); // the behaviour under test is the passage of resetAfterMs
    assert.equal(handle.status().consecutiveFailures, 0);

    readyAgain = waitForState(host, 'ready');
    await pull(handle, 'busybox', 200).catch(() => undefined);
    await readyAgain; // with the count reset, a second crash restarts instead of parking
    assert.deepEqual(states, ['starting', 'ready', 'restarting', 'starting', 'ready', 'restarting', 'starting', 'ready']);
  });

  it('marks a plugin degraded after failureThreshold failed health checks and ready when they pass again', async (t) => {
    const { host, handle, states } = await startOne(t, launchedManifest('wobbly', 'well-behaved', {
      health: { intervalMs: 150, failureThreshold: 2 },
    }));
    const degraded = waitForState(host, 'degraded');
    const ready = waitForState(host, 'ready');
    await setHealth(handle, 'fail:2');
    assert.match((await degraded).reason ?? '', /2 health checks failed in a row; last: .*health status is NOT_SERVING/);
    assert.deepEqual((await pull(handle, 'still-served')) as object, { snapshotters: ['still-served'] });
    assert.match((await ready).reason ?? '', /health checks pass again/);
    assert.deepEqual(states, ['starting', 'ready', 'degraded', 'ready']);
  });

  it('restarts a plugin whose next health check fails too once it is degraded', async (t) => {
    const { host, handle, states } = await startOne(t, launchedManifest('sick', 'well-behaved', {
      health: { intervalMs: 100, failureThreshold: 2 },
    }));
    const restarting = waitForState(host, 'restarting');
    const readyAgain = waitForState(host, 'ready');
    await setHealth(handle, 'NOT_SERVING');
    assert.match((await restarting).reason ?? '', /health checks.*3 failed in a row/);
    await readyAgain;
    assert.deepEqual(states, ['starting', 'ready', 'degraded', 'restarting', 'starting', 'ready']);
    assert.equal(handle.status().lastError?.code, 'ERR_HOOK_TRANSPORT');
  });

  it('refuses calls with ERR_PLUGIN_UNAVAILABLE while the plugin is not ready', async (t) => {
    const host = new PluginHost({ logger: capturedLogger().logger, hostName: 'hookd-test', hostVersion: '0.0.0' });
    t.after(() => host.stop('test over'));
    await host.start([launchedManifest('future', 'wrong-protocol')]);
    const handle = host.plugins()[0]!;
    await assert.rejects(pull(handle), (error: unknown) => isHookdError(error, 'ERR_PLUGIN_UNAVAILABLE')
      && /^plugin "future" is failed and cannot serve image.postPull \(plugin "future" speaks protocol versions/.test(error.message));
  });
});
