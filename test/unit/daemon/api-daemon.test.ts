// The daemon's API end to end over its unix socket, with the fakes behind it: what a Docker
// client (dockerode here; the docker CLI in the e2e suite) sees.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import { createDaemon, type Daemon } from '../../../src/daemon/daemon.ts';
import { demultiplex } from '../../../src/daemon/api/stream-framing.ts';
import type { ContainerRecord } from '../../../src/daemon/containers/container-record.ts';
import type { VolumeRecord } from '../../../src/daemon/volumes/volume-record.ts';
import { call, tempSocketPath } from './api-http.ts';
import { FakeImageStore, FakeInvoker, FakeRuntime, makeDataRoot, MemoryStore, silentLogger } from './containers-fakes.ts';

let daemon: Daemon;
let socketPath: string;
let docker: Docker;
const invoker = new FakeInvoker();
const runtime = new FakeRuntime();

before(async () => {
  const dataRoot = await makeDataRoot();
  socketPath = await tempSocketPath();
  invoker.on('container.preCreate', (input) => ({
    document: { ...(input.document as object), Labels: { stamped: 'yes' } },
    provenance: [{ path: 'Labels.stamped', plugin: 'stamp', order: 0, action: 'set' }],
  }));
  invoker.on('api.updateHandler', () => ({ routes: { add: [{ method: 'GET', path: '/hello/{who}', plugin: 'greeter' }], remove: [], wrap: [] } }));
  daemon = createDaemon({
    config: { dataRoot, listen: { socketPath }, version: '9.9.9' },
    invoker, runtime, images: new FakeImageStore(dataRoot), logger: silentLogger,
    stores: { containers: new MemoryStore<ContainerRecord>(), volumes: new MemoryStore<VolumeRecord>() },
    forwardHttp: async (plugin, request) => ({
      response: { status: 200, headers: [], body: Buffer.from(`${plugin} says hello to ${request.request.path_params.who}`) },
    }),
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'hookd_up 1\n' }),
    plugins: () => ({ total: 3, ready: 2 }),
  });
  await daemon.listen();
  docker = new Docker({ socketPath });
});
after(() => daemon.close());

test('ping, version and info answer like Docker, naming the runtime and its isolation', async () => {
  assert.equal(String(await docker.ping()), 'OK');
  const version = await docker.version();
  assert.equal(version.ApiVersion, '1.43');
  assert.equal((version as unknown as { MinAPIVersion: string }).MinAPIVersion, '1.24');
  assert.equal(version.Version, '9.9.9');
  const info = await docker.info();
  assert.equal(info.DefaultRuntime, 'process');
  assert.deepEqual(info.Hookd, { Runtime: 'process', Isolated: false, Monitor: 'shim', Plugins: 3, PluginsReady: 2 });
  assert.match(info.Warnings[0], /without isolation/);
});

test('routes added by an API plugin at listen() are served through forwardHttp', async () => {
  const answer = await call(socketPath, 'GET', '/v1.43/hello/world');
  assert.equal(answer.body.toString(), 'greeter says hello to world');
  assert.ok(daemon.routes.some((route) => route.plugin === 'greeter'));
});

test('create shows the plugin\'s change and its provenance in inspect and on the provenance route', async () => {
  const container = await docker.createContainer({ Image: 'busybox', name: 'prov' });
  const inspect = await container.inspect();
  assert.equal(inspect.Config.Labels.stamped, 'yes');
  assert.deepEqual((inspect as unknown as { HookdProvenance: unknown }).HookdProvenance, [{ path: 'Labels.stamped', plugin: 'stamp', order: 0, action: 'set' }]);
  const provenance = await call(socketPath, 'GET', '/containers/prov/hookd/provenance');
  assert.equal((provenance.json() as { Provenance: unknown[] }).Provenance.length, 1);
  await assert.rejects(docker.getContainer('missing').inspect(), (error: { statusCode: number; json: { message: string } }) =>
    error.statusCode === 404 && error.json.message === 'No such container: missing');
});

test('docker run without -d: attach (upgraded), wait, start; output is multiplexed and wait answers the exit code', async () => {
  const { Id: id } = (await call(socketPath, 'POST', '/v1.43/containers/create?name=runner', JSON.stringify({ Image: 'busybox', AttachStdout: true, AttachStderr: true }))).json() as { Id: string };
  const socket = connect(socketPath);
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const closed = new Promise<void>((resolve) => socket.on('end', () => resolve()));
  socket.write(`POST /v1.43/containers/${id}/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n`);
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  const waiting = docker.getContainer(id).wait({ condition: 'next-exit' });
  await docker.getContainer(id).start();
  await runtime.log(id, 'hello\n');
  await runtime.log(id, 'oops\n', 'stderr');
  runtime.exit(id, 3);
  assert.deepEqual(await waiting, { StatusCode: 3, Error: null });
  await closed;
  const all = Buffer.concat(received).toString('latin1');
  assert.match(all, /^HTTP\/1.1 101 UPGRADED\r\nContent-Type: application\/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n/);
  const stream = Buffer.from(all.slice(all.indexOf('\r\n\r\n') + 4), 'latin1');
  const { frames } = demultiplex(stream);
  assert.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [[1, 'hello\n'], [2, 'oops\n']]);
});

test('logs honour stdout/stderr, tail and timestamps, framed for non-tty containers', async () => {
  const answer = await call(socketPath, 'GET', '/containers/runner/logs?stdout=1&stderr=0&tail=5&timestamps=1');
  assert.equal(answer.headers['content-type'], 'application/vnd.docker.multiplexed-stream');
  const { frames } = demultiplex(answer.body);
  assert.equal(frames.length, 1);
  assert.match(frames[0]!.payload.toString(), /^\d{4}-\d\d-\d\dT[\d:.]+Z hello\n$/);
  const none = await call(socketPath, 'GET', '/containers/runner/logs');
  assert.equal(none.status, 400);
});

test('update passes the raw body to container.preUpdate and answers Warnings', async () => {
  const raw = '{"Memory":  4096}';
  const answer = await call(socketPath, 'POST', '/containers/runner/update', raw);
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.json(), { Warnings: [] });
  const [last] = invoker.callsOf('container.preUpdate').slice(-1);
  assert.equal(Buffer.from(last!.input.rawDocument as Buffer).toString(), raw);
  assert.equal((await docker.getContainer('runner').inspect()).HostConfig.Memory, 4096);
});

test('start of a running container is 304, stop of a stopped one is 304, remove of a running one is 409', async () => {
  const container = await docker.createContainer({ Image: 'busybox', name: 'codes' });
  await container.start();
  assert.equal((await call(socketPath, 'POST', '/containers/codes/start')).status, 304);
  const busy = await call(socketPath, 'DELETE', '/containers/codes');
  assert.equal(busy.status, 409);
  await container.stop();
  assert.equal((await call(socketPath, 'POST', '/containers/codes/stop')).status, 304);
  await container.remove();
  const list = await docker.listContainers({ all: true });
  assert.ok(!list.some((c) => c.Names.includes('/codes')));
});

test('exec runs in the container and streams its output through the hijacked connection', async () => {
  const container = await docker.createContainer({ Image: 'busybox', name: 'execd' });
  await container.start();
  const exec = await container.exec({ Cmd: ['echo', 'from exec'], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve) => { stream.on('data', (c: Buffer) => chunks.push(c)); stream.on('end', () => resolve()); });
  const { frames } = demultiplex(Buffer.concat(chunks));
  assert.equal(frames.map((f) => f.payload.toString()).join(''), 'from exec\n');
  const inspect = await exec.inspect();
  assert.equal(inspect.ExitCode, 0);
  assert.equal(inspect.Running, false);
  const actions = daemon.events.since(0).filter((e) => e.Actor.Attributes.execID === inspect.ID).map((e) => e.Action);
  assert.deepEqual(actions, ['exec_create: echo from exec', 'exec_start: echo from exec', 'exec_die']);
});

test('volumes: create with an empty body defaults the name, inspect and remove work', async () => {
  const created = await call(socketPath, 'POST', '/volumes/create', '');
  assert.equal(created.status, 201);
  const name = (created.json() as { Name: string }).Name;
  assert.match(name, /^[0-9a-f]{64}$/);
  assert.equal((await call(socketPath, 'GET', `/volumes/${name}`)).status, 200);
  assert.equal((await call(socketPath, 'DELETE', `/volumes/${name}`)).status, 204);
  const gone = await call(socketPath, 'GET', `/volumes/${name}`);
  assert.deepEqual([gone.status, gone.json()], [404, { message: `get ${name}: no such volume` }]);
});

test('events stream Docker-style JSON and honour filters', async () => {
  const { request } = await import('node:http');
  const seen = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'], event: ['create'] }));
    const req = request({ socketPath, path: `/events?filters=${filters}` }, (res) => {
      res.once('data', (chunk: Buffer) => { resolve(JSON.parse(chunk.toString().split('\n')[0] as string)); req.destroy(); });
      void docker.createVolume({ Name: 'noise' }).then(() => docker.createContainer({ Image: 'busybox', name: 'evented' }));
    });
    req.on('error', (error) => { if (!(error as NodeJS.ErrnoException).code?.includes('ECONNRESET')) reject(error); });
    req.end();
  });
  assert.equal(seen.Type, 'container');
  assert.equal(seen.Action, 'create');
  assert.equal((seen.Actor as { Attributes: { name: string } }).Attributes.name, 'evented');
});

test('metrics are served from the injected callback', async () => {
  const answer = await call(socketPath, 'GET', '/metrics');
  assert.equal(answer.body.toString(), 'hookd_up 1\n');
  assert.equal(answer.headers['content-type'], 'text/plain; version=0.0.4');
});

test('plugin calls made for one request share its request id; exit handling is not part of the request', async () => {
  const before = invoker.calls.length;
  const seen: Array<string | undefined> = [];
  const original = invoker.invoke.bind(invoker);
  invoker.invoke = async (hook, input, options) => { seen.push(options?.requestId); return original(hook, input, options); };
  try {
    const created = await call(socketPath, 'POST', '/containers/create?name=traced', JSON.stringify({ Image: 'busybox' }), { 'X-Request-Id': 'trace-1' });
    const { Id: id } = created.json() as { Id: string };
    await call(socketPath, 'POST', '/containers/traced/start', undefined, { 'X-Request-Id': 'trace-2' });
    const exited = daemon.containers.lifecycle.next(id, ['exit']);
    runtime.exit(id, 0);
    await exited;
    assert.deepEqual(invoker.calls.slice(before).map((c) => c.hook), [
      'container.preCreate', 'container.preCreateEndpoint', 'container.preStart', 'container.preCreateEndpoint',
    ]);
    assert.deepEqual(seen, ['trace-1', 'trace-2', 'trace-2', undefined]);
  } finally {
    invoker.invoke = original;
  }
});

test('docker run -i: stdin sent on the attach connection reaches the container once it runs', async () => {
  const { Id: id } = (await call(socketPath, 'POST', '/containers/create?name=stdin-user', JSON.stringify({ Image: 'busybox', OpenStdin: true, StdinOnce: true, AttachStdin: true }))).json() as { Id: string };
  const socket = connect(socketPath);
  socket.write(`POST /containers/${id}/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
  await new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.write('typed before start\n');
  await docker.getContainer(id).start();
  const stdin = runtime.stdinOf(id);
  assert.ok(stdin);
  const chunks: Buffer[] = [];
  stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => stdin.on('end', () => resolve()));
  socket.end('and after\n');
  await ended;
  assert.equal(Buffer.concat(chunks).toString(), 'typed before start\nand after\n');
  runtime.exit(id, 0);
});

test('attach without an upgrade answers 200 and streams the output in the body until the container exits', async () => {
  const { Id: id } = (await call(socketPath, 'POST', '/containers/create?name=plain-attach', JSON.stringify({ Image: 'busybox', Tty: true }))).json() as { Id: string };
  await docker.getContainer(id).start();
  const { request } = await import('node:http');
  const answer = new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
    const req = request({ socketPath, method: 'POST', path: `/containers/${id}/attach?stream=1&stdout=1` }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks).toString() }));
      void runtime.log(id, 'raw tty output\n').then(() => runtime.exit(id, 0));
    });
    req.on('error', reject);
    req.end();
  });
  assert.deepEqual(await answer, { status: 200, type: 'application/vnd.docker.raw-stream', body: 'raw tty output\n' });
});
