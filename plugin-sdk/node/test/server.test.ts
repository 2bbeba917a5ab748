// The gRPC server in-process, on a real unix socket: health, Configure and Shutdown as the host
// drives them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { definePlugin } from '../src/index.ts';
import { startTestServer } from '../src/testing/index.ts';

test('the server reports SERVING for the whole server and for hookd.v1.Plugin', async (t) => {
  const server = await startTestServer(definePlugin({ name: 'healthy', version: '1', hooks: {} }));
  t.after(() => server.stop());
  assert.equal(await server.checkHealth(''), 'SERVING');
  assert.equal(await server.checkHealth('hookd.v1.Plugin'), 'SERVING');
  assert.ok(statSync(server.socketPath).isSocket());
});

test('Configure delivers the manifest config, with the plugin name and protocol version', async (t) => {
  const received: unknown[] = [];
  const server = await startTestServer(definePlugin({
    name: 'configurable', version: '1', hooks: {},
    configure: (config, ctx) => void received.push({ config, pluginName: ctx.pluginName, protocolVersion: ctx.protocolVersion }),
  }));
  t.after(() => server.stop());
  await server.call('Configure', { config_json: Buffer.from('{"a":[1,{"b":null}]}'), plugin_name: 'from-manifest', protocol_version: '1' });
  await server.call('Configure', { config_json: Buffer.from('null'), plugin_name: 'from-manifest', protocol_version: '1' });
  assert.deepEqual(received, [
    { config: { a: [1, { b: null }] }, pluginName: 'from-manifest', protocolVersion: '1' },
    { config: null, pluginName: 'from-manifest', protocolVersion: '1' },
  ]);
});

test('Shutdown runs the plugin\'s shutdown, answers, then closes the server', async (t) => {
  const events: string[] = [];
  const server = await startTestServer(definePlugin({
    name: 'stoppable', version: '1', hooks: {},
    shutdown: ({ reason }) => void events.push(`shutdown: ${reason}`),
  }));
  t.after(() => server.stop());
  await server.call('Shutdown', { reason: 'manifest removed' });
  events.push('answered');
  assert.equal(await server.shutDown, 'manifest removed');
  assert.deepEqual(events, ['shutdown: manifest removed', 'answered']);
  await assert.rejects(server.call('Describe', {}, { timeoutMs: 1000 }), { code: 14 });
});

test('a handler\'s signal aborts when the host\'s deadline passes', async (t) => {
  let resolveAborted!: (reason: string) => void;
  const aborted = new Promise<string>((resolve) => (resolveAborted = resolve));
  const server = await startTestServer(definePlugin({
    name: 'slow', version: '1',
    hooks: {
      containerPreStart: ({ signal }) => new Promise((resolve) => {
        signal.addEventListener('abort', () => {
          resolveAborted(String((signal.reason as Error).message));
          resolve([]);
        });
      }),
    },
  }));
  t.after(() => server.stop());
  await assert.rejects(server.call('ContainerPreStart', { container_id: 'c' }, { timeoutMs: 200 }), { code: 4 });
  assert.equal(await aborted, 'the host gave up on ContainerPreStart');
});
