import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HookdError, isHookdError } from '../../../src/host/errors.ts';
import type { RouteChanges } from '../../../src/host/types.ts';
import { ApiError } from '../../../src/daemon/api/errors.ts';
import { applyRouteChanges, type ForwardHttp, type HandleHttpCall } from '../../../src/daemon/api/route-changes.ts';
import { jsonResponse, type RouteSpec } from '../../../src/daemon/api/route-table.ts';
import { createRouter } from '../../../src/daemon/api/router.ts';
import { createApiServer, type ApiServer } from '../../../src/daemon/api/server.ts';
import { call, tempSocketPath } from './api-http.ts';
import { silentLogger } from './containers-fakes.ts';

const table: RouteSpec[] = [
  { method: 'GET', path: '/version', handler: async () => jsonResponse(200, { Version: 'daemon' }) },
  { method: 'GET', path: '/containers/{name}/json', handler: async (ctx) => jsonResponse(200, { Name: ctx.params.name, q: ctx.query.get('q') }) },
  { method: 'POST', path: '/containers/{name}/update', handler: async () => { throw new ApiError(404, 'No such container: x'); } },
  { method: 'DELETE', path: '/containers/{name}', handler: async () => jsonResponse(204, {}) },
  { method: 'GET', path: '/events', streaming: true, handler: async () => undefined },
];

const calls: Array<{ plugin: string; call: HandleHttpCall }> = [];
const forward: ForwardHttp = async (plugin, request) => {
  calls.push({ plugin, call: request });
  const json = (status: number, value: unknown) => ({ status, headers: [{ name: 'Content-Type', value: 'application/json' }], body: Buffer.from(JSON.stringify(value)) });
  if (request.phase === 'HTTP_PHASE_SERVE') {
    return { response: json(200, { servedBy: plugin, path: request.request.path, params: request.request.path_params, route: request.request.route_path }) };
  }
  if (request.phase === 'HTTP_PHASE_BEFORE') {
    if (request.request.path_params.name === 'blocked') return { response: json(403, { message: 'blocked by plugin' }) };
    return { request: { ...request.request, query: 'q=rewritten' } };
  }
  const daemon = JSON.parse(request.response?.body.toString() ?? '{}');
  return { response: json(request.response?.status ?? 0, { ...daemon, wrappedBy: plugin }) };
};

const changes: RouteChanges = {
  add: [{ method: 'GET', path: '/host/exec/{id}', plugin: 'hostexec' }, { method: 'GET', path: '/version', plugin: 'stale-tls' }],
  remove: [{ method: 'DELETE', path: '/containers/{name}', plugin: 'readonly' }],
  wrap: [
    { method: 'GET', path: '/containers/{name}/json', plugin: 'translate', before: true, after: true },
    { method: 'POST', path: '/containers/{name}/update', plugin: 'translate', before: false, after: true },
  ],
};

let server: ApiServer;
let socketPath: string;

before(async () => {
  socketPath = await tempSocketPath();
  server = createApiServer(createRouter(applyRouteChanges(table, changes, forward), { logger: silentLogger }), { socketPath });
  await server.listen();
});
after(() => server.close());

test('an added route is served by its plugin through HandleHttp with the route pattern and parameters', async () => {
  const answer = await call(socketPath, 'GET', '/v1.40/host/exec/abc');
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.json(), { servedBy: 'hostexec', path: '/host/exec/abc', params: { id: 'abc' }, route: '/host/exec/{id}' });
});

test('adding a route that exists replaces the daemon\'s handler', async () => {
  assert.deepEqual((await call(socketPath, 'GET', '/version')).json(), { servedBy: 'stale-tls', path: '/version', params: {}, route: '/version' });
});

test('a removed Docker route answers 501: hookd (with its plugins) does not implement it', async () => {
  const answer = await call(socketPath, 'DELETE', '/containers/web');
  assert.equal(answer.status, 501);
  assert.match((answer.json() as { message: string }).message, /hookd does not implement DELETE \/containers\/\{id\}/);
});

test('a BEFORE wrap may answer instead of the daemon or change the request; AFTER replaces the answer', async () => {
  const blocked = await call(socketPath, 'GET', '/containers/blocked/json');
  assert.equal(blocked.status, 403);
  assert.deepEqual(blocked.json(), { message: 'blocked by plugin' });
  const rewritten = await call(socketPath, 'GET', '/containers/web/json?q=original');
  assert.deepEqual(rewritten.json(), { Name: 'web', q: 'rewritten', wrappedBy: 'translate' });
});

test('an AFTER wrap sees the daemon\'s error answer', async () => {
  calls.length = 0;
  const answer = await call(socketPath, 'POST', '/containers/x/update', '{}');
  assert.equal(answer.status, 404);
  assert.deepEqual(answer.json(), { message: 'No such container: x', wrappedBy: 'translate' });
  assert.equal(calls[0]?.call.phase, 'HTTP_PHASE_AFTER');
  assert.equal(calls[0]?.call.request.body.toString(), '{}');
});

test('forwarding failures are answered like hook failures (503 for a timeout)', async () => {
  const failing: ForwardHttp = async (plugin) => { throw new HookdError('ERR_HOOK_TIMEOUT', { plugin, hook: 'api.handleHttp', timeoutMs: 5 }); };
  const routes = applyRouteChanges([], { add: [{ method: 'GET', path: '/x', plugin: 'slow' }], remove: [], wrap: [] }, failing);
  const path = await tempSocketPath();
  const slowServer = createApiServer(createRouter(routes, { logger: silentLogger }), { socketPath: path });
  await slowServer.listen();
  try {
    const answer = await call(path, 'GET', '/x');
    assert.equal(answer.status, 503);
    assert.deepEqual(answer.json(), { message: 'plugin "slow" did not answer api.handleHttp within 5 ms' });
  } finally {
    await slowServer.close();
  }
});

test('removing or wrapping a route that does not exist, or wrapping a streaming route after, is a bad reply', () => {
  const bad = (c: Partial<RouteChanges>) => () => applyRouteChanges(table, { add: [], remove: [], wrap: [], ...c }, forward);
  assert.throws(bad({ remove: [{ method: 'GET', path: '/nope', plugin: 'p' }] }), (e: unknown) => isHookdError(e, 'ERR_HOOK_BAD_REPLY') && /cannot remove GET \/nope/.test((e as Error).message));
  assert.throws(bad({ wrap: [{ method: 'GET', path: '/nope', plugin: 'p', before: true, after: false }] }), /cannot wrap GET \/nope: no such route/);
  assert.throws(bad({ wrap: [{ method: 'GET', path: '/events', plugin: 'p', before: false, after: true }] }), /the route streams its answer/);
  assert.doesNotThrow(bad({ wrap: [{ method: 'GET', path: '/events', plugin: 'p', before: true, after: false }] }));
});
