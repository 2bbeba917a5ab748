// Bad request bodies against the daemon's API (fakes behind it): wrongly-typed fields are a 400
// naming the field (checked against Docker's own Engine API types), deep JSON is a 400 before
// anything parses it, and nothing is created.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createDaemon, type Daemon } from '../../../src/daemon/daemon.ts';
import type { ContainerRecord } from '../../../src/daemon/containers/container-record.ts';
import type { VolumeRecord } from '../../../src/daemon/volumes/volume-record.ts';
import { jsonDepthExceeding } from '../../../src/daemon/api/request-body.ts';
import { call, tempSocketPath } from './api-http.ts';
import { FakeImageStore, FakeInvoker, FakeRuntime, makeDataRoot, MemoryStore, silentLogger } from './containers-fakes.ts';

let daemon: Daemon;
let socketPath: string;

before(async () => {
  const dataRoot = await makeDataRoot();
  socketPath = await tempSocketPath();
  daemon = createDaemon({
    config: { dataRoot, listen: { socketPath } },
    invoker: new FakeInvoker(), runtime: new FakeRuntime(), images: new FakeImageStore(dataRoot), logger: silentLogger,
    stores: { containers: new MemoryStore<ContainerRecord>(), volumes: new MemoryStore<VolumeRecord>() },
  });
  await daemon.listen();
});
after(() => daemon.close());

const message = (answer: { json(): unknown }): string => (answer.json() as { message: string }).message;

const WRONG_TYPES: Array<[string, Record<string, unknown>, RegExp]> = [
  ['a string where Docker wants a number', { Image: 'busybox', HostConfig: { Memory: '1g' } }, /HostConfig\.Memory must be an integer, got the string "1g"/],
  ['a number as a mount target', { Image: 'busybox', HostConfig: { Mounts: [{ Type: 'bind', Source: '/tmp', Target: 5 }] } }, /HostConfig\.Mounts\[0\]\.Target must be a string, got the number 5/],
  ['an object as Env', { Image: 'busybox', Env: { A: '1' } }, /Env must be an array, got an object/],
  ['a list as Labels', { Image: 'busybox', Labels: ['a=b'] }, /Labels must be an object, got an array/],
  ['a fraction as CpuShares', { Image: 'busybox', HostConfig: { CpuShares: 1.5 } }, /HostConfig\.CpuShares must be an integer/],
  ['a string as Tty', { Image: 'busybox', Tty: 'yes' }, /Tty must be a boolean, got the string "yes"/],
];

for (const [what, body, expected] of WRONG_TYPES) {
  test(`create with ${what} is a 400 naming the field, and creates nothing`, async () => {
    const answer = await call(socketPath, 'POST', '/containers/create', JSON.stringify(body));
    assert.equal(answer.status, 400);
    assert.match(message(answer), expected);
    assert.match(message(answer), /^create config: /);
    assert.equal(daemon.containers.list({ all: true, filters: {} }).filter((record) => record.Name !== '/deep-target').length, 0);
  });
}

test('what the docker CLI sends for a plain `docker run` passes: nulls, empty Labels, Cmd as a string', async () => {
  const answer = await call(socketPath, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', Env: null, Labels: {}, Cmd: 'true', Entrypoint: null, HostConfig: { Memory: 0, Binds: null, PortBindings: {} } }));
  assert.notEqual(answer.status, 400, message(answer));
});

test('JSON nested 10,000 deep is a 400 on create, volume create and update, not a stack overflow', async () => {
  const created = await call(socketPath, 'POST', '/containers/create?name=deep-target', JSON.stringify({ Image: 'busybox' }));
  assert.equal(created.status, 201, message(created));
  const deep = `{"Image":"busybox","Labels":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
  for (const path of ['/containers/create', '/volumes/create', '/containers/deep-target/update', '/containers/deep-target/exec']) {
    const answer = await call(socketPath, 'POST', path, deep);
    assert.equal(answer.status, 400, `${path}: ${answer.status}`);
    assert.match(message(answer), /nested deeper than 64 levels/);
  }
});

test('volume create and exec check their bodies against the Engine API types too', async () => {
  const volume = await call(socketPath, 'POST', '/volumes/create', JSON.stringify({ Name: 'v', DriverOpts: { size: 5 } }));
  assert.equal(volume.status, 400);
  assert.match(message(volume), /DriverOpts\.size must be a string, got the number 5/);
});

test('the depth scan ignores brackets inside strings and escaped quotes', () => {
  assert.equal(jsonDepthExceeding('{"a":"[[[[[[\\"[[[["}', 2), undefined);
  assert.equal(jsonDepthExceeding('[[[]]]', 2), 2);
});

test('options hookd cannot honour (-p, -P) are refused with a message naming the flag, not ignored', async () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ Image: 'busybox', HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } } }, /HostConfig\.PortBindings \(docker run -p 80\/tcp\) is not supported/],
    [{ Image: 'busybox', HostConfig: { PublishAllPorts: true } }, /docker run -P/],
  ];
  for (const [body, expected] of cases) {
    const answer = await call(socketPath, 'POST', '/containers/create', JSON.stringify(body));
    assert.equal(answer.status, 400);
    assert.match(message(answer), expected);
  }
  const noHealthcheck = await call(socketPath, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', Healthcheck: { Test: ['NONE'] }, HostConfig: { PortBindings: {} } }));
  assert.equal(noHealthcheck.status, 201, message(noHealthcheck));
});

test('a Healthcheck Docker would refuse is a 400 naming its field', async () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ Test: ['SHELL', 'true'] }, /Healthcheck\.Test must start with "CMD", "CMD-SHELL" or "NONE", got "SHELL"/],
    [{ Test: ['CMD'] }, /Healthcheck\.Test CMD needs a command/],
    [{ Test: ['CMD', 'true'], Interval: 1000 }, /Healthcheck\.Interval cannot be less than 1ms/],
    [{ Test: ['CMD', 'true'], Timeout: 5 }, /Healthcheck\.Timeout cannot be less than 1ms/],
    [{ Test: ['CMD', 'true'], Retries: -1 }, /Healthcheck\.Retries must be a non-negative integer/],
  ];
  for (const [healthcheck, expected] of cases) {
    const answer = await call(socketPath, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', Healthcheck: healthcheck }));
    assert.equal(answer.status, 400, message(answer));
    assert.match(message(answer), expected);
  }
  const accepted = await call(socketPath, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 1_000_000_000 } }));
  assert.equal(accepted.status, 201, message(accepted));
});
