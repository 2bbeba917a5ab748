// POST /auth: `docker login` asks the daemon to check credentials against a registry. hookd keeps
// nothing: the CLI stores them and sends them back with each pull (X-Registry-Auth).

import { badRequest } from './errors.ts';
import { parseJsonObject } from './request-body.ts';
import type { RouteDeps } from './route-deps.ts';
import { jsonResponse, type RouteSpec } from './route-table.ts';

export function registryRoutes(deps: RouteDeps): RouteSpec[] {
  return [{
    method: 'POST', path: '/auth', handler: async (ctx) => {
      const body = parseJsonObject(ctx.body, 'auth config');
      const text = (key: string): string | undefined => (typeof body[key] === 'string' && body[key] !== '' ? body[key] as string : undefined);
      const username = text('username');
      const password = text('password');
      if (!username || !password) throw badRequest('auth config: "username" and "password" are required');
      if (!deps.puller) throw badRequest('this daemon has no content store, so it does not talk to registries');
      await deps.puller.login(text('serveraddress') ?? 'docker.io', { username, password }, ctx.signal);
      return jsonResponse(200, { Status: 'Login Succeeded', IdentityToken: '' });
    },
  }];
}
