// Calls that arrive while their plugin is starting or restarting wait for it to be ready, within
// the call's own deadline, instead of failing at once: a crashed plugin that comes back within
// the caller's timeout costs latency, not errors. The wait is bounded in two ways:
// - time: the call's deadline (its hook timeout, capped by the caller's), then ERR_HOOK_TIMEOUT;
// - room: at most MAX_CALLS_WAITING_FOR_READY calls wait per plugin; the next one fails at once
//   with ERR_PLUGIN_UNAVAILABLE, so a plugin that never comes back cannot pile up requests.
// A plugin that is parked (failed) or stopped while calls wait releases them at once with
// ERR_PLUGIN_UNAVAILABLE naming its state.

import type { EventEmitter } from 'node:events';

import { HookdError } from './errors.ts';
import type { StateChange } from './plugin-state.ts';
import type { PluginState } from './types.ts';

/** Calls that may wait for one plugin to become ready; documented in docs/hooks-and-merge.md. */
export const MAX_CALLS_WAITING_FOR_READY = 256;

/** States from which a plugin may still become ready by itself. */
export const RECOVERING_STATES: readonly PluginState[] = ['starting', 'restarting'];

export interface ReadyWaitOptions {
  plugin: string;
  hook: string;
  deadline: number;
  /** The caller's budget, for messages (default: what is left until `deadline`). */
  timeoutMs?: number;
  signal: AbortSignal | undefined;
  /** The supervisor's state events. */
  events: EventEmitter<{ state: [StateChange] }>;
  /** True once the call may go ahead (serving, on a new attempt when one failed). */
  isReady: () => boolean;
  state: () => PluginState;
  /** Why the plugin is not serving (its last error), for the message. */
  reason: () => string | undefined;
}

export class ReadyWaitQueue {
  #waiting = 0;

  get waiting(): number {
    return this.#waiting;
  }

  /** Resolves when `isReady()`; rejects with a HookdError naming the plugin otherwise. */
  async wait(options: ReadyWaitOptions): Promise<void> {
    const { plugin, hook } = options;
    if (options.isReady()) return;
    if (!RECOVERING_STATES.includes(options.state()) && !isServingState(options.state())) {
      throw new HookdError('ERR_PLUGIN_UNAVAILABLE', { plugin, hook, state: options.state(), reason: options.reason() });
    }
    if (this.#waiting >= MAX_CALLS_WAITING_FOR_READY) {
      throw new HookdError('ERR_PLUGIN_UNAVAILABLE', { plugin, hook, state: options.state(), reason: `${this.#waiting} calls already wait for it to be ready` });
    }
    this.#waiting += 1;
    const startedAt = Date.now();
    const done = new AbortController();
    try {
      await new Promise<void>((resolve, reject) => {
        const onState = (): void => {
          if (options.isReady()) resolve();
          else if (!RECOVERING_STATES.includes(options.state()) && !isServingState(options.state())) {
            reject(new HookdError('ERR_PLUGIN_UNAVAILABLE', { plugin, hook, state: options.state(), reason: `it did not come back: ${options.reason() ?? 'no reason recorded'}` }));
          }
        };
        options.events.on('state', onState);
        done.signal.addEventListener('abort', () => options.events.off('state', onState), { once: true });
        const timer = setTimeout(() => {
          reject(new HookdError('ERR_HOOK_TIMEOUT', { plugin, hook, timeoutMs: options.timeoutMs ?? Math.max(0, options.deadline - startedAt), reason: `it was ${options.state()} and not ready in time` }));
        }, Math.max(0, options.deadline - Date.now()));
        done.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
        if (options.signal) {
          const onAbort = (): void => reject(new HookdError('ERR_HOOK_ABORTED', { plugin, hook, reason: describeReason(options.signal?.reason) }));
          if (options.signal.aborted) onAbort();
          options.signal.addEventListener('abort', onAbort, { once: true });
          done.signal.addEventListener('abort', () => options.signal?.removeEventListener('abort', onAbort), { once: true });
        }
      });
    } finally {
      done.abort();
      this.#waiting -= 1;
    }
  }
}

function isServingState(state: PluginState): boolean {
  return state === 'ready' || state === 'degraded';
}

function describeReason(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason ?? 'aborted');
}
