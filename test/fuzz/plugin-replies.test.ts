// Property-based fuzzing of plugin replies (fast-check): whatever bytes or JSON a plugin returns
// for container.preCreate, dispatch either merges it or fails with a HookdError that names that
// plugin (never a bare TypeError/RangeError, which the daemon would answer as a 500 naming no
// one); under policy `ignore` the hook always succeeds and the input survives unless merged.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { dispatchHook } from '../../src/host/dispatch.ts';
import { isHookdError } from '../../src/host/errors.ts';
import { FakeHandle, type RecordedCall } from '../unit/host/fake-handle.ts';

const RUNS = Number(process.env.HOOKD_FUZZ_RUNS ?? 150);
const INPUT = { Image: 'busybox', Env: ['A=1'], Labels: {}, HostConfig: { Memory: 0 } };

const deep = fc.integer({ min: 50, max: 5_000 }).map((depth) => Buffer.from(`{"Labels":${'['.repeat(depth)}${']'.repeat(depth)}}`));
const reply = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ config: { json: Buffer.from(bytes) } })),
  fc.jsonValue().map((value) => ({ config: { json: Buffer.from(JSON.stringify(value) ?? 'null') } })),
  fc.record({ Image: fc.anything(), Env: fc.anything(), Labels: fc.anything(), HostConfig: fc.anything() }, { requiredKeys: [] }).map((value) => ({ config: { json: Buffer.from(JSON.stringify(value) ?? 'null') } })),
  deep.map((bytes) => ({ config: { json: bytes } })),
  fc.anything().map((value) => ({ config: value })),
  fc.anything(),
);

test('any reply is merged or fails as that plugin\'s HookdError; under ignore the hook always succeeds', async () => {
  await fc.assert(fc.asyncProperty(reply, fc.constantFrom('fail', 'ignore') as fc.Arbitrary<'fail' | 'ignore'>, async (answer, policy) => {
    const log: RecordedCall[] = [];
    const handle = new FakeHandle('fuzzed', { subscribe: ['container.preCreate'], failurePolicy: policy, reply: () => answer }, log);
    try {
      const result = await dispatchHook([handle], 'container.preCreate', { document: structuredClone(INPUT) });
      assert.equal(typeof result.document, 'object');
    } catch (error) {
      assert.ok(isHookdError(error), `not a HookdError: ${String(error)}`);
      assert.equal(error.plugin, 'fuzzed', error.message);
      assert.equal(policy, 'fail', `policy ignore still failed the hook: ${error.message}`);
    }
  }), { numRuns: RUNS });
});
