// Matches a request against the route table and runs its handler: version prefix, path
// parameters, body buffering with a limit, and one place where errors become JSON answers.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { API_VERSION, splitVersionPrefix } from './api-version.ts';
import { ApiError, describeError } from './errors.ts';
import { DEFAULT_BODY_LIMIT_BYTES, readBody } from './request-body.ts';
import { jsonResponse, type ApiResponse, type RouteContext, type RouteSpec } from './route-table.ts';
import type { Duplex } from 'node:stream';
import { readUpgradeBody } from './hijack.ts';
import { unimplementedOperation } from '../validation/engine-schema/engine-operations.ts';
import { requestIdFrom, runInRequest } from '../request-context.ts';

export interface RouterOptions {
  logger: Logger;
  bodyLimitBytes?: number;
  /** Value of the `Server` header, e.g. "hookd/0.1.0 (linux)". */
  serverHeader?: string;
}

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  names: string[];
}

export interface RouteMatch {
  spec: RouteSpec;
  params: Record<string, string>;
}

export interface Router {
  /** Serves one request; never rejects (failures are answered). */
  handle(req: IncomingMessage, res: ServerResponse, upgrade?: { socket: Duplex; head: Buffer }): Promise<void>;
  match(method: string, path: string): RouteMatch | undefined;
}

function compile(spec: RouteSpec): CompiledRoute {
  const names: string[] = [];
  const source = spec.path.split(/(\{[^}]+\})/).map((part) => {
    const param = /^\{([^}]+)\}$/.exec(part);
    if (!param) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    names.push(param[1] as string);
    return spec.slashParams?.includes(param[1] as string) ? '(.+)' : '([^/]+)';
  }).join('');
  return { spec, pattern: new RegExp(`^${source}$`), names };
}

/** Routes without parameters win over patterns, so GET /containers/json is never a container name. */
export function createRouter(routes: readonly RouteSpec[], options: RouterOptions): Router {
  const compiled = routes.map(compile);
  const ordered = [...compiled.filter((r) => r.names.length === 0), ...compiled.filter((r) => r.names.length > 0)];
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const baseHeaders: Record<string, string> = {
    'Api-Version': API_VERSION,
    'Docker-Experimental': 'false',
    'Ostype': 'linux',
    'Server': options.serverHeader ?? 'hookd (linux)',
  };

  function match(method: string, path: string): RouteMatch | undefined {
    const wanted = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    for (const verb of wanted) {
      for (const route of ordered) {
        if (route.spec.method !== verb) continue;
        const found = route.pattern.exec(path);
        if (!found) continue;
        const params: Record<string, string> = {};
        route.names.forEach((name, i) => { params[name] = safeDecode(found[i + 1] as string); });
        return { spec: route.spec, params };
      }
    }
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, upgrade?: { socket: Duplex; head: Buffer }): Promise<void> {
    const abort = new AbortController();
    const onClose = (): void => abort.abort(new Error('client disconnected'));
    (upgrade?.socket ?? res).once('close', onClose);
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const logger = options.logger.child({ requestId, method: req.method, url: req.url });
    for (const [name, value] of Object.entries(baseHeaders)) res.setHeader(name, value);
    try {
      const url = new URL(req.url ?? '/', 'http://hookd');
      const { version, path } = splitVersionPrefix(url.pathname);
      const method = (req.method ?? 'GET').toUpperCase();
      const found = match(method, path);
      if (!found) throw unmatchedRoute(method, path, routes);
      const ctx: RouteContext = {
        method, path, routePath: found.spec.path, params: found.params, query: url.searchParams,
        headers: req.headers, body: Buffer.alloc(0), apiVersion: version, req, res, upgrade,
        signal: abort.signal, logger,
      };
      if (upgrade) {
        const length = Number(req.headers['content-length'] ?? 0) || 0;
        const { body, rest } = await readUpgradeBody(upgrade.socket, upgrade.head, length, bodyLimitBytes);
        ctx.body = body;
        ctx.upgrade = { socket: upgrade.socket, head: rest };
      } else if (!found.spec.streamsBody) {
        ctx.body = await readBody(req, bodyLimitBytes);
      }
      const answer = await runInRequest(requestId, () => found.spec.handler(ctx));
      if (answer) writeResponse(res, answer, method === 'HEAD');
      logger.debug({ status: answer?.status ?? res.statusCode }, 'request served');
    } catch (error) {
      const { status, message } = describeError(error);
      if (status >= 500) logger.error({ err: error }, 'request failed');
      else logger.debug({ status, message }, 'request refused');
      if (res.headersSent) {
        res.destroy(error instanceof Error ? error : undefined); // mid-stream: the client sees a cut stream
        return;
      }
      writeResponse(res, status === 304 ? { status, headers: {}, body: Buffer.alloc(0) } : jsonResponse(status, { message }), req.method === 'HEAD');
    }
  }

  return { handle, match };
}

/**
 * No route matched: 405 when another method serves the path, 501 naming the Docker Engine API
 * operation when the path is one of Docker's that hookd does not implement, else Docker's 404.
 */
function unmatchedRoute(method: string, path: string, routes: readonly RouteSpec[]): ApiError {
  if (routes.some((route) => compile(route).pattern.test(path))) return new ApiError(405, `method ${method} is not allowed on ${path}`);
  const operation = unimplementedOperation(method, path);
  if (operation) {
    return new ApiError(501, `hookd does not implement ${operation.method} ${operation.path} (the Docker Engine API's ${operation.operationId}); see docs/daemon.md for the routes it serves`);
  }
  return new ApiError(404, `page not found: ${method} ${path}`);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a stray "%" is part of the name, not an escape
  }
}

export function writeResponse(res: ServerResponse, answer: ApiResponse, isHead = false): void {
  if (res.headersSent) return;
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  if (answer.status !== 304 && answer.status !== 204) res.setHeader('Content-Length', answer.body.length);
  res.end(isHead || answer.status === 304 ? undefined : answer.body);
}
