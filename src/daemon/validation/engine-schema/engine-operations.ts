// The Docker Engine API's operations (from engine-api.json, generated from Docker's swagger), so
// that a request for one hookd does not serve answers 501 "hookd does not implement ..." instead
// of a 404 or 405 that hides why `docker top` or `docker cp` failed.

import engineApi from './engine-api.json' with { type: 'json' };

export interface EngineOperation {
  method: string;
  /** Swagger's path, e.g. "/containers/{id}/top". */
  path: string;
  operationId: string;
}

interface CompiledOperation extends EngineOperation { pattern: RegExp }

let compiled: CompiledOperation[] | undefined;

function operations(): CompiledOperation[] {
  // Docker's router lets names contain "/" (images, plugins, distribution: {name:.*}); ids are
  // one segment, so /containers/x/y/json is no Docker route.
  compiled ??= engineApi.operations.map((operation) => ({
    ...operation,
    pattern: new RegExp(`^${operation.path.split(/(\{[^}]+\})/).map((part) => (part === '{name}' ? '(.+)' : part.startsWith('{') ? '([^/]+)' : escape(part))).join('')}$`),
  }));
  return compiled;
}

/** The Engine API operation for `method` and `path` (HEAD counts as GET), or undefined. */
export function unimplementedOperation(method: string, path: string): EngineOperation | undefined {
  const verb = method === 'HEAD' ? 'GET' : method;
  const found = operations().find((operation) => operation.method === verb && operation.pattern.test(path));
  return found ? { method: found.method, path: found.path, operationId: found.operationId } : undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
}
