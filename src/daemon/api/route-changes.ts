// API plugins (hook api.updateHandler): the host returns route changes, and this file turns them
// into a new route table. Plugin-served and wrapped routes reach their plugin through a
// `ForwardHttp` callback that the daemon's main wires to the host's HandleHttp RPC; the shapes
// below mirror proto hookd.v1 HandleHttpRequest / HandleHttpResponse field for field.

import { HookdError } from '../../host/index.ts';
import type {
  ForwardedHttpRequest, ForwardedHttpResponse, HandleHttpCall, HandleHttpReply, HttpHeader, HttpPhase, RouteChanges,
} from '../../host/index.ts';
import { describeError } from './errors.ts';
import { jsonResponse, type ApiResponse, type RouteContext, type RouteHandler, type RouteSpec } from './route-table.ts';

// The HandleHttp shapes are the host's (they mirror the proto); re-exported for the API's users.
export type { ForwardedHttpRequest, ForwardedHttpResponse, HandleHttpCall, HandleHttpReply, HttpHeader, HttpPhase };

/**
 * Calls HandleHttp on `plugin`. Rejects with a HookdError (timeout, unavailable, rejected), which
 * the router answers like any hook failure. `signal` aborts when the HTTP client goes away.
 */
export type ForwardHttp = (plugin: string, call: HandleHttpCall, options: { signal: AbortSignal }) => Promise<HandleHttpReply>;

const HOOK = 'api.updateHandler';

/**
 * Returns a new table: removals first, then additions (an added route that exists replaces it),
 * then wraps (which may wrap an added route). A removal or wrap of a route that does not exist, or
 * an AFTER wrap of a streaming route (its answer is never buffered), is the plugin's bad reply.
 */
export function applyRouteChanges(table: readonly RouteSpec[], changes: RouteChanges, forward: ForwardHttp): RouteSpec[] {
  let routes = [...table];
  const indexOf = (method: string, path: string): number =>
    routes.findIndex((route) => route.method === method.toUpperCase() && route.path === path);

  for (const change of changes.remove) {
    const index = indexOf(change.method, change.path);
    if (index < 0) throw badRoute(change.plugin, `cannot remove ${change.method} ${change.path}: no such route`);
    routes = routes.filter((_, i) => i !== index);
  }
  for (const change of changes.add) {
    const spec: RouteSpec = {
      method: change.method.toUpperCase(),
      path: change.path,
      plugin: change.plugin,
      handler: servedByPlugin(change.plugin, forward),
    };
    const index = indexOf(change.method, change.path);
    if (index >= 0) routes[index] = spec;
    else routes.push(spec);
  }
  for (const change of changes.wrap) {
    const index = indexOf(change.method, change.path);
    const original = routes[index];
    if (!original) throw badRoute(change.plugin, `cannot wrap ${change.method} ${change.path}: no such route`);
    if (change.after && original.streaming) {
      throw badRoute(change.plugin, `cannot wrap ${change.method} ${change.path} after the daemon's handler: the route streams its answer`);
    }
    routes[index] = { ...original, plugin: change.plugin, handler: wrapped(original, change.plugin, change.before, change.after, forward) };
  }
  return routes;
}

function badRoute(plugin: string, reason: string): HookdError {
  return new HookdError('ERR_HOOK_BAD_REPLY', { plugin, hook: HOOK, field: 'routes', reason });
}

function servedByPlugin(plugin: string, forward: ForwardHttp): RouteHandler {
  return async (ctx) => {
    const reply = await forward(plugin, { phase: 'HTTP_PHASE_SERVE', request: toForwarded(ctx) }, { signal: ctx.signal });
    if (!reply.response) {
      throw new HookdError('ERR_HOOK_BAD_REPLY', { plugin, hook: 'api.handleHttp', field: 'response', reason: 'a served route must return a response' });
    }
    return fromForwarded(reply.response);
  };
}

function wrapped(original: RouteSpec, plugin: string, before: boolean, after: boolean, forward: ForwardHttp): RouteHandler {
  return async (ctx) => {
    if (before) {
      const reply = await forward(plugin, { phase: 'HTTP_PHASE_BEFORE', request: toForwarded(ctx) }, { signal: ctx.signal });
      if (reply.response) return fromForwarded(reply.response);
      if (reply.request) applyForwarded(ctx, reply.request);
    }
    if (!after) return original.handler(ctx);
    let answer: ApiResponse | undefined;
    try {
      answer = await original.handler(ctx);
    } catch (error) {
      const { status, message } = describeError(error); // the plugin sees the daemon's error answer
      answer = status === 304 ? { status, headers: {}, body: Buffer.alloc(0) } : jsonResponse(status, { message });
    }
    if (!answer) return undefined;
    const reply = await forward(plugin, { phase: 'HTTP_PHASE_AFTER', request: toForwarded(ctx), response: toForwardedResponse(answer) }, { signal: ctx.signal });
    return reply.response ? fromForwarded(reply.response) : answer;
  };
}

export function toForwarded(ctx: RouteContext): ForwardedHttpRequest {
  const headers: HttpHeader[] = [];
  for (const [name, value] of Object.entries(ctx.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined) headers.push({ name, value: one });
  }
  return {
    method: ctx.method, path: ctx.path, query: ctx.query.toString(), headers, body: ctx.body,
    route_path: ctx.routePath, path_params: { ...ctx.params },
  };
}

/**
 * A BEFORE plugin may change the query, headers and body; the route (and its params) stay. Routes
 * that stream their request body (attach, image import/load) read it from the connection, so a
 * changed body does not reach them.
 */
function applyForwarded(ctx: RouteContext, request: ForwardedHttpRequest): void {
  ctx.query = new URLSearchParams(request.query);
  ctx.body = Buffer.from(request.body ?? Buffer.alloc(0));
  const headers: Record<string, string> = {};
  for (const header of request.headers ?? []) headers[header.name.toLowerCase()] = header.value;
  ctx.headers = headers;
}

function toForwardedResponse(answer: ApiResponse): ForwardedHttpResponse {
  return { status: answer.status, headers: Object.entries(answer.headers).map(([name, value]) => ({ name, value })), body: answer.body };
}

function fromForwarded(response: ForwardedHttpResponse): ApiResponse {
  const headers: Record<string, string> = {};
  for (const header of response.headers ?? []) headers[header.name] = header.value;
  return { status: response.status || 200, headers, body: Buffer.from(response.body ?? Buffer.alloc(0)) };
}
