// Parking is not forever. A plugin parked as `failed` (crash loop, protocol mismatch, rejected
// configuration) is started again on a slow jittered schedule, so a plugin whose dependency was
// down for a while comes back by itself:
//   retry n after the n-th park in a row waits between half and all of
//   min(maxMs, initialMs * 2^(n-1)): by default 30-60 s, then 60-120 s, ... up to 7.5-15 min.
// The count starts over once a retried plugin is ready. SIGHUP (a reload) and
// `hookd plugins restart NAME` (POST /hookd/plugins/NAME/restart) bring a parked plugin back at
// once. The timers are cancelled when the plugin is stopped or removed, and by the host's stop().

import { backoffDelayMs, type BackoffPolicy } from './backoff.ts';

export const DEFAULT_PARKED_RETRY: Readonly<BackoffPolicy> = Object.freeze({ initialMs: 60_000, maxMs: 15 * 60_000 });

export class ParkedRetries {
  readonly #policy: BackoffPolicy;
  readonly #random: () => number;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #parks = new Map<string, number>();

  constructor(policy: BackoffPolicy = DEFAULT_PARKED_RETRY, random: () => number = Math.random) {
    this.#policy = policy;
    this.#random = random;
  }

  /** The plugin was parked: schedule `retry` and return the delay chosen. */
  schedule(plugin: string, retry: () => void): number {
    this.cancel(plugin);
    const parks = (this.#parks.get(plugin) ?? 0) + 1;
    this.#parks.set(plugin, parks);
    const delayMs = backoffDelayMs(parks, this.#policy, this.#random);
    const timer = setTimeout(() => {
      this.#timers.delete(plugin);
      retry();
    }, delayMs); // not unref'd: a host with a parked plugin is still supervising it; stop() cancels
    this.#timers.set(plugin, timer);
    return delayMs;
  }

  /** The plugin is ready again: the next park starts the schedule over. */
  recovered(plugin: string): void {
    this.#parks.delete(plugin);
  }

  cancel(plugin: string): void {
    const timer = this.#timers.get(plugin);
    if (timer) clearTimeout(timer);
    this.#timers.delete(plugin);
  }

  cancelAll(): void {
    for (const plugin of [...this.#timers.keys()]) this.cancel(plugin);
    this.#parks.clear();
  }
}
