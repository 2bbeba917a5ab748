// api.updateHandler: the route changes of all plugins combined into one RouteChanges. Pure.
//
// Rules (docs/hooks-and-merge.md "api.updateHandler"):
// - A route is a method (compared upper-case) and a path pattern ("/containers/{name}/json").
// - add: the plugin serves the route itself; adding a default route replaces the daemon's handler.
//   Two plugins adding the same route → ERR_ROUTE_CONFLICT.
// - remove: the route must exist (a default route). Several plugins may remove the same route.
//   One plugin removing what another adds or wraps → ERR_ROUTE_CONFLICT.
// - wrap: the route must exist (a default route, or one another plugin adds) and ask for `before`
//   and/or `after`. Several plugins may wrap one route; wrappers run in group order, then plugin
//   name (the first is outermost: its `before` runs first and its `after` last).
// - Removing or wrapping a route that does not exist → ERR_HOOK_BAD_REPLY naming the plugin.

import { HookdError } from './errors.ts';
import type { RouteChanges, RouteRef } from './types.ts';

const HOOK: string = 'api.updateHandler';

export interface RouteReply {
  readonly plugin: string;
  /** The plugin's order group; replies are combined in (order, plugin) order. */
  readonly order: number;
  readonly add: readonly RouteRef[];
  readonly remove: readonly RouteRef[];
  readonly wrap: ReadonlyArray<RouteRef & { before: boolean; after: boolean }>;
}

const METHOD = /^[A-Za-z]+$/;

function routeKey(route: RouteRef): string {
  return `${route.method.toUpperCase()} ${route.path}`;
}

function badReply(plugin: string, field: string, reason: string): HookdError {
  return new HookdError('ERR_HOOK_BAD_REPLY', { plugin, hook: HOOK, field, reason });
}

function checkRoute(plugin: string, field: string, value: unknown): RouteRef {
  const route = (value ?? {}) as Partial<RouteRef>;
  if (typeof route.method !== 'string' || !METHOD.test(route.method)) {
    throw badReply(plugin, `${field}.method`, `must be an HTTP method, got ${JSON.stringify(route.method)}`);
  }
  if (typeof route.path !== 'string' || !route.path.startsWith('/')) {
    throw badReply(plugin, `${field}.path`, `must start with "/", got ${JSON.stringify(route.path)}`);
  }
  return { method: route.method.toUpperCase(), path: route.path };
}

function listOf(plugin: string, field: string, value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badReply(plugin, field, 'must be a list');
  return value;
}

/**
 * One plugin's ApiUpdateHandlerResponse (proto shape) checked for shape: methods, paths, and wraps
 * that ask for before or after. Whether the routes exist is checked by combineRoutes.
 */
export function validateRouteReply(plugin: string, order: number, reply: unknown): RouteReply {
  const wire = (reply ?? {}) as Record<string, unknown>;
  return {
    plugin,
    order,
    add: listOf(plugin, 'add', wire.add).map((route, i) => checkRoute(plugin, `add[${i}]`, route)),
    remove: listOf(plugin, 'remove', wire.remove).map((route, i) => checkRoute(plugin, `remove[${i}]`, route)),
    wrap: listOf(plugin, 'wrap', wire.wrap).map((raw, i) => {
      const wrap = (raw ?? {}) as { route?: unknown; before?: unknown; after?: unknown };
      const route = checkRoute(plugin, `wrap[${i}].route`, wrap.route);
      const before = wrap.before === true;
      const after = wrap.after === true;
      if (!before && !after) throw badReply(plugin, `wrap[${i}]`, 'must set before, after or both');
      return { ...route, before, after };
    }),
  };
}

function conflict(a: string, b: string, key: string): HookdError {
  const [plugin, other] = a < b ? [a, b] : [b, a];
  return new HookdError('ERR_ROUTE_CONFLICT', { plugin, other, hook: HOOK, route: key });
}

/** Combines the checked replies of every plugin with the daemon's default route table. */
export function combineRoutes(replies: readonly RouteReply[], defaultRoutes: readonly RouteRef[]): RouteChanges {
  const sorted = [...replies].sort((a, b) => a.order - b.order || (a.plugin < b.plugin ? -1 : a.plugin > b.plugin ? 1 : 0));
  const defaults = new Set(defaultRoutes.map(routeKey));
  const added = new Map<string, string>(); // route → plugin
  const removed = new Map<string, string>();
  const changes: RouteChanges = { add: [], remove: [], wrap: [] };

  for (const reply of sorted) {
    for (const route of reply.add) {
      const key = routeKey(route);
      const owner = added.get(key);
      if (owner === reply.plugin) continue;
      if (owner !== undefined) throw conflict(owner, reply.plugin, key);
      added.set(key, reply.plugin);
      changes.add.push({ method: route.method.toUpperCase(), path: route.path, plugin: reply.plugin });
    }
  }
  for (const reply of sorted) {
    for (const route of reply.remove) {
      const key = routeKey(route);
      const adder = added.get(key);
      if (adder !== undefined && adder !== reply.plugin) throw conflict(adder, reply.plugin, key);
      if (!defaults.has(key)) throw badReply(reply.plugin, 'remove', `route ${key} does not exist`);
      if (removed.has(key)) continue;
      removed.set(key, reply.plugin);
      changes.remove.push({ method: route.method.toUpperCase(), path: route.path, plugin: reply.plugin });
    }
  }
  for (const reply of sorted) {
    for (const wrap of reply.wrap) {
      const key = routeKey(wrap);
      const remover = removed.get(key);
      if (remover !== undefined && remover !== reply.plugin) throw conflict(remover, reply.plugin, key);
      if (!defaults.has(key) && !added.has(key)) throw badReply(reply.plugin, 'wrap', `route ${key} does not exist`);
      changes.wrap.push({ method: wrap.method.toUpperCase(), path: wrap.path, plugin: reply.plugin, before: wrap.before, after: wrap.after });
    }
  }
  return changes;
}
