// The plugin as the daemon runs it: the command of manifest.json as a child process, driven over
// its unix socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchPlugin } from '@hookd/plugin-sdk/testing';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));

test('launched from its manifest, the plugin converts a legacy create config over the wire', async (t) => {
  assert.deepEqual(manifest.launch.args, ['dist/main.js'], 'the manifest runs the compiled bundle (npm run build), which this test runs too');
  const plugin = await launchPlugin(`${root}/${manifest.launch.args[0]}`, { name: manifest.name });
  t.after(() => plugin.stop());

  const described = await plugin.call<{ name: string }>('Describe', { host_protocol_versions: ['1'] });
  assert.equal(described.name, 'legacy-env');
  await plugin.call('Configure', {
    config_json: Buffer.from(JSON.stringify(manifest.config)), plugin_name: manifest.name, protocol_version: '1',
  });

  const reply = await plugin.call<{ config: { json: Buffer } | null }>('ContainerPreCreate', {
    context: { request_id: 'req-1' },
    config_json: Buffer.from(JSON.stringify({ Image: 'busybox', Labels: { DiskQuota: '/=5g' }, Env: ['ali_jvm_cgroup=true'] })),
  });
  const config = JSON.parse(String(reply.config?.json));
  assert.deepEqual(config.DiskQuota, { '/': '5g' });
  assert.deepEqual(config.HostConfig, { CapAdd: ['SYS_ADMIN'] });

  await assert.rejects(
    plugin.call('ContainerPreCreate', { config_json: Buffer.from(JSON.stringify({ Labels: { DiskQuota: '/=5x' } })) }),
    { code: 3, details: /label DiskQuota="\/=5x"/ },
  );

  await plugin.call('Shutdown', { reason: 'test done' });
  assert.deepEqual(await plugin.exited, { code: 0, signal: null });
  assert.equal(plugin.stdout(), '');
});
