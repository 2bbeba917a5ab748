// The shapes of the route table. A route is data: {method, path, handler}; the table is an array,
// so API plugins (UpdateHandler) can add, remove and wrap routes before the server starts.

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';

/** A complete answer. Handlers of non-streaming routes return one; the router writes it. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RouteContext {
  method: string;
  /** The path without the /v1.NN prefix, percent-encoded as received. */
  path: string;
  /** The route pattern that matched, e.g. "/containers/{name}/json". */
  routePath: string;
  /** Decoded path parameters. */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The buffered request body (empty for `streamsBody` routes, which read `req` themselves). */
  body: Buffer;
  /** The negotiated API version ("1.43" when the client sent no prefix). */
  apiVersion: string;
  req: IncomingMessage;
  /** For streaming routes that write their own answer. */
  res: ServerResponse;
  /** Present when the client asked to upgrade the connection (attach, exec start). */
  upgrade?: { socket: Duplex; head: Buffer };
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Returns the answer, or undefined when the handler wrote it itself through `ctx.res` or a
 * hijacked connection (streaming routes only).
 */
export type RouteHandler = (ctx: RouteContext) => Promise<ApiResponse | undefined>;

export interface RouteSpec {
  method: string;
  /** Pattern with `{param}` placeholders; a placeholder matches one path segment (one or more
   * characters, no "/"), unless it is named in `slashParams`. */
  path: string;
  /** Placeholders that may contain "/" (Docker's `{name:.*}`), so image names such as
   * "library/busybox" work. Anywhere else a "/" ends the parameter, so /containers/x/top is never
   * a container named "x/top". */
  slashParams?: readonly string[];
  handler: RouteHandler;
  /** The handler writes its own (streamed or hijacked) answer, so it cannot be wrapped "after". */
  streaming?: boolean;
  /** The handler reads the request body itself (tarballs, attach stdin); the router buffers nothing. */
  streamsBody?: boolean;
  /** Set on routes an API plugin serves or wraps, for logs and /info. */
  plugin?: string;
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(value)),
  };
}

export function textResponse(status: number, text: string, contentType = 'text/plain; charset=utf-8'): ApiResponse {
  return { status, headers: { 'Content-Type': contentType }, body: Buffer.from(text) };
}

export function emptyResponse(status: number): ApiResponse {
  return { status, headers: {}, body: Buffer.alloc(0) };
}
