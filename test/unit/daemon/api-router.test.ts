import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { HookdError } from '../../../src/host/errors.ts';
import { ApiError, notModified } from '../../../src/daemon/api/errors.ts';
import { parseJsonObject } from '../../../src/daemon/api/request-body.ts';
import { jsonResponse, type RouteSpec } from '../../../src/daemon/api/route-table.ts';
import { createRouter } from '../../../src/daemon/api/router.ts';
import { createApiServer, type ApiServer } from '../../../src/daemon/api/server.ts';
import { call, tempSocketPath } from './api-http.ts';
import { silentLogger } from './containers-fakes.ts';

const throwing = (error: unknown): RouteSpec['handler'] => async () => { throw error; };

const routes: RouteSpec[] = [
  { method: 'GET', path: '/_ping', handler: async () => ({ status: 200, headers: { 'Content-Type': 'text/plain' }, body: Buffer.from('OK') }) },
  { method: 'GET', path: '/containers/json', handler: async () => jsonResponse(200, ['list']) },
  { method: 'GET', path: '/containers/{name}/json', handler: async (ctx) => jsonResponse(200, { name: ctx.params.name, version: ctx.apiVersion }) },
  { method: 'GET', path: '/images/{name}/json', slashParams: ['name'], handler: async (ctx) => jsonResponse(200, { name: ctx.params.name }) },
  { method: 'POST', path: '/echo', handler: async (ctx) => jsonResponse(200, parseJsonObject(ctx.body, 'echo body')) },
  { method: 'POST', path: '/fail/api', handler: throwing(new ApiError(409, 'Conflict. in use')) },
  { method: 'POST', path: '/fail/304', handler: throwing(notModified()) },
  { method: 'POST', path: '/fail/rejected', handler: throwing(new HookdError('ERR_HOOK_REJECTED', { plugin: 'quota', hook: 'container.preCreate', reason: 'memory over 1g' })) },
  { method: 'POST', path: '/fail/conflict', handler: throwing(new HookdError('ERR_MERGE_CONFLICT', { plugin: 'a', other: 'b', path: 'HostConfig.Memory' })) },
  { method: 'POST', path: '/fail/timeout', handler: throwing(new HookdError('ERR_HOOK_TIMEOUT', { plugin: 'slow', hook: 'container.preStart', timeoutMs: 100 })) },
  { method: 'POST', path: '/fail/required', handler: throwing(new HookdError('ERR_PLUGIN_REQUIRED_UNAVAILABLE', { plugin: 'gate', state: 'failed', hook: 'container.preCreate' })) },
  { method: 'POST', path: '/fail/bug', handler: throwing(new TypeError('x is undefined')) },
];

let server: ApiServer;
let socketPath: string;

before(async () => {
  socketPath = await tempSocketPath();
  server = createApiServer(createRouter(routes, { logger: silentLogger, bodyLimitBytes: 1024 }), { socketPath });
  await server.listen();
});
after(() => server.close());

test('the socket is created with mode 0660', async () => {
  assert.equal((await stat(socketPath)).mode & 0o777, 0o660);
});

test('routes match with and without a /v1.NN prefix, and every answer carries Api-Version', async () => {
  const bare = await call(socketPath, 'GET', '/containers/web/json');
  assert.deepEqual(bare.json(), { name: 'web', version: '1.43' });
  assert.equal(bare.headers['api-version'], '1.43');
  const prefixed = await call(socketPath, 'GET', '/v1.41/containers/web/json');
  assert.deepEqual(prefixed.json(), { name: 'web', version: '1.41' });
});

test('routes without parameters win over patterns, and only parameters declared in slashParams may contain slashes', async () => {
  assert.deepEqual((await call(socketPath, 'GET', '/containers/json')).json(), ['list']);
  assert.deepEqual((await call(socketPath, 'GET', '/images/library/busybox%3Alatest/json')).json(), { name: 'library/busybox:latest' });
  const nested = await call(socketPath, 'GET', '/containers/web/extra/json');
  assert.equal(nested.status, 404, 'a container name is one path segment');
});

test('a Docker Engine API route hookd lacks answers 501 naming the operation, not 404 or 405', async () => {
  for (const [method, path, operation] of [['GET', '/containers/web/top', 'ContainerTop'], ['GET', '/containers/web/archive', 'ContainerArchive'], ['POST', '/containers/web/pause', 'ContainerPause'], ['GET', '/images/library/busybox/get', 'ImageGet']] as const) {
    const answer = await call(socketPath, method, path);
    assert.equal(answer.status, 501, `${method} ${path}`);
    assert.match((answer.json() as { message: string }).message, new RegExp(`^hookd does not implement ${method} .*${operation}`));
  }
});

test('a too new or too old client version is a 400 in Docker\'s words', async () => {
  const tooNew = await call(socketPath, 'GET', '/v1.99/_ping');
  assert.equal(tooNew.status, 400);
  assert.deepEqual(tooNew.json(), { message: 'client version 1.99 is too new. Maximum supported API version is 1.43' });
  const tooOld = await call(socketPath, 'GET', '/v1.12/_ping');
  assert.equal(tooOld.status, 400);
  assert.match((tooOld.json() as { message: string }).message, /^client version 1.12 is too old. Minimum supported API version is 1.24/);
});

test('unknown paths are 404 and known paths with another method 405, both as JSON messages', async () => {
  const missing = await call(socketPath, 'GET', '/nope');
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.json(), { message: 'page not found: GET /nope' });
  assert.equal((await call(socketPath, 'DELETE', '/echo')).status, 405);
});

test('HEAD is served by the GET route without a body', async () => {
  const answer = await call(socketPath, 'HEAD', '/_ping');
  assert.equal(answer.status, 200);
  assert.equal(answer.body.length, 0);
});

test('errors map to Docker status codes and hook errors keep the plugin\'s message', async () => {
  const expectations: Array<[string, number, string | RegExp]> = [
    ['/fail/api', 409, 'Conflict. in use'],
    ['/fail/rejected', 400, 'plugin "quota" rejected container.preCreate: memory over 1g'],
    ['/fail/conflict', 500, 'plugins "a" and "b" both tried to set HostConfig.Memory'],
    ['/fail/timeout', 503, 'plugin "slow" did not answer container.preStart within 100 ms'],
    ['/fail/required', 503, /required plugin "gate" is failed/],
    ['/fail/bug', 500, 'x is undefined'],
  ];
  for (const [path, status, message] of expectations) {
    const answer = await call(socketPath, 'POST', path);
    assert.equal(answer.status, status, path);
    const text = (answer.json() as { message: string }).message;
    if (typeof message === 'string') assert.equal(text, message);
    else assert.match(text, message);
  }
  const unchanged = await call(socketPath, 'POST', '/fail/304');
  assert.equal(unchanged.status, 304);
  assert.equal(unchanged.body.length, 0);
});

test('malformed JSON is a 400 that says what is wrong and where', async () => {
  const answer = await call(socketPath, 'POST', '/echo', '{\n  "Image": "busybox",\n}');
  assert.equal(answer.status, 400);
  const { message } = answer.json() as { message: string };
  assert.match(message, /^echo body: malformed JSON: /);
  assert.match(message, /line 3, column 1/);
  const notObject = await call(socketPath, 'POST', '/echo', '[1]');
  assert.equal((notObject.json() as { message: string }).message, 'echo body: expected a JSON object, got an array');
});

test('a body over the limit is refused with 413', async () => {
  const answer = await call(socketPath, 'POST', '/echo', JSON.stringify({ big: 'x'.repeat(2000) }));
  assert.equal(answer.status, 413);
  assert.match((answer.json() as { message: string }).message, /larger than the limit of 1024 bytes/);
});
