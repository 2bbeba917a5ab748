// The deadlines of the thin client's calls in flight (wire-client.ts), and of the calls waiting
// for a slot (call-limit.ts): one timer per client (per limiter) for all of them instead of a
// setTimeout/clearTimeout pair per call. A per-call timer cost 1.5-4 µs
// of CPU per call in a tight loop (a Timeout, a timer list created and dropped for each distinct
// delay, a libuv call), on every hook call; here a call is added to a Set and deleted from it.
//
// The contract is the per-call timer's: a call in flight is ended by expire() once Date.now() has
// reached its deadline (never before: timers run on the event loop's cached clock and can fire a
// little early, so the timer is re-armed for what is left), and a call in flight holds the
// process open by the timer while calls after it settle do not. The timer is armed for the
// earliest deadline in flight; a call that settles leaves it armed (nothing to undo), and when it
// fires it ends the overdue calls and re-arms for the earliest deadline left, if any.

/** setTimeout fires at once for delays above 2^31-1 ms; the timer re-arms for the rest. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A call in flight: its deadline (epoch ms) and how it ends at it. */
export interface DeadlineCall {
  readonly deadline: number;
  expire(): void;
}

export class CallsInFlight<Call extends DeadlineCall> {
  readonly #calls = new Set<Call>();
  #timer: NodeJS.Timeout | undefined;
  /** When the armed timer is due (epoch ms); Infinity when none is armed. */
  #dueAt = Number.POSITIVE_INFINITY;
  #isClosed = false;

  get size(): number {
    return this.#calls.size;
  }

  /** A call starts: it is ended at its deadline unless delete() comes first. */
  add(call: Call): void {
    this.#calls.add(call);
    if (this.#isClosed) return;
    if (call.deadline < this.#dueAt) this.#arm(call.deadline);
    else if (this.#calls.size === 1) this.#timer?.ref();
  }

  /** A call settled. The last one lets the timer stop holding the process open. */
  delete(call: Call): void {
    if (this.#calls.delete(call) && this.#calls.size === 0) this.#timer?.unref();
  }

  /** The calls in flight, as a copy: ending one deletes it. */
  values(): Call[] {
    return [...this.#calls];
  }

  /** No timer from now on; calls still added are not ended at their deadline (the client ends them). */
  close(): void {
    this.#isClosed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dueAt = Number.POSITIVE_INFINITY;
  }

  #arm(deadline: number): void {
    clearTimeout(this.#timer);
    this.#dueAt = deadline;
    this.#timer = setTimeout(() => this.#expire(), Math.min(MAX_TIMER_DELAY_MS, Math.max(0, deadline - Date.now())));
  }

  /** Ends every call whose deadline has passed, in the order they started; re-arms for the rest. */
  #expire(): void {
    this.#timer = undefined;
    this.#dueAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const call of this.#calls) {
      if (call.deadline <= now) call.expire();
      else if (call.deadline < next) next = call.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY && !this.#isClosed) this.#arm(next);
  }
}
