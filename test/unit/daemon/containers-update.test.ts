import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { HookdError } from '../../../src/host/errors.ts';
import { renderEnvFile } from '../../../src/daemon/containers/env-file.ts';
import { makeManager } from './containers-fakes.ts';

test('container.preUpdate receives the raw body bytes before anything decodes them', async () => {
  const { manager, invoker } = await makeManager();
  const record = await manager.create({ Image: 'busybox' }, 'web');
  const raw = Buffer.from('{"Memory": 2048,   "CpuShares": 512}');
  await manager.update('web', raw);
  const [call] = invoker.callsOf('container.preUpdate');
  assert.deepEqual(Buffer.from(call?.input.rawDocument as Buffer), raw);
  assert.deepEqual(call?.input.fields, { container_id: record.Id });
  assert.equal(manager.get('web').HostConfig.Memory, 2048);
});

test('a body that is not JSON still reaches container.preUpdate, which may turn it into JSON', async () => {
  const { manager, invoker } = await makeManager();
  await manager.create({ Image: 'busybox' }, 'web');
  await assert.rejects(manager.update('web', Buffer.from('memory=1g')), (error: Error & { status?: number }) =>
    error.status === 400 && /update body: malformed JSON/.test(error.message));
  assert.equal(invoker.callsOf('container.preUpdate').length, 1);
  invoker.on('container.preUpdate', () => ({ document: Buffer.from('{"Memory": 1073741824}') }));
  await manager.update('web', Buffer.from('memory=1g'));
  assert.equal(manager.get('web').HostConfig.Memory, 1073741824);
});

test('labels, annotations and the restart policy are applied; an empty label value deletes the label', async () => {
  const { manager, store } = await makeManager();
  const record = await manager.create({ Image: 'busybox', Labels: { keep: '1', drop: '2' } }, 'web');
  await manager.update('web', Buffer.from(JSON.stringify({
    Label: ['drop=', 'new=3'], SpecAnnotation: { 'a.b': 'c' }, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
  })));
  const updated = store.records.get(record.Id);
  assert.deepEqual(updated?.Config.Labels, { 'image.label': 'x', keep: '1', new: '3' });
  assert.deepEqual(updated?.Config.SpecAnnotation, { 'a.b': 'c' });
  assert.deepEqual(updated?.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
});

test('an update with Env merges it, writes the env file into the rootfs and tells container.postUpdate', async () => {
  const { manager, invoker } = await makeManager();
  const record = await manager.create({ Image: 'busybox', Env: ['A=1', 'B=2'] }, 'web');
  await manager.update('web', Buffer.from(JSON.stringify({ Env: ['A=', 'B', "C=it's"] })));
  const env = ['PATH=/bin', 'FROM_IMAGE=1', 'A=', "C=it's"];
  assert.deepEqual(manager.get('web').Config.Env, env);
  const [call] = invoker.callsOf('container.postUpdate');
  assert.deepEqual(call?.input.fields, { container_id: record.Id, rootfs: record.hookd.rootfs, env });
  const file = await readFile(join(record.hookd.rootfs, 'etc/profile.d/hookd-env.sh'), 'utf8');
  assert.match(file, /^export A=''$/m);
  assert.match(file, /^export C='it'\\''s'$/m);
  assert.doesNotMatch(file, /export B=/);
});

test('an update without Env does not call container.postUpdate', async () => {
  const { manager, invoker } = await makeManager();
  await manager.create({ Image: 'busybox' }, 'web');
  await manager.update('web', Buffer.from('{"Memory": 1}'));
  assert.equal(invoker.callsOf('container.postUpdate').length, 0);
});

test('a failing container.postUpdate aborts the update: nothing persisted, memory and env file restored', async () => {
  const { manager, invoker, store } = await makeManager();
  const record = await manager.create({ Image: 'busybox', Env: ['A=1'] }, 'web');
  invoker.on('container.postUpdate', () => {
    throw new HookdError('ERR_HOOK_REJECTED', { plugin: 'envfile', hook: 'container.postUpdate', reason: 'disk full' });
  });
  await assert.rejects(manager.update('web', Buffer.from('{"Env": ["A=2"], "Memory": 5}')), /plugin "envfile" rejected container.postUpdate: disk full/);
  assert.deepEqual(manager.get('web').Config.Env, ['PATH=/bin', 'FROM_IMAGE=1', 'A=1']);
  assert.equal(manager.get('web').HostConfig.Memory, undefined);
  assert.equal(store.records.get(record.Id)?.HostConfig.Memory, undefined);
  await assert.rejects(stat(join(record.hookd.rootfs, 'etc/profile.d/hookd-env.sh')), /ENOENT/);
});

test('a bad update field is a 400 naming it', async () => {
  const { manager } = await makeManager();
  await manager.create({ Image: 'busybox' }, 'web');
  await assert.rejects(manager.update('web', Buffer.from('{"Memory": "lots"}')), /invalid update config: Memory must be a number, got "lots"/);
});

test('the env file quotes every value so that the shell takes it literally', () => {
  assert.equal(renderEnvFile(['X=$(rm -rf /)', 'Y=a b', 'bad-name=1']).split('\n').slice(1).join('\n'),
    "export X='$(rm -rf /)'\nexport Y='a b'\n");
});
