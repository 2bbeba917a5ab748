// The typed embedder API's conversions: invoke(hook, input) takes the hook's own camel-case input
// (generated from its request message) and resolves with the shape of its combine mode.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHookdError } from '../../../src/host/errors.ts';
import { toOutcome, toWireInput } from '../../../src/host/hook-io.ts';
import { hookSpec } from '../../../src/host/hooks.ts';

describe('toWireInput', () => {
  it('puts the document aside and every other key in its proto field, JSON values encoded', () => {
    assert.deepEqual(toWireInput(hookSpec('container.preCreate'), { config: { Image: 'busybox' }, name: 'web' }), {
      document: { Image: 'busybox' }, fields: { name: 'web' },
    });
    const wire = toWireInput(hookSpec('container.preStart'), { containerId: 'c1', container: { Id: 'c1' } });
    assert.equal(wire.fields?.container_id, 'c1');
    assert.deepEqual(JSON.parse((wire.fields?.container_json as Buffer).toString()), { Id: 'c1' });
    assert.deepEqual(toWireInput(hookSpec('container.preUpdate'), { containerId: 'c1', body: Buffer.from('{}') }), {
      rawDocument: Buffer.from('{}'), fields: { container_id: 'c1' },
    });
    assert.deepEqual(toWireInput(hookSpec('container.preCreateEndpoint'), { containerId: 'c1', env: ['A=1'], endpoint: {}, phase: 'ENDPOINT_PHASE_REMOVE' }).fields, {
      container_id: 'c1', env: ['A=1'], phase: 'ENDPOINT_PHASE_REMOVE',
    });
  });

  it('refuses a key the hook does not take, naming it, and a JSON value passed as bytes', () => {
    assert.throws(() => toWireInput(hookSpec('daemon.preStop'), { reason: 'SIGTERM', container_id: 'x' } as never), (error: unknown) =>
      isHookdError(error, 'ERR_HOOK_BAD_INPUT') && /"container_id"/.test(error.message) && /reason/.test(error.message));
    assert.throws(() => toWireInput(hookSpec('image.postPull'), { imageRef: 'a', imageId: 'b', snapshotter: 'c', image: Buffer.from('{}') }), (error: unknown) =>
      isHookdError(error, 'ERR_HOOK_BAD_INPUT') && /"image"/.test(error.message));
  });
});

describe('toOutcome', () => {
  const result = { hook: 'container.preStart' as const, requestId: 'r', called: ['a'], skipped: [], changed: false, provenance: [] };
  it('gives each combine mode its own fields, defaulting the lists', () => {
    assert.deepEqual(toOutcome(hookSpec('container.preStart'), result), { hook: 'container.preStart', requestId: 'r', called: ['a'], skipped: [], ociHooks: [], changed: false });
    assert.deepEqual(toOutcome<'image.postPull'>(hookSpec('image.postPull'), { ...result, hook: 'image.postPull' }).snapshotters, []);
    assert.deepEqual(toOutcome<'api.updateHandler'>(hookSpec('api.updateHandler'), { ...result, hook: 'api.updateHandler' }).routes, { add: [], remove: [], wrap: [] });
    assert.deepEqual(toOutcome(hookSpec('daemon.preStop'), { ...result, hook: 'daemon.preStop' }), { hook: 'daemon.preStop', requestId: 'r', called: ['a'], skipped: [] });
    const merged = toOutcome<'volume.preCreate'>(hookSpec('volume.preCreate'), { ...result, hook: 'volume.preCreate', document: { Name: 'v' }, changed: true });
    assert.deepEqual([merged.document, merged.changed, merged.provenance], [{ Name: 'v' }, true, []]);
  });
});
