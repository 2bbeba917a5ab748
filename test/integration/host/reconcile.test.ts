// The PluginHost facade end to end: invoke() runs hooks through dispatch over the supervised
// plugins, and reconcile() adds, removes and replaces plugins without touching the others.

import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';

import { isHookdError } from '../../../src/host/errors.ts';
import { PluginHost } from '../../../src/host/plugin-host.ts';
import type { StateChange } from '../../../src/host/plugin-state.ts';
import { capturedLogger, launchedManifest } from './fixture-manifest.ts';
import { isAlive } from './observe.ts';

function newHost(t: TestContext): PluginHost {
  const host = new PluginHost({ logger: capturedLogger().logger, hostName: 'hookd-test', hostVersion: '0.0.0', stopGraceMs: 2_000 });
  t.after(() => host.stop('test over'));
  return host;
}

describe('PluginHost', { timeout: 90_000 }, () => {
  it('invokes a hook over its plugins and returns the merged document', async (t) => {
    const host = newHost(t);
    await host.start([
      launchedManifest('env', 'well-behaved', { env: { FIXTURE_SET_ENV: 'FROM_PLUGIN=1' } }),
      launchedManifest('memory', 'well-behaved', { env: { FIXTURE_SET_MEMORY: '1048576' }, order: 10 }),
    ]);
    const result = await host.invoke('container.preCreate', { config: { Image: 'busybox', Env: ['A=1'] }, name: '' });
    assert.deepEqual(result.document, { Image: 'busybox', Env: ['A=1', 'FROM_PLUGIN=1'], HostConfig: { Memory: 1048576 } });
    assert.deepEqual(result.called, ['env', 'memory']);
    assert.equal(result.changed, true);
  });

  it('fails a hook when conflicting twins set the same path differently, naming both', async (t) => {
    const host = newHost(t);
    await host.start([
      launchedManifest('quota', 'well-behaved', { env: { FIXTURE_SET_MEMORY: '1048576' } }),
      launchedManifest('netprio', 'well-behaved', { env: { FIXTURE_SET_MEMORY: '2097152' } }),
    ]);
    await assert.rejects(host.invoke('container.preCreate', { config: { Image: 'busybox' }, name: '' }), (error: unknown) =>
      isHookdError(error, 'ERR_MERGE_CONFLICT') && /"(quota|netprio)" and "(quota|netprio)" both tried to set HostConfig.Memory/.test(error.message));
  });

  it('reconciles added, removed and changed plugins without disturbing a call in flight to another', async (t) => {
    const host = newHost(t);
    await host.start([
      launchedManifest('steady', 'slow-hook'),
      launchedManifest('leaving', 'well-behaved'),
      launchedManifest('changing', 'well-behaved', { config: { snapshotters: ['old'] } }),
    ]);
    const steady = host.plugins().find((plugin) => plugin.name === 'steady')!;
    const steadyChanges: StateChange[] = [];
    host.on('state', (change) => {
      if (change.plugin === 'steady') steadyChanges.push(change);
    });
    const inFlight = steady.call('ImagePostPull', { image_ref: 'sleep:1500' }, { deadline: Date.now() + 20_000, hook: 'image.postPull' });

    const result = await host.reconcile([
      launchedManifest('steady', 'slow-hook'),
      launchedManifest('changing', 'well-behaved', { config: { snapshotters: ['new'] } }),
      launchedManifest('joining', 'well-behaved'),
    ]);
    assert.deepEqual(result, { added: ['joining'], removed: ['leaving'], replaced: ['changing'], unchanged: ['steady'], revived: [] });
    assert.deepEqual(await inFlight, { snapshotters: ['max-in-flight:1'] });
    assert.deepEqual(steadyChanges, []);
    assert.deepEqual(host.status().map((status) => [status.name, status.state]), [['steady', 'ready'], ['changing', 'ready'], ['joining', 'ready']]);

    const changing = host.plugins().find((plugin) => plugin.name === 'changing')!;
    const reply = await changing.call('ImagePostPull', { image_ref: 'x' }, { deadline: Date.now() + 5_000, hook: 'image.postPull' });
    assert.deepEqual(reply, { snapshotters: ['x', 'new'] }, 'the replacement was configured with the new manifest');
  });

  it('stops plugins that are still starting without waiting for their start timeout, and kills them', async (t) => {
    const log = capturedLogger();
    const host = new PluginHost({ logger: log.logger, hostName: 'hookd-test', hostVersion: '0.0.0', stopGraceMs: 2_000 });
    t.after(() => host.stop('test over')); // in case an assertion fails before the stop under test
    const starting = host.start([launchedManifest('sleepy', 'hangs-before-ready', { startTimeoutMs: 30_000 })]);
    await new Promise((resolve) => host.once('state', resolve));
    const startedAt = Date.now();
    await host.stop('daemon stopping');
    assert.ok(Date.now() - startedAt < 5_000, 'stop() did not wait for the start timeout');
    assert.deepEqual((await starting).map((status) => status.state), []);
    const launched = log.records.find((record) => record.msg === 'plugin sleepy launched');
    assert.ok(launched, 'the plugin had been launched');
    assert.equal(isAlive(Number(launched.pid)), false);
  });
});
