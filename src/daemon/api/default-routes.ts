// The daemon's default route table, resource by resource (the table API plugins see).

import { containerRoutes } from './container-routes.ts';
import { containerStreamRoutes } from './container-stream-routes.ts';
import { execRoutes } from './exec-routes.ts';
import { imageRoutes } from './image-routes.ts';
import { networkRoutes } from './network-routes.ts';
import { registryRoutes } from './registry-routes.ts';
import type { RouteDeps } from './route-deps.ts';
import type { RouteSpec } from './route-table.ts';
import { systemDfRoutes } from './system-df-route.ts';
import { systemRoutes } from './system-routes.ts';
import { volumeRoutes } from './volume-routes.ts';

export function defaultRoutes(deps: RouteDeps): RouteSpec[] {
  return [
    ...systemRoutes(deps),
    ...systemDfRoutes(deps),
    ...containerRoutes(deps),
    ...containerStreamRoutes(deps),
    ...execRoutes(deps),
    ...volumeRoutes(deps),
    ...networkRoutes(deps),
    ...imageRoutes(deps),
    ...registryRoutes(deps),
  ];
}
