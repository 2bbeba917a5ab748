// One call of dispatch to one plugin, raced against its deadline and the caller's signal with one
// AbortController, so the losers are cleaned up: the timer is cleared when the call settles, and
// the call is aborted when the deadline or the signal wins. PluginHandle.call promises to honour
// the deadline itself; this guard makes dispatch keep docs/hooks-and-merge.md §3 ("a plugin
// that hangs cannot hold a request past it") even when a handle does not.

import { HookdError } from './errors.ts';
import type { HookName } from './hooks.ts';
import type { PluginHandle } from './types.ts';

/** setTimeout fires at once for delays above 2^31-1 ms; no call needs a longer guard than that. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export interface GuardedCall {
  readonly handle: PluginHandle;
  readonly rpc: string;
  readonly request: object;
  readonly hook: HookName;
  /** Epoch ms; already capped by the caller's deadline. */
  readonly deadline: number;
  /** The timeout this deadline came from, for the error message. */
  readonly timeoutMs: number;
  /** The group's or the caller's; undefined when nothing can abort the call but its deadline. */
  readonly signal?: AbortSignal;
}

function abortReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'the caller aborted';
}

function abortedError(call: GuardedCall): HookdError {
  return new HookdError('ERR_HOOK_ABORTED', { plugin: call.handle.name, hook: call.hook, reason: abortReason(call.signal) });
}

/**
 * Resolves with the plugin's reply; rejects (never throws) with the call's failure, ERR_HOOK_TIMEOUT
 * at the deadline or ERR_HOOK_ABORTED when the signal aborts.
 */
export function callWithDeadline(call: GuardedCall): Promise<unknown> {
  const { handle } = call;
  if (call.signal?.aborted === true) return Promise.reject(abortedError(call));
  // A handle that ends every call by the deadline and on the signal itself (the supervisor: its
  // ready wait and slot wait end at both, and the gRPC deadline and cancellation end the call)
  // needs no second timer and controller per call: they cost ~10 µs and a DOMException-backed
  // AbortSignal on every call of the hot path (docs/performance.md §5.3). Its promise is returned
  // as it is: an async wrapper would add a promise and three microtask turns to every call.
  if (handle.enforcesDeadline === true) {
    return handle.call(call.rpc, call.request, { deadline: call.deadline, timeoutMs: call.timeoutMs, hook: call.hook, signal: call.signal });
  }
  return callGuarded(call);
}

async function callGuarded(call: GuardedCall): Promise<unknown> {
  const { handle, hook } = call;
  const aborted = (): HookdError => abortedError(call);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const guard = new Promise<never>((_, reject) => {
    // Timers run on the event loop's cached clock and can fire a little before Date.now() reaches
    // the deadline; re-arm for the rest so "timed out" always means the deadline has passed.
    const arm = (): void => {
      timer = setTimeout(() => {
        if (Date.now() < call.deadline) {
          arm();
          return;
        }
        const error = new HookdError('ERR_HOOK_TIMEOUT', { plugin: handle.name, hook, timeoutMs: call.timeoutMs });
        reject(error);
        controller.abort(error);
      }, Math.min(MAX_TIMER_DELAY_MS, Math.max(0, call.deadline - Date.now())));
    };
    arm();
    if (call.signal !== undefined) {
      const { signal } = call;
      onAbort = () => {
        reject(aborted());
        controller.abort(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([
      handle.call(call.rpc, call.request, { deadline: call.deadline, timeoutMs: call.timeoutMs, hook, signal: controller.signal }),
      guard,
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) call.signal?.removeEventListener('abort', onAbort);
  }
}
