// The HTTP request an operation belongs to, carried through async calls, so that every plugin
// call of one request shares its request id (InvokeOptions.requestId) and the logs correlate.
// Work that outlives its request (watching for an exit, policy restarts) runs outside it.

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Uses the client's X-Request-Id when it sent a sane one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : randomUUID();
}

export function runInRequest<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Runs `fn` (and everything it schedules) as daemon work, not as part of the current request. */
export function outsideRequest<T>(fn: () => T): T {
  return storage.exit(fn);
}
