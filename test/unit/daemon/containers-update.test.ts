import assert from 'node:assert/strict';
import { describeError } from '../../../src/daemon/api/errors.ts';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { HookdError } from '../../../src/host/errors.ts';
import { RuntimeError } from '../../../src/daemon/runtime/errors.ts';
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
  await assert.rejects(manager.update('web', Buffer.from('memory=1g')), (error: Error) =>
    describeError(error).status === 400 && /update body: malformed JSON/.test(error.message));
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

test('a running container gets the merged resources through the runtime, after container.postUpdate and before the record is saved', async () => {
  const { manager, runtime, invoker, store } = await makeManager();
  const record = await manager.create({ Image: 'busybox', HostConfig: { Memory: 32 * 1024 * 1024, CpuShares: 512 } }, 'web');
  await manager.start('web');
  const seen: Array<{ postUpdates: number; savedMemory: unknown }> = [];
  runtime.onUpdate = () => seen.push({ postUpdates: invoker.callsOf('container.postUpdate').length, savedMemory: store.records.get(record.Id)?.HostConfig.Memory });
  await manager.update('web', Buffer.from(JSON.stringify({ Memory: 64 * 1024 * 1024, PidsLimit: 50, Env: ['A=1'] })));
  assert.deepEqual(runtime.updates, [{ id: record.Id, resources: { CpuShares: 512, Memory: 64 * 1024 * 1024, PidsLimit: 50 } }]);
  assert.deepEqual(seen, [{ postUpdates: 1, savedMemory: 32 * 1024 * 1024 }], 'PostUpdate ran before, persisting comes after');
  assert.equal(store.records.get(record.Id)?.HostConfig.Memory, 64 * 1024 * 1024);
});

test('a container that is not running gets its record updated only: the runtime is not asked', async () => {
  const { manager, runtime, store } = await makeManager();
  const record = await manager.create({ Image: 'busybox' }, 'web');
  await manager.update('web', Buffer.from('{"Memory": 67108864}'));
  assert.deepEqual(runtime.updates, []);
  assert.equal(store.records.get(record.Id)?.HostConfig.Memory, 67108864);
});

test('an update without resource fields leaves a running container\'s limits alone', async () => {
  const { manager, runtime } = await makeManager();
  await manager.create({ Image: 'busybox', HostConfig: { Memory: 33554432 } }, 'web');
  await manager.start('web');
  await manager.update('web', Buffer.from('{"Label": ["team=a"]}'));
  assert.deepEqual(runtime.updates, []);
  assert.equal(manager.get('web').Config.Labels?.team, 'a');
});

test('a runtime that refuses the new resources aborts the update: it names the container, and nothing is kept in memory, on disk or in the env file', async () => {
  const { manager, runtime, store } = await makeManager();
  const record = await manager.create({ Image: 'busybox', Env: ['A=1'], HostConfig: { Memory: 33554432 } }, 'web');
  await manager.start('web');
  runtime.failUpdate = new RuntimeError('ERR_RUNTIME_COMMAND_FAILED', 'runc update --memory 1 web failed (exit 1): memory limit too low', record.Id);
  await assert.rejects(manager.update('web', Buffer.from('{"Env": ["A=2"], "Memory": 1}')), (error: Error) =>
    describeError(error).status === 400 && error.message.includes(record.Id) && /memory limit too low/.test(error.message) && /not changed/.test(error.message));
  assert.equal(manager.get('web').HostConfig.Memory, 33554432);
  assert.deepEqual(manager.get('web').Config.Env, ['PATH=/bin', 'FROM_IMAGE=1', 'A=1']);
  assert.equal(store.records.get(record.Id)?.HostConfig.Memory, 33554432);
  await assert.rejects(stat(join(record.hookd.rootfs, 'etc/profile.d/hookd-env.sh')), /ENOENT/);
});

test('resource fields sent as zeros, empty strings or empty lists (as the docker CLI sends the ones not named) change nothing', async () => {
  const { manager } = await makeManager();
  await manager.create({ Image: 'busybox', HostConfig: { CpuShares: 512, CpusetCpus: '0', Memory: 33554432 } }, 'web');
  await manager.update('web', Buffer.from(JSON.stringify({ Memory: 67108864, CpuShares: 0, CpusetCpus: '', MemorySwap: 0, Devices: [], PidsLimit: 0 })));
  const { HostConfig } = manager.get('web');
  assert.deepEqual({ Memory: HostConfig.Memory, CpuShares: HostConfig.CpuShares, CpusetCpus: HostConfig.CpusetCpus, MemorySwap: HostConfig.MemorySwap, PidsLimit: HostConfig.PidsLimit },
    { Memory: 67108864, CpuShares: 512, CpusetCpus: '0', MemorySwap: undefined, PidsLimit: 0 });
});

test('a bad update field is a 400 naming it', async () => {
  const { manager } = await makeManager();
  await manager.create({ Image: 'busybox' }, 'web');
  await assert.rejects(manager.update('web', Buffer.from('{"Memory": "lots"}')), /update body: Memory must be an integer, got the string "lots"/);
});

test('the env file quotes every value so that the shell takes it literally', () => {
  assert.equal(renderEnvFile(['X=$(rm -rf /)', 'Y=a b', 'bad-name=1']).split('\n').slice(1).join('\n'),
    "export X='$(rm -rf /)'\nexport Y='a b'\n");
});
