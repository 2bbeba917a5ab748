// The plugin in-process through the SDK's harness, and its hook script run the way runc runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestHarness } from '@hookd/plugin-sdk/testing';
import { HOOK_SCRIPT, recordStartPlugin } from '../src/plugin.ts';

function runHook(args: string[], state: object) {
  return spawnSync(HOOK_SCRIPT, args, { input: JSON.stringify(state), encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
}

test('every start gets the record-start hook at priority -100, after the network hook', async () => {
  const harness = createTestHarness(recordStartPlugin, { config: { markerFile: 'hookd-started.log' } });
  const hooks = await harness.containerPreStart({ Id: 'c1', Config: { Labels: {} } });
  assert.deepEqual(hooks, [{
    priority: -100,
    path: HOOK_SCRIPT,
    args: ['record-start.sh', 'hookd-started.log'],
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    timeout_seconds: 5,
  }]);
  assert.ok(HOOK_SCRIPT.startsWith('/'));
});

test('the manifest config chooses the marker file, priority and timeout', async () => {
  const harness = createTestHarness(recordStartPlugin, { config: { markerFile: '/var/log/starts', priority: 10, timeoutSeconds: 2 } });
  const [hook] = await harness.containerPreStart({ Id: 'c1' });
  assert.deepEqual([hook?.priority, hook?.args, hook?.timeout_seconds], [10, ['record-start.sh', '/var/log/starts'], 2]);
});

test('a container labelled record-start.disable=true gets no hook', async () => {
  const harness = createTestHarness(recordStartPlugin);
  assert.deepEqual(await harness.containerPreStart({ Id: 'c1', Config: { Labels: { 'record-start.disable': 'true' } } }), []);
});

test('a bad config is refused at Configure with the field named', async () => {
  const harness = createTestHarness(recordStartPlugin);
  await assert.rejects(harness.configure({ priority: 1.5 }), { code: 3, details: 'config.priority must be an integer, got 1.5' });
  await assert.rejects(harness.configure({ markerFile: '' }), { code: 3, details: /config.markerFile must be a non-empty path/ });
  await assert.rejects(harness.configure({ marker: 'x' }), { code: 3, details: /unknown field\(s\) marker/ });
});

test('daemon start and stop are logged with the daemon\'s version, data root and reason', async () => {
  const harness = createTestHarness(recordStartPlugin);
  await harness.daemonPreStart({ daemonVersion: '0.1.0', dataRoot: '/var/lib/hookd' });
  await harness.daemonPreStop('SIGTERM');
  const lines = harness.logs.filter((line) => line.msg === 'daemon starting' || line.msg === 'daemon stopping');
  assert.deepEqual(lines.map(({ msg, daemonVersion, dataRoot, reason, level }) => ({ msg, daemonVersion, dataRoot, reason, level })), [
    { msg: 'daemon starting', daemonVersion: '0.1.0', dataRoot: '/var/lib/hookd', reason: undefined, level: 'info' },
    { msg: 'daemon stopping', daemonVersion: undefined, dataRoot: undefined, reason: 'SIGTERM', level: 'info' },
  ]);
});

test('the hook script appends "started <id>" to a marker inside the bundle', (t) => {
  const bundle = mkdtempSync(join(tmpdir(), 'hookd-bundle-'));
  t.after(() => rmSync(bundle, { recursive: true, force: true }));
  const state = { ociVersion: '1.0.2', id: 'abc123', status: 'creating', pid: 42, bundle, annotations: { 'io.x/sandbox-id': 'zzz' } };
  assert.equal(runHook(['hookd-started.log'], state).status, 0);
  assert.equal(runHook(['hookd-started.log'], { ...state, id: 'def456' }).status, 0);
  assert.equal(readFileSync(join(bundle, 'hookd-started.log'), 'utf8'), 'started abc123\nstarted def456\n');
});

test('the hook script fails the start, saying why, when the state has no id', () => {
  const result = runHook(['/tmp/never-written'], { ociVersion: '1.0.2', status: 'creating' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /no container id in the OCI state/);
});
