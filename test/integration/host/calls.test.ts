// Calls to ready plugins: deadlines (the plugin's and the caller's), the in-flight cap, bad
// replies and aborts fail the one call with a clear code and leave the plugin ready.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { dispatchHook } from '../../../src/host/dispatch.ts';
import { isHookdError } from '../../../src/host/errors.ts';
import type { HookName } from '../../../src/host/hooks.ts';
import { PluginHost } from '../../../src/host/plugin-host.ts';
import type { HookInput, InvokeOptions, PluginHandle } from '../../../src/host/types.ts';
import { capturedLogger, launchedManifest } from './fixture-manifest.ts';

function handleOf(host: PluginHost, name: string): PluginHandle {
  const handle = host.plugins().find((plugin) => plugin.name === name);
  assert.ok(handle, `plugin ${name} is supervised`);
  return handle;
}

function pull(handle: PluginHandle, imageRef: string, timeoutMs: number, signal?: AbortSignal) {
  return handle.call('ImagePostPull', { image_ref: imageRef }, { deadline: Date.now() + timeoutMs, hook: 'image.postPull', signal }) as Promise<{ snapshotters: string[] }>;
}

describe('calls to ready plugins', { timeout: 90_000 }, () => {
  const host = new PluginHost({ logger: capturedLogger().logger, hostName: 'hookd-test', hostVersion: '0.0.0', stopGraceMs: 2_000 });

  before(async () => {
    const statuses = await host.start([
      launchedManifest('slow', 'slow-hook', { timeoutMs: 300 }),
      launchedManifest('patient', 'slow-hook', { timeoutMs: 10_000 }),
      launchedManifest('capped', 'slow-hook', { maxInFlight: 2 }),
      launchedManifest('single', 'slow-hook', { maxInFlight: 1 }),
      launchedManifest('garbage-text', 'returns-garbage', { env: { FIXTURE_GARBAGE: 'not-json' } }),
      launchedManifest('garbage-array', 'returns-garbage', { env: { FIXTURE_GARBAGE: 'wrong-type' } }),
      launchedManifest('garbage-huge', 'returns-garbage', { env: { FIXTURE_GARBAGE: 'oversized' } }),
    ]);
    assert.deepEqual(statuses.filter((status) => status.state !== 'ready'), []);
  });
  after(() => host.stop('test over'));

  it('fails a slow call with ERR_HOOK_TIMEOUT within the plugin\'s timeout and keeps the plugin ready', async () => {
    const startedAt = Date.now();
    const error = await invokeOn(host, 'slow', 'image.postPull', { fields: { image_ref: 'sleep:5000' } });
    const elapsedMs = Date.now() - startedAt;
    assert.ok(isHookdError(error, 'ERR_HOOK_TIMEOUT'), `got ${String(error)}`);
    // The message says how long the plugin had: the 300 ms less what dispatch spent before the call.
    assert.match(error.message, /^plugin "slow" did not answer image.postPull within (2\d\d|300) ms$/);
    assert.ok(elapsedMs >= 250 && elapsedMs < 2_000, `the call failed after ${elapsedMs} ms`);
    assert.equal(handleOf(host, 'slow').state, 'ready');
    assert.equal(await invokeOn(host, 'slow', 'image.postPull', { fields: { image_ref: 'sleep:10' } }), undefined);
  });

  it('honours a caller deadline shorter than the plugin\'s timeout', async () => {
    const startedAt = Date.now();
    const error = await invokeOn(host, 'patient', 'image.postPull', { fields: { image_ref: 'sleep:5000' } }, { deadline: Date.now() + 300 });
    const elapsedMs = Date.now() - startedAt;
    assert.ok(isHookdError(error, 'ERR_HOOK_TIMEOUT'), `got ${String(error)}`);
    // The budget named is the caller's 300 ms, less what passed before the call went out (more
    // under load), never the plugin's own 10,000 ms.
    const budgetMs = Number(/^plugin "patient" did not answer image.postPull within (\d+) ms$/.exec(error.message)?.[1]);
    assert.ok(budgetMs > 0 && budgetMs <= 300, `the error named a budget of ${budgetMs} ms: ${error.message}`);
    assert.ok(elapsedMs < 2_000, `the call failed after ${elapsedMs} ms`);
    assert.equal(handleOf(host, 'patient').state, 'ready');
  });

  it('applies the deadline to a direct call on the handle as well', async () => {
    const error = await pull(handleOf(host, 'patient'), 'sleep:5000', 300).then(() => undefined, (failure: unknown) => failure);
    assert.ok(isHookdError(error, 'ERR_HOOK_TIMEOUT'), `got ${String(error)}`);
  });

  it('never runs more than maxInFlight calls at the plugin at once; the rest queue and succeed', async () => {
    const handle = handleOf(host, 'capped');
    const replies = await Promise.all(Array.from({ length: 6 }, () => pull(handle, 'sleep:200', 10_000)));
    const observed = replies.map((reply) => Number(reply.snapshotters[0]?.split(':')[1]));
    assert.equal(Math.max(...observed), 2, `the plugin saw ${observed.join(', ')} calls at once`);
  });

  it('counts the wait for a free slot against the call\'s deadline', async () => {
    const handle = handleOf(host, 'single');
    const blocker = pull(handle, 'sleep:1500', 10_000);
    const startedAt = Date.now();
    const error = await pull(handle, 'sleep:10', 300).then(() => undefined, (failure: unknown) => failure);
    assert.ok(isHookdError(error, 'ERR_HOOK_TIMEOUT'), `got ${String(error)}`);
    assert.equal(error.details.waitedForSlot, true);
    assert.ok(Date.now() - startedAt < 1_200, 'it gave up before the slot came free');
    await blocker;
  });

  it('fails an aborted call with ERR_HOOK_ABORTED and keeps the plugin ready', async () => {
    const handle = handleOf(host, 'patient');
    const controller = new AbortController();
    const call = pull(handle, 'sleep:5000', 10_000, controller.signal);
    controller.abort(new Error('client went away'));
    await assert.rejects(call, (error: unknown) => isHookdError(error, 'ERR_HOOK_ABORTED') && /client went away/.test(error.message));
    assert.equal(handle.state, 'ready');
  });

  for (const [plugin, reason] of [
    ['garbage-text', /not (valid )?JSON/i],
    ['garbage-array', /array|object/],
    ['garbage-huge', /larger than the 16 MiB limit/],
  ] as const) {
    it(`refuses a garbage reply from ${plugin} with ERR_HOOK_BAD_REPLY naming the plugin`, async () => {
      const handle = handleOf(host, plugin);
      const alone = await invokeOn(host, plugin, 'container.preCreate', { document: { Image: 'busybox', Env: [] } });
      assert.ok(isHookdError(alone, 'ERR_HOOK_BAD_REPLY'), `got ${String(alone)}`);
      assert.match(alone.message, new RegExp(`^plugin "${plugin}" returned an invalid container.preCreate reply`));
      assert.match(alone.message, reason);
      assert.equal(handle.state, 'ready');
    });
  }
});

/**
 * Runs a hook through dispatch with only `plugin` taking part (the fixtures of this file share
 * hooks); resolves with the error, or undefined when the hook succeeded.
 */
function invokeOn(host: PluginHost, plugin: string, hook: HookName, input: HookInput, options: InvokeOptions = {}): Promise<unknown> {
  const handles = host.plugins().filter((handle) => handle.name === plugin);
  return dispatchHook(handles, hook, input, options).then(() => undefined, (error: unknown) => error);
}
