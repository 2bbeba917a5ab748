import assert from 'node:assert/strict';
import { describeError } from '../../../src/daemon/api/errors.ts';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { HookdError } from '../../../src/host/errors.ts';
import { toInspect } from '../../../src/daemon/containers/inspect-view.ts';
import { makeManager } from './containers-fakes.ts';

test('container.preCreate sees the create config as received, before image defaults, with the name', async () => {
  const { manager, invoker } = await makeManager();
  await manager.create({ Image: 'busybox', Env: ['A=1'] }, 'web');
  const [call] = invoker.callsOf('container.preCreate');
  assert.ok(call);
  assert.deepEqual(call.input.document, { Image: 'busybox', Env: ['A=1'] });
  assert.deepEqual(call.input.fields, { name: 'web' });
});

test('what container.preCreate returns is what is stored and used, and its provenance is shown in inspect', async () => {
  const { manager, invoker, store } = await makeManager();
  invoker.on('container.preCreate', (input) => ({
    document: { ...(input.document as object), Env: ['A=1', 'FROM_PLUGIN=yes'], HostConfig: { Memory: 1024 } },
    provenance: [{ path: 'Env.FROM_PLUGIN', plugin: 'envy', order: 0, action: 'set' }],
  }));
  const record = await manager.create({ Image: 'busybox', Env: ['A=1'] }, '');
  assert.deepEqual(record.Config.Env, ['PATH=/bin', 'FROM_IMAGE=1', 'A=1', 'FROM_PLUGIN=yes']);
  assert.equal(record.HostConfig.Memory, 1024);
  assert.equal(store.records.get(record.Id)?.HostConfig.Memory, 1024);
  assert.deepEqual(toInspect(record).HookdProvenance, [{ path: 'Env.FROM_PLUGIN', plugin: 'envy', order: 0, action: 'set' }]);
});

test('the daemon applies its defaults after the hook: hostname, image Cmd, labels, name', async () => {
  const { manager } = await makeManager();
  const record = await manager.create({ Image: 'busybox', Labels: { mine: 'y' } }, '');
  assert.equal(record.Config.Hostname, record.Id.slice(0, 12));
  assert.deepEqual(record.Config.Cmd, ['sh']);
  assert.equal(record.Path, 'sh');
  assert.deepEqual(record.Config.Labels, { 'image.label': 'x', mine: 'y' });
  assert.match(record.Name, /^\/[a-z]+_[a-z]+/);
  assert.equal(record.State.Status, 'created');
});

test('a failing container.preCreate stores nothing and returns the plugin error', async () => {
  const { manager, invoker, store, dataRoot } = await makeManager();
  invoker.on('container.preCreate', () => {
    throw new HookdError('ERR_HOOK_REJECTED', { plugin: 'quota', hook: 'container.preCreate', reason: 'memory too large' });
  });
  await assert.rejects(manager.create({ Image: 'busybox' }, 'quota-test'), (error: unknown) => {
    assert.ok(error instanceof HookdError);
    assert.match(error.message, /plugin "quota" rejected container.preCreate: memory too large/);
    return true;
  });
  assert.equal(store.records.size, 0);
  assert.equal(manager.list({ all: true, filters: {} }).length, 0);
  await assert.rejects(stat(join(dataRoot, 'containers')), /ENOENT/);
});

test('a bad field is refused with 400 naming it, before any plugin runs', async () => {
  const { manager, invoker } = await makeManager();
  await assert.rejects(manager.create({ Image: 'busybox', HostConfig: { Memory: '1g' } }, ''), (error: Error) => {
    assert.equal(describeError(error).status, 400);
    assert.match(error.message, /HostConfig\.Memory must be a number, got "1g"/);
    return true;
  });
  assert.equal(invoker.calls.length, 0);
});

test('an unknown image is a 404 "No such image" after the hook, which may have changed the image', async () => {
  const { manager, invoker } = await makeManager();
  await assert.rejects(manager.create({ Image: 'nope' }, ''), (error: Error) => describeError(error).status === 404 && /No such image: nope/.test(error.message));
  assert.equal(invoker.callsOf('container.preCreate').length, 1);
  invoker.on('container.preCreate', (input) => ({ document: { ...(input.document as object), Image: 'busybox' } }));
  const record = await manager.create({ Image: 'nope' }, '');
  assert.equal(record.Config.Image, 'busybox');
});

test('a name in use is a 409 conflict', async () => {
  const { manager } = await makeManager();
  const first = await manager.create({ Image: 'busybox' }, 'dup');
  await assert.rejects(manager.create({ Image: 'busybox' }, 'dup'), (error: Error) =>
    describeError(error).status === 409 && error.message.includes(`"/dup" is already in use by container "${first.Id}"`));
});

test('named volumes in Binds are created through volume.preCreate and mounted', async () => {
  const { manager, invoker, volumes } = await makeManager();
  const record = await manager.create({ Image: 'busybox', HostConfig: { Binds: ['data:/data:ro', '/tmp:/host'] } }, '');
  assert.deepEqual(invoker.callsOf('volume.preCreate').map((call) => (call.input.document as { Name: string }).Name), ['data']);
  assert.equal(record.Mounts[0]?.Name, 'data');
  assert.equal(record.Mounts[0]?.RW, false);
  assert.equal(record.Mounts[1]?.Type, 'bind');
  assert.deepEqual(volumes.list().map((v) => v.Name), ['data']);
  assert.deepEqual(manager.usersOfVolume('data'), [record.Id]);
});

test('two concurrent creates with one name: one wins, the other is a 409', async () => {
  const { manager } = await makeManager();
  const results = await Promise.allSettled([manager.create({ Image: 'busybox' }, 'race'), manager.create({ Image: 'busybox' }, 'race')]);
  assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.equal(describeError(rejected.reason).status, 409);
  assert.equal(manager.list({ all: true, filters: {} }).length, 1);
});

test('an unknown StopSignal is refused at create, not at the first stop', async () => {
  const { manager } = await makeManager();
  await assert.rejects(manager.create({ Image: 'busybox', StopSignal: 'SIGNOPE' }, ''), /invalid create config: StopSignal is not a signal: "SIGNOPE"/);
  await manager.create({ Image: 'busybox', StopSignal: 'QUIT' }, '');
});
