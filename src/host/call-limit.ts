// Caps the calls in flight to one plugin (manifest.maxInFlight). A plugin is usually sized for a
// few calls at a time, and past ~32 the tail latency of many plugins called together grows
// (docs/configuration.md "Choosing maxInFlight"); callers past the cap wait in FIFO order, and
// that wait counts against their own deadline.

import { CallsInFlight } from './call-deadlines.ts';

/** Why a waiter gave up: its deadline passed or its signal aborted. */
export type GiveUpReason = 'deadline' | 'aborted';

interface Waiter {
  /** Epoch ms: the waiter gives up once it has passed. */
  readonly deadline: number;
  grant(): void;
  /** Its deadline passed (CallsInFlight). */
  expire(): void;
}

export class InFlightLimiter {
  readonly #max: number;
  #inFlight = 0;
  readonly #queue: Waiter[] = [];
  /**
   * The waiters' deadlines, with one timer for all of them (CallsInFlight, as the thin client's calls)
   * instead of a setTimeout/clearTimeout pair per waiter: with 64 callers and 32 slots half the
   * calls wait here.
   */
  readonly #deadlines = new CallsInFlight<Waiter>();

  constructor(max: number) {
    this.#max = Math.max(1, Math.floor(max));
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * A release function when a slot is free now and nobody waits (and `signal` has not aborted);
   * undefined otherwise, and then acquire() decides. Saves a promise on the common path.
   */
  tryAcquire(signal?: AbortSignal): (() => void) | undefined {
    if (signal?.aborted === true || this.#inFlight >= this.#max || this.#queue.length > 0) return undefined;
    this.#inFlight += 1;
    return this.#releaser();
  }

  /**
   * Resolves with a release function once a slot is free. Rejects with `onGiveUp(reason)` when
   * `deadline` (epoch ms) passes or `signal` aborts first; whichever wins clears the other.
   */
  acquire(deadline: number, signal: AbortSignal | undefined, onGiveUp: (reason: GiveUpReason) => Error): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(onGiveUp('aborted'));
    if (this.#inFlight < this.#max && this.#queue.length === 0) {
      this.#inFlight += 1;
      return Promise.resolve(this.#releaser());
    }
    if (deadline <= Date.now()) return Promise.reject(onGiveUp('deadline'));
    return new Promise((resolve, reject) => {
      // The loser's clean-up is two calls, so plain functions rather than an AbortController: under
      // 64 concurrent requests every call past the cap waits here, and a controller's abort()
      // built a DOMException each time (docs/performance.md §5.3).
      const settle = (): void => {
        this.#deadlines.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
      };
      const giveUp = (reason: GiveUpReason) => {
        const index = this.#queue.indexOf(waiter);
        if (index !== -1) this.#queue.splice(index, 1);
        settle();
        reject(onGiveUp(reason));
      };
      const waiter: Waiter = {
        deadline,
        grant: () => {
          settle();
          resolve(this.#releaser());
        },
        expire: () => giveUp('deadline'),
      };
      const onAbort = () => giveUp('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#deadlines.add(waiter);
      this.#queue.push(waiter);
    });
  }

  /** A release that works once: a slot passes straight to the next waiter, if any. */
  #releaser(): () => void {
    let isReleased = false;
    return () => {
      if (isReleased) return;
      isReleased = true;
      const next = this.#queue.shift();
      if (next) next.grant(); // the slot changes hands; #inFlight stays the same
      else this.#inFlight -= 1;
    };
  }
}
