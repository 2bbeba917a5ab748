// The plugin as the daemon runs it (the manifest's command, over its unix socket), and the hook it
// returns run as the runtime would run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchPlugin } from '@hookd/plugin-sdk/testing';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));

interface OciHookReply { priority: number; path: string; args: string[]; env: string[]; timeout_seconds: number }

test('launched from its manifest, the plugin returns a hook that records the start in the bundle', async (t) => {
  const bundle = mkdtempSync(join(tmpdir(), 'hookd-bundle-'));
  t.after(() => rmSync(bundle, { recursive: true, force: true }));
  assert.deepEqual(manifest.launch.args, ['dist/main.js'], 'the manifest runs the compiled bundle (npm run build), which this test runs too');
  const plugin = await launchPlugin(`${root}/${manifest.launch.args[0]}`, { name: manifest.name });
  t.after(() => plugin.stop());

  const described = await plugin.call<{ hooks: Array<{ hook: string }> }>('Describe', { host_protocol_versions: ['1'] });
  assert.deepEqual(described.hooks.map(({ hook }) => hook), ['HOOK_CONTAINER_PRE_START', 'HOOK_DAEMON_PRE_START', 'HOOK_DAEMON_PRE_STOP']);
  await plugin.call('Configure', {
    config_json: Buffer.from(JSON.stringify(manifest.config)), plugin_name: manifest.name, protocol_version: '1',
  });
  await plugin.call('DaemonPreStart', { daemon_version: '0.1.0', data_root: '/var/lib/hookd' });

  const { hooks } = await plugin.call<{ hooks: OciHookReply[] }>('ContainerPreStart', {
    context: { request_id: 'start-1' }, container_id: 'abc123', container_json: Buffer.from('{"Id":"abc123","Config":{}}'),
  });
  assert.equal(hooks.length, 1);
  const [hook] = hooks as [OciHookReply];
  assert.equal(hook.priority, -100);

  // What runc does with an OCI hook: exec path with argv args and env env, the state on stdin.
  const run = spawnSync(hook.path, hook.args.slice(1), {
    argv0: hook.args[0],
    env: Object.fromEntries(hook.env.map((entry) => entry.split(/=(.*)/s).slice(0, 2))),
    input: JSON.stringify({ ociVersion: '1.0.2', id: 'abc123', status: 'creating', pid: 1, bundle }),
    timeout: hook.timeout_seconds * 1000,
  });
  assert.equal(run.status, 0, String(run.stderr));
  assert.equal(readFileSync(join(bundle, 'hookd-started.log'), 'utf8'), 'started abc123\n');

  plugin.child.stdin?.end();
  assert.deepEqual(await plugin.exited, { code: 0, signal: null });
  assert.equal(plugin.stdout(), '');
  assert.ok(plugin.stderrLines().some((line) => typeof line === 'object' && line.msg === 'daemon starting'));
});
