import assert from 'node:assert/strict';
import { describeError } from '../../../src/daemon/api/errors.ts';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { HookdError } from '../../../src/host/errors.ts';
import { makeManager, nextLifecycle } from './containers-fakes.ts';

test('start passes each endpoint through container.preCreateEndpoint, then container.preStart, then the runtime', async () => {
  const { manager, invoker, runtime } = await makeManager();
  const record = await manager.create({ Image: 'busybox', Env: ['E=1'] }, 'web');
  invoker.on('container.preCreateEndpoint', (input) => ({
    document: { ...(input.document as object), Priority: 7, GenericParams: { vlan: '12' } },
  }));
  await manager.start('web');

  const order = invoker.calls.map((call) => call.hook).filter((hook) => hook !== 'container.preCreate');
  assert.deepEqual(order, ['container.preCreateEndpoint', 'container.preStart']);
  const [endpointCall] = invoker.callsOf('container.preCreateEndpoint');
  const endpoint = endpointCall?.input.document as Record<string, unknown>;
  assert.equal(endpoint.Name, 'bridge');
  assert.equal(endpoint.Priority, 0);
  assert.equal(endpoint.DisableResolver, true);
  assert.deepEqual(endpoint.GenericParams, {});
  assert.deepEqual(endpointCall?.input.fields, { container_id: record.Id, env: ['PATH=/bin', 'FROM_IMAGE=1', 'E=1'], phase: 'ENDPOINT_PHASE_CREATE' });

  const network = manager.get('web').NetworkSettings.Networks.bridge;
  assert.equal(network?.Priority, 7);
  assert.deepEqual(network?.GenericParams, { vlan: '12' });
  assert.equal(network?.DisableResolver, true);

  const [startCall] = invoker.callsOf('container.preStart');
  assert.equal(startCall?.input.fields?.container_id, record.Id);
  const containerJson = JSON.parse(Buffer.from(startCall?.input.fields?.container_json as Uint8Array).toString('utf8'));
  assert.equal(containerJson.Id, record.Id);
  assert.equal(containerJson.BaseFS, record.hookd.rootfs);
  assert.equal(runtime.started.length, 1);
  assert.deepEqual(runtime.started[0]?.env, [`HOSTNAME=${record.Id.slice(0, 12)}`, 'PATH=/bin', 'FROM_IMAGE=1', 'E=1']);
  assert.equal(manager.get('web').State.Running, true);
});

test('prestart hooks are sorted higher priority first with the daemon network hook at 0, stably', async () => {
  const { manager, invoker, runtime } = await makeManager();
  invoker.on('container.preStart', () => ({
    ociHooks: [
      { plugin: 'late', priority: -100, path: '/bin/late', args: ['late'], env: [] },
      { plugin: 'early', priority: 10, path: '/bin/early', args: ['early'], env: [] },
      { plugin: 'tie', priority: 0, path: '/bin/tie', args: ['tie'], env: [], timeoutSeconds: 3 },
    ],
  }));
  await manager.create({ Image: 'busybox' }, 'web');
  await manager.start('web');
  const hooks = runtime.started[0]?.prestartHooks ?? [];
  assert.deepEqual(hooks.map((hook) => hook.args[0]), ['early', 'tie', 'sh', 'late']);
  assert.equal(hooks[1]?.timeoutSeconds, 3);
});

test('the network hook records the endpoint decisions when it runs', async () => {
  const { manager, runtime } = await makeManager();
  await manager.create({ Image: 'busybox' }, 'web');
  await manager.start('web');
  const hook = runtime.started[0]?.prestartHooks.find((h) => h.args[3] === 'hookd-network');
  assert.ok(hook);
  const { execFileSync } = await import('node:child_process');
  execFileSync(hook.path, hook.args.slice(1));
  const written = JSON.parse(await readFile(hook.args[4] as string, 'utf8'));
  assert.equal(written.mode, 'bridge');
  assert.equal(written.endpoints[0].network, 'bridge');
});

test('a failing container.preStart aborts the start: the container stays created and its endpoints are released', async () => {
  const { manager, invoker, runtime, store } = await makeManager();
  const record = await manager.create({ Image: 'busybox' }, 'web');
  invoker.on('container.preStart', () => {
    throw new HookdError('ERR_HOOK_REJECTED', { plugin: 'gate', hook: 'container.preStart', reason: 'not today' });
  });
  await assert.rejects(manager.start('web'), /plugin "gate" rejected container.preStart: not today/);
  assert.equal(runtime.started.length, 0);
  const after = manager.get('web');
  assert.equal(after.State.Status, 'created');
  assert.equal(after.State.Running, false);
  assert.deepEqual(store.records.get(record.Id)?.State, record.State);
  const phases = invoker.callsOf('container.preCreateEndpoint').map((call) => call.input.fields?.phase);
  assert.deepEqual(phases, ['ENDPOINT_PHASE_CREATE', 'ENDPOINT_PHASE_REMOVE']);
  assert.equal(after.NetworkSettings.Networks.bridge?.EndpointID, '');
});

test('a failing container.preCreateEndpoint is logged and ignored: the container starts', async () => {
  const { manager, invoker, runtime } = await makeManager();
  invoker.on('container.preCreateEndpoint', () => {
    throw new HookdError('ERR_HOOK_TIMEOUT', { plugin: 'net', hook: 'container.preCreateEndpoint', timeoutMs: 10 });
  });
  await manager.create({ Image: 'busybox' }, 'web');
  await manager.start('web');
  assert.equal(runtime.started.length, 1);
  assert.equal(manager.get('web').NetworkSettings.Networks.bridge?.Priority, 0);
});

test('starting a running container is 304; stopping sends the stop signal and releases endpoints on exit', async () => {
  const { manager, invoker, runtime } = await makeManager();
  const record = await manager.create({ Image: 'busybox', StopSignal: 'SIGINT' }, 'web');
  await manager.start('web');
  await assert.rejects(manager.start('web'), (error: Error) => describeError(error).status === 304);
  await manager.stop('web', 5);
  assert.deepEqual(runtime.signals, [{ id: record.Id, signal: 'SIGINT' }]);
  const state = manager.get('web').State;
  assert.equal(state.Status, 'exited');
  assert.equal(state.ExitCode, 143);
  assert.deepEqual(invoker.callsOf('container.preCreateEndpoint').map((c) => c.input.fields?.phase), ['ENDPOINT_PHASE_CREATE', 'ENDPOINT_PHASE_REMOVE']);
  await assert.rejects(manager.stop('web'), (error: Error) => describeError(error).status === 304);
});

test('stop escalates to SIGKILL when the container ignores the stop signal for t seconds', async () => {
  const { manager, runtime } = await makeManager();
  runtime.exitOnSignal = (signal) => (signal === 'SIGKILL' ? 137 : undefined);
  await manager.create({ Image: 'busybox' }, 'stubborn');
  await manager.start('stubborn');
  await manager.stop('stubborn', 0);
  assert.deepEqual(runtime.signals.map((s) => s.signal), ['SIGTERM', 'SIGKILL']);
  assert.equal(manager.get('stubborn').State.ExitCode, 137);
});

test('on-failure:2 restarts twice, running both hooks on every start, then stays exited', async () => {
  const { manager, invoker, runtime } = await makeManager();
  const record = await manager.create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } } }, 'flaky');
  await manager.start('flaky');
  for (let i = 0; i < 2; i++) {
    const restarted = nextLifecycle(manager, 'start', record.Id);
    runtime.exit(record.Id, 1);
    await restarted;
  }
  const exited = nextLifecycle(manager, 'exit', record.Id);
  runtime.exit(record.Id, 1);
  await exited;
  assert.equal(runtime.started.length, 3);
  assert.equal(invoker.callsOf('container.preStart').length, 3);
  assert.equal(manager.get('flaky').RestartCount, 2);
  assert.equal(manager.get('flaky').State.Status, 'exited');
});

test('a user stop is never undone by the restart policy, and AutoRemove destroys on exit', async () => {
  const { manager, runtime, store } = await makeManager();
  const always = await manager.create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'always' } } }, 'always');
  await manager.start('always');
  await manager.stop('always');
  assert.equal(runtime.started.length, 1);
  assert.equal(manager.get('always').State.Status, 'exited');

  const temp = await manager.create({ Image: 'busybox', HostConfig: { AutoRemove: true } }, 'temp');
  await manager.start('temp');
  const removed = manager.wait('temp', 'removed');
  runtime.exit(temp.Id, 3);
  assert.deepEqual(await removed, { StatusCode: 3 });
  assert.equal(store.records.has(temp.Id), false);
  assert.equal(store.records.has(always.Id), true);
});

test('wait not-running answers at once for a stopped container, next-exit waits for the exit', async () => {
  const { manager, runtime } = await makeManager();
  const record = await manager.create({ Image: 'busybox' }, 'waiter');
  assert.deepEqual(await manager.wait('waiter', 'not-running'), { StatusCode: 0 });
  const waiting = manager.wait('waiter', 'next-exit');
  await manager.start('waiter');
  runtime.exit(record.Id, 42);
  assert.deepEqual(await waiting, { StatusCode: 42 });
});

test('remove refuses a running container without force (409) and kills it with force', async () => {
  const { manager, runtime, store } = await makeManager();
  const record = await manager.create({ Image: 'busybox' }, 'runner');
  await manager.start('runner');
  await assert.rejects(manager.remove('runner', { force: false, removeVolumes: false }), (error: Error) => describeError(error).status === 409);
  await manager.remove('runner', { force: true, removeVolumes: false });
  assert.deepEqual(runtime.signals.map((s) => s.signal), ['SIGKILL']);
  assert.equal(store.records.has(record.Id), false);
  assert.throws(() => manager.get('runner'), /No such container: runner/);
});
