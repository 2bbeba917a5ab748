// Docker's restart policies: no, always, unless-stopped, on-failure[:N]. A container stopped by
// the user (stop, kill with the stop signal, rm -f) is never restarted. Restarts back off:
// 100 ms doubling to 1 minute, reset when the previous run lasted 10 seconds or more.

import type { ContainerRecord } from './container-record.ts';

export const RESTART_BACKOFF = { initialMs: 100, maxMs: 60_000, resetAfterMs: 10_000 };

export function shouldRestart(record: ContainerRecord, exitCode: number, isManualStop: boolean): boolean {
  if (isManualStop) return false;
  const policy = record.HostConfig.RestartPolicy ?? { Name: 'no' };
  switch (policy.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure': {
      const max = policy.MaximumRetryCount ?? 0;
      return exitCode !== 0 && (max === 0 || record.RestartCount < max);
    }
    default:
      return false;
  }
}

/** Delay before restart number `attempt` (1-based, counted since the last long-enough run). */
export function restartDelayMs(attempt: number, backoff = RESTART_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Pending policy restarts, one timer per container, with the backoff streak: restarts since the
 * last run that lasted `resetAfterMs`.
 */
export class RestartScheduler {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #streaks = new Map<string, number>();
  readonly #backoff: typeof RESTART_BACKOFF;

  constructor(backoff: typeof RESTART_BACKOFF = RESTART_BACKOFF) {
    this.#backoff = backoff;
  }

  schedule(id: string, ranMs: number, restart: () => void): void {
    const streak = ranMs >= this.#backoff.resetAfterMs ? 1 : (this.#streaks.get(id) ?? 0) + 1;
    this.#streaks.set(id, streak);
    this.#timers.set(id, setTimeout(() => {
      this.#timers.delete(id);
      restart();
    }, restartDelayMs(streak, this.#backoff)));
  }

  /** True when a restart was pending. */
  cancel(id: string): boolean {
    const timer = this.#timers.get(id);
    if (!timer) return false;
    clearTimeout(timer);
    this.#timers.delete(id);
    return true;
  }

  /** A start by the user begins a new streak. */
  reset(id: string): void {
    this.#streaks.delete(id);
  }

  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }
}
