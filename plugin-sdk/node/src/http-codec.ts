// Conversions for api.UpdateHandler and HandleHttp between the protobuf messages and the plain
// shapes in hook-types.ts.
import type { HttpRequest, HttpRequest__Output } from './generated/types/hookd/v1/HttpRequest.ts';
import type { HttpResponse, HttpResponse__Output } from './generated/types/hookd/v1/HttpResponse.ts';
import type { ApiUpdateHandlerResponse } from './generated/types/hookd/v1/ApiUpdateHandlerResponse.ts';
import type { HandleHttpContext, HttpRequestSpec, HttpResponseSpec, RouteChangesSpec } from './hook-types.ts';

const PHASES: Record<string, HandleHttpContext<unknown>['phase']> = {
  HTTP_PHASE_SERVE: 'serve',
  HTTP_PHASE_BEFORE: 'before',
  HTTP_PHASE_AFTER: 'after',
};

export function decodePhase(value: string): HandleHttpContext<unknown>['phase'] {
  return PHASES[value] ?? 'unspecified';
}

export function decodeHttpRequest(message: HttpRequest__Output | null): HttpRequestSpec {
  return {
    method: message?.method ?? '',
    path: message?.path ?? '',
    query: message?.query ?? '',
    headers: (message?.headers ?? []).map(({ name, value }) => ({ name, value })),
    body: message?.body ?? Buffer.alloc(0),
    routePath: message?.route_path ?? '',
    pathParams: { ...(message?.path_params ?? {}) },
  };
}

export function encodeHttpRequest(spec: HttpRequestSpec): HttpRequest {
  return {
    method: spec.method,
    path: spec.path,
    query: spec.query,
    headers: spec.headers,
    body: spec.body,
    route_path: spec.routePath,
    path_params: spec.pathParams,
  };
}

export function decodeHttpResponse(message: HttpResponse__Output | null): HttpResponseSpec | undefined {
  if (!message) return undefined;
  return { status: message.status, headers: message.headers.map(({ name, value }) => ({ name, value })), body: message.body };
}

export function encodeHttpResponse(spec: HttpResponseSpec): HttpResponse {
  return {
    status: spec.status,
    headers: spec.headers ?? [],
    body: typeof spec.body === 'string' ? Buffer.from(spec.body, 'utf8') : (spec.body ?? Buffer.alloc(0)),
  };
}

export function encodeRouteChanges(changes: RouteChangesSpec | void): ApiUpdateHandlerResponse {
  return {
    add: changes?.add ?? [],
    remove: changes?.remove ?? [],
    wrap: (changes?.wrap ?? []).map((wrap) => ({ route: wrap.route, before: wrap.before ?? false, after: wrap.after ?? false })),
  };
}
