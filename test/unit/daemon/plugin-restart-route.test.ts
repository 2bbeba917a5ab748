// POST /hookd/plugins/{name}/restart: the route `hookd plugins restart NAME` uses.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRouter } from '../../../src/daemon/api/router.ts';
import { createApiServer, type ApiServer } from '../../../src/daemon/api/server.ts';
import { pluginRoutes } from '../../../src/daemon/plugin-routes.ts';
import { UnknownPluginError } from '../../../src/host/plugin-host.ts';
import type { PluginStatus } from '../../../src/host/types.ts';
import { call, tempSocketPath } from './api-http.ts';
import { silentLogger } from './containers-fakes.ts';

const restarted: string[] = [];
let server: ApiServer;
let socketPath: string;

before(async () => {
  socketPath = await tempSocketPath();
  const routes = pluginRoutes({
    manifests: () => [], status: () => [], lastReload: () => undefined,
    restart: async (name) => {
      if (name !== 'gate') throw new UnknownPluginError(name, ['gate']);
      restarted.push(name);
      return { name, state: 'ready', kind: 'launched', hooks: [], restarts: 0, consecutiveFailures: 0, since: new Date().toISOString() } as unknown as PluginStatus;
    },
  });
  server = createApiServer(createRouter(routes, { logger: silentLogger }), { socketPath });
  await server.listen();
});
after(() => server.close());

test('restarts the named plugin and answers its new status', async () => {
  const answer = await call(socketPath, 'POST', '/hookd/plugins/gate/restart');
  assert.equal(answer.status, 200);
  assert.equal((answer.json() as { state: string }).state, 'ready');
  assert.deepEqual(restarted, ['gate']);
});

test('an unknown plugin is a 404 naming it and the plugins there are', async () => {
  const answer = await call(socketPath, 'POST', '/hookd/plugins/nobody/restart');
  assert.equal(answer.status, 404);
  assert.equal((answer.json() as { message: string }).message, 'no plugin named "nobody" is supervised (plugins: gate)');
});
