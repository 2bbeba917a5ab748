// HandleHttp: one HTTP request on a route an api.updateHandler plugin added or wrapped, sent to
// that plugin under the same rules as any hook call (dispatch-call.ts): the plugin must be ready,
// the call's timeout is the plugin's api.updateHandler timeout (effectiveTimeoutMs: manifest
// override, Describe suggestion, manifest timeoutMs), never past the caller's deadline, and the
// caller's signal (the HTTP client going away) abandons it. Failures are HookdErrors naming the
// plugin; the embedder decides how they answer (the daemon: 503 or 502).

import { callWithDeadline } from './dispatch-call.ts';
import { effectiveTimeoutMs } from './dispatch-policy.ts';
import { HookdError } from './errors.ts';
import type { HandleHttpCall, HandleHttpReply, PluginHandle } from './types.ts';

/** The hook whose plugins serve HandleHttp: its timeout and subscription apply. */
const HOOK = 'api.updateHandler';

export interface HandleHttpOptions {
  signal?: AbortSignal;
  /** The caller's own deadline (epoch ms). */
  deadline?: number;
}

export async function callHandleHttp(handles: readonly PluginHandle[], plugin: string, call: HandleHttpCall, options: HandleHttpOptions = {}): Promise<HandleHttpReply> {
  const handle = handles.find((candidate) => candidate.name === plugin);
  if (!handle) throw new HookdError('ERR_PLUGIN_NOT_LOADED', { plugin, hook: 'HandleHttp' });
  const timeoutMs = effectiveTimeoutMs(handle.manifest, HOOK, handle.subscriptions().get(HOOK));
  const startedAt = Date.now();
  const deadline = Math.min(startedAt + timeoutMs, options.deadline ?? Number.POSITIVE_INFINITY);
  const reply = await callWithDeadline({
    handle, rpc: 'HandleHttp', request: call, hook: HOOK, deadline, timeoutMs: deadline - startedAt,
    signal: options.signal ?? new AbortController().signal,
  }) as { request?: HandleHttpReply['request'] | null; response?: HandleHttpReply['response'] | null } | null;
  // The host's decoder fills unset messages with null; HandleHttpReply's "not set" is absent.
  return { ...(reply?.request ? { request: reply.request } : {}), ...(reply?.response ? { response: reply.response } : {}) };
}
