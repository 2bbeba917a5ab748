// The kit's realistic inputs stay what the daemon really sends.
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { defaultRoutes } from '../../../src/daemon/api/default-routes.ts';
import type { RouteDeps } from '../../../src/daemon/api/route-deps.ts';
import { pluginRoutes, type PluginRoutesSource } from '../../../src/daemon/plugin-routes.ts';
import { DEFAULT_ROUTES } from '../../../src/conformance/inputs.ts';

it('sends ApiUpdateHandler the route table the daemon sends', () => {
  // Building the tables only closes over their dependencies; no handler runs, so none is needed.
  const tables = [...defaultRoutes({} as RouteDeps), ...pluginRoutes({} as PluginRoutesSource)];
  const daemonRoutes = tables.map((route) => ({ method: route.method, path: route.path }));
  assert.deepEqual([...DEFAULT_ROUTES], daemonRoutes, 'update DEFAULT_ROUTES in src/conformance/inputs.ts to match src/daemon/api/default-routes.ts and src/daemon/plugin-routes.ts');
});
