import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definePlugin, PluginRejection } from '../src/index.ts';
import { createTestHarness, startTestServer } from '../src/testing/index.ts';

const refusing = definePlugin({
  name: 'refusing',
  version: '1',
  hooks: {
    containerPreCreate: ({ config }) => {
      if (config.Image === 'precondition') throw new PluginRejection('quota service is offline', { code: 'FAILED_PRECONDITION' });
      if (config.Image === 'bug') throw new Error('cannot read properties of undefined');
      throw new PluginRejection(`image "${String(config.Image)}" is not allowed`);
    },
  },
  configure: (config) => {
    if (config === null) throw new Error('config.markerFile is required');
  },
});

test('a PluginRejection becomes INVALID_ARGUMENT with the author\'s message', async () => {
  await assert.rejects(createTestHarness(refusing).containerPreCreate({ Image: 'evil' }), {
    code: 3, details: 'image "evil" is not allowed',
  });
});

test('a PluginRejection may choose FAILED_PRECONDITION', async () => {
  await assert.rejects(createTestHarness(refusing).containerPreCreate({ Image: 'precondition' }), {
    code: 9, details: 'quota service is offline',
  });
});

test('any other thrown error becomes UNKNOWN with its message and is logged with its stack', async () => {
  const harness = createTestHarness(refusing);
  await assert.rejects(harness.containerPreCreate({ Image: 'bug' }), { code: 2, details: 'cannot read properties of undefined' });
  const line = harness.logs.find((entry) => entry.msg === 'hook handler failed');
  assert.equal(line?.level, 'error');
  assert.match(String(line?.stack), /errors\.test\.ts/);
});

test('a config that configure throws on is refused with INVALID_ARGUMENT', async () => {
  await assert.rejects(createTestHarness(refusing).configure(null), { code: 3, details: 'config.markerFile is required' });
});

test('a request document that is not JSON is refused with INVALID_ARGUMENT naming the field', async () => {
  await assert.rejects(
    createTestHarness(refusing).call('ContainerPreCreate', { config_json: Buffer.from('{nope') }),
    { code: 3, details: /config_json is not valid JSON/ },
  );
});

test('over the wire the host sees the same status code and message', async (t) => {
  const server = await startTestServer(refusing);
  t.after(() => server.stop());
  await assert.rejects(
    server.call('ContainerPreCreate', { context: { request_id: 'r' }, config_json: Buffer.from('{"Image":"evil"}') }),
    { code: 3, details: 'image "evil" is not allowed' },
  );
  await assert.rejects(
    server.call('ContainerPreCreate', { config_json: Buffer.from('{"Image":"bug"}') }),
    { code: 2, details: 'cannot read properties of undefined' },
  );
});
