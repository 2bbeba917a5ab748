// HandleHttp goes through the host with the rules of every hook call: the plugin's api.updateHandler
// timeout (enforced by the host even when the plugin hangs), never past the caller's deadline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHookdError } from '../../../src/host/errors.ts';
import { callHandleHttp } from '../../../src/host/handle-http.ts';
import type { HandleHttpCall } from '../../../src/host/types.ts';
import { FakeHandle, hang } from './fake-handle.ts';

// The host computes a deadline from the clock when it makes the call, which can tick past the
// test's own reading of the clock just before: allow that much, no more.
const CLOCK_TICK_MS = 5;

const CALL: HandleHttpCall = {
  phase: 'HTTP_PHASE_SERVE',
  request: { method: 'GET', path: '/hello', query: '', headers: [], body: Buffer.alloc(0), route_path: '/hello', path_params: {} },
};

describe('callHandleHttp', () => {
  it('names a plugin that is not loaded with ERR_PLUGIN_NOT_LOADED', async () => {
    await assert.rejects(callHandleHttp([new FakeHandle('other')], 'router', CALL), (error: unknown) =>
      isHookdError(error, 'ERR_PLUGIN_NOT_LOADED') && error.plugin === 'router');
  });

  it('sends the call to HandleHttp and drops the unset (null) halves of the reply', async () => {
    const router = new FakeHandle('router', { subscribe: ['api.updateHandler'], reply: () => ({ request: null, response: { status: 200, headers: [], body: Buffer.from('hi') } }) });
    const reply = await callHandleHttp([router], 'router', CALL);
    assert.deepEqual(reply, { response: { status: 200, headers: [], body: Buffer.from('hi') } });
    assert.equal(router.calls[0]?.rpc, 'HandleHttp');
    assert.equal(router.calls[0]?.options.hook, 'api.updateHandler');
  });

  it('fails a hanging plugin with ERR_HOOK_TIMEOUT at its api.updateHandler timeout from the manifest', async () => {
    const router = new FakeHandle('router', { subscribe: ['api.updateHandler'], timeoutMs: 5000, hooks: { 'api.updateHandler': { timeoutMs: 50 } }, reply: hang });
    const startedAt = Date.now();
    await assert.rejects(callHandleHttp([router], 'router', CALL), (error: unknown) =>
      isHookdError(error, 'ERR_HOOK_TIMEOUT') && error.details.timeoutMs === 50);
    assert.ok(router.calls[0]!.options.deadline - startedAt <= 50 + CLOCK_TICK_MS);
  });

  it('caps the call with the plugin\'s Describe suggestion and the caller\'s deadline, like a hook call', async () => {
    const router = new FakeHandle('router', { subscribe: [{ hook: 'api.updateHandler', timeoutMs: 300 }], timeoutMs: 5000, reply: () => ({}) });
    const startedAt = Date.now();
    await callHandleHttp([router], 'router', CALL);
    const first = router.calls[0]!;
    assert.ok(first.options.deadline - startedAt <= 300 + CLOCK_TICK_MS, `deadline ${first.options.deadline - startedAt} ms after the start`);
    const deadline = Date.now() + 40;
    await callHandleHttp([router], 'router', CALL, { deadline });
    assert.ok(router.calls[1]!.options.deadline <= deadline);
  });
});
