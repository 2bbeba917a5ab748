import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definePlugin } from '../src/index.ts';
import { createTestHarness } from '../src/testing/index.ts';

test('Describe lists exactly the hooks the plugin implements, in protocol enum names', async () => {
  const plugin = definePlugin({
    name: 'subset',
    version: '0.1.0',
    hooks: {
      volumePreCreate: () => undefined,
      containerPreCreate: () => undefined,
      imagePostPull: () => [],
    },
  });
  const described = await createTestHarness(plugin).describe();
  assert.equal(described.name, 'subset');
  assert.equal(described.version, '0.1.0');
  assert.deepEqual(described.protocol_versions, ['1']);
  assert.deepEqual(described.hooks.map((subscription) => subscription.hook).sort(), [
    'HOOK_CONTAINER_PRE_CREATE', 'HOOK_IMAGE_POST_PULL', 'HOOK_VOLUME_PRE_CREATE',
  ]);
});

test('Describe carries hook preferences and leaves the others at their defaults', async () => {
  const plugin = definePlugin({
    name: 'prefs',
    version: '1',
    hooks: { containerPreCreate: () => undefined, daemonPreStop: () => undefined },
    hookOptions: { containerPreCreate: { timeoutMs: 250, failurePolicy: 'ignore' } },
  });
  const { hooks } = await createTestHarness(plugin).describe();
  const byHook = Object.fromEntries(hooks.map((subscription) => [subscription.hook, subscription.options]));
  assert.deepEqual(byHook.HOOK_CONTAINER_PRE_CREATE, { timeout_ms: 250, failure_policy: 'FAILURE_POLICY_IGNORE' });
  assert.deepEqual(byHook.HOOK_DAEMON_PRE_STOP, { timeout_ms: 0, failure_policy: 'FAILURE_POLICY_UNSPECIFIED' });
});

test('handleHttp alone is not a subscription: it only serves routes of apiUpdateHandler', async () => {
  const plugin = definePlugin({
    name: 'routes',
    version: '1',
    hooks: { apiUpdateHandler: () => ({}), handleHttp: () => undefined },
  });
  const { hooks } = await createTestHarness(plugin).describe();
  assert.deepEqual(hooks.map((subscription) => subscription.hook), ['HOOK_API_UPDATE_HANDLER']);
});

test('definePlugin refuses a misspelt hook name and lists the real ones', () => {
  assert.throws(
    () => definePlugin({ name: 'typo', version: '1', hooks: { containerPrecreate: () => undefined } as never }),
    /unknown hook "containerPrecreate"; the hooks are: containerPreCreate, /,
  );
});

test('definePlugin refuses options for a hook that is not implemented', () => {
  assert.throws(
    () => definePlugin({ name: 'opts', version: '1', hooks: {}, hookOptions: { containerPreStart: { timeoutMs: 5 } } }),
    /hookOptions.containerPreStart is given but hooks.containerPreStart is not implemented/,
  );
});

test('definePlugin refuses a name that cannot appear in logs and file names', () => {
  assert.throws(() => definePlugin({ name: 'has space', version: '1', hooks: {} }), /name must be/);
});

test('definePlugin refuses hook options on handleHttp, which is not a hook point', () => {
  assert.throws(
    () => definePlugin({ name: 'http', version: '1', hooks: { handleHttp: () => undefined }, hookOptions: { handleHttp: { timeoutMs: 5 } } }),
    /hookOptions.handleHttp has no effect/,
  );
});
