import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerRecord } from '../../../src/daemon/containers/container-record.ts';
import { buildRuntimeSpec } from '../../../src/daemon/containers/start-container.ts';
import { FakeRuntime, makeDataRoot, makeManager, MemoryStore, nextLifecycle } from './containers-fakes.ts';

/** Two daemons over the same store and runtime: the second one is the restarted daemon. */
async function restartDaemon(configure: (first: Awaited<ReturnType<typeof makeManager>>) => Promise<void>) {
  const dataRoot = await makeDataRoot();
  const runtime = new FakeRuntime();
  const store = new MemoryStore<ContainerRecord>();
  const first = await makeManager({ dataRoot, runtime, store });
  await configure(first);
  first.manager.close();
  const second = await makeManager({ dataRoot, runtime, store });
  return second;
}

test('on load, a container still running is running again and is watched for its exit', async () => {
  let id = '';
  const { manager, runtime } = await restartDaemon(async ({ manager: m }) => {
    id = (await m.create({ Image: 'busybox' }, 'alive')).Id;
    await m.start('alive');
  });
  await manager.load();
  assert.equal(manager.get('alive').State.Running, true);
  const exited = nextLifecycle(manager, 'exit', id);
  runtime.exit(id, 9);
  await exited;
  assert.equal(manager.get('alive').State.ExitCode, 9);
});

test('on load, a container that died while the daemon was down gets its exit code and restart policy', async () => {
  const dataRoot = await makeDataRoot();
  const runtime = new FakeRuntime();
  const store = new MemoryStore<ContainerRecord>();
  const first = await makeManager({ dataRoot, runtime, store });
  const dead = await first.manager.create({ Image: 'busybox' }, 'dead');
  const again = await first.manager.create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'always' } } }, 'again');
  await first.manager.start('dead');
  await first.manager.start('again');
  first.manager.close();
  runtime.adopt(buildRuntimeSpec(store.records.get(dead.Id) as ContainerRecord, []), { exitCode: 7, finishedAt: new Date().toISOString() });
  runtime.adopt(buildRuntimeSpec(store.records.get(again.Id) as ContainerRecord, []), { exitCode: 0, finishedAt: new Date().toISOString() });

  const second = await makeManager({ dataRoot, runtime, store });
  const restarted = nextLifecycle(second.manager, 'start', again.Id);
  await second.manager.load();
  assert.equal(second.manager.get('dead').State.Status, 'exited');
  assert.equal(second.manager.get('dead').State.ExitCode, 7);
  await restarted;
  assert.equal(second.manager.get('again').State.Running, true);
  assert.equal(second.manager.get('again').RestartCount, 1);
  assert.equal(second.invoker.callsOf('container.preStart').length, 1);
});
