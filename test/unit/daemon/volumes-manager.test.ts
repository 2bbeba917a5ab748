import assert from 'node:assert/strict';
import { describeError } from '../../../src/daemon/api/errors.ts';
import { stat } from 'node:fs/promises';
import { test } from 'node:test';
import { HookdError } from '../../../src/host/errors.ts';
import { makeManager } from './containers-fakes.ts';

test('volume.preCreate sees the config as received, with an empty Name and Driver', async () => {
  const { volumes, invoker } = await makeManager();
  const volume = await volumes.create({ Labels: { team: 'a' } });
  const [call] = invoker.callsOf('volume.preCreate');
  assert.deepEqual(call?.input.document, { Name: '', Driver: '', DriverOpts: {}, Labels: { team: 'a' } });
  assert.match(volume.Name, /^[0-9a-f]{64}$/);
  assert.equal(volume.Driver, 'local');
  assert.deepEqual(volume.Labels, { team: 'a' });
  assert.ok((await stat(volume.Mountpoint)).isDirectory());
});

test('the name and options a plugin returns are the ones the daemon uses', async () => {
  const { volumes, invoker, volumeStore } = await makeManager();
  invoker.on('volume.preCreate', (input) => ({
    document: { ...(input.document as object), Name: 'named-by-plugin', DriverOpts: { size: '1g' } },
    provenance: [{ path: 'Name', plugin: 'namer', order: 0, action: 'set' }],
  }));
  const volume = await volumes.create({});
  assert.equal(volume.Name, 'named-by-plugin');
  assert.deepEqual(volume.Options, { size: '1g' });
  assert.equal(volumeStore.records.get('named-by-plugin')?.HookdProvenance[0]?.plugin, 'namer');
});

test('a failing volume.preCreate creates nothing', async () => {
  const { volumes, invoker, volumeStore } = await makeManager();
  invoker.on('volume.preCreate', () => {
    throw new HookdError('ERR_HOOK_REJECTED', { plugin: 'policy', hook: 'volume.preCreate', reason: 'no' });
  });
  await assert.rejects(volumes.create({ Name: 'x1' }), /plugin "policy" rejected volume.preCreate: no/);
  assert.equal(volumeStore.records.size, 0);
  assert.throws(() => volumes.get('x1'), /get x1: no such volume/);
});

test('bad fields are a 400 naming the field; other drivers are refused', async () => {
  const { volumes } = await makeManager();
  await assert.rejects(volumes.create({ Labels: { a: 1 } }), /invalid volume config: Labels must be an object of strings/);
  await assert.rejects(volumes.create({ Name: 'bad/name' }), /Name "bad\/name" includes invalid characters/);
  await assert.rejects(volumes.create({ Name: 'nfs1', Driver: 'nfs' }), (error: Error) => describeError(error).status === 400 && /"nfs" is not available/.test(error.message));
});

test('a volume in use by a container cannot be removed (409); once the container is gone it can', async () => {
  const { volumes, manager } = await makeManager();
  const record = await manager.create({ Image: 'busybox', HostConfig: { Mounts: [{ Type: 'volume', Source: 'shared', Target: '/s' }] } }, 'user1');
  await assert.rejects(volumes.remove('shared'), (error: Error) =>
    describeError(error).status === 409 && error.message === `remove shared: volume is in use - [${record.Id}]`);
  await manager.remove('user1', { force: false, removeVolumes: false });
  await volumes.remove('shared');
  assert.deepEqual(volumes.list(), []);
});

test('anonymous volumes are removed with the container when asked (docker rm -v)', async () => {
  const { volumes, manager } = await makeManager();
  await manager.create({ Image: 'busybox', Volumes: { '/cache': {} } }, 'anon');
  assert.equal(volumes.list().length, 1);
  await manager.remove('anon', { force: false, removeVolumes: true });
  assert.equal(volumes.list().length, 0);
});

test('creating an existing volume returns it; list filters by name and label', async () => {
  const { volumes } = await makeManager();
  const first = await volumes.create({ Name: 'data', Labels: { tier: 'db' } });
  const again = await volumes.create({ Name: 'data' });
  assert.equal(again, first);
  await volumes.create({ Name: 'other' });
  assert.deepEqual(volumes.list({ label: ['tier=db'] }).map((v) => v.Name), ['data']);
  assert.deepEqual(volumes.list({ name: ['oth'] }).map((v) => v.Name), ['other']);
  assert.deepEqual(volumes.list({ dangling: ['true'] }).map((v) => v.Name).sort(), ['data', 'other']);
});

test('anonymous volumes carry Docker\'s anonymous label', async () => {
  const { volumes, manager } = await makeManager();
  await manager.create({ Image: 'busybox', Volumes: { '/cache': {} }, HostConfig: { Binds: ['named:/named'] } }, 'labelled');
  const anonymous = volumes.list({ label: ['com.docker.volume.anonymous'] });
  assert.equal(anonymous.length, 1);
  assert.notEqual(anonymous[0]?.Name, 'named');
});
