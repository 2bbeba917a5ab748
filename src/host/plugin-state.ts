// The supervisor's state machine. PluginState (types.ts) changes only through transitionTo(),
// which refuses moves that are not in LEGAL_MOVES and logs the legal ones, so a supervisor bug
// shows up as a thrown error at the faulty step instead of a plugin in an impossible state.

import { EventEmitter } from 'node:events';

import type { Logger } from 'pino';

import type { PluginState } from './types.ts';

/**
 * Every legal move. A supervisor starts `stopped` (nothing launched yet).
 * - starting → ready: first Describe + Configure succeeded.
 * - starting → restarting: the attempt failed (exit, start timeout) and may be retried.
 * - starting → failed: protocol mismatch, rejected configuration, or the crash loop limit.
 * - ready ⇄ degraded: health checks failing / passing again.
 * - ready | degraded → restarting: crash, lost connection, health failing for too long.
 * - restarting → starting: the backoff elapsed.
 * - restarting → failed: parked (crash loop) while waiting to retry.
 * - any live state → stopping → stopped: stop(); failed → stopped directly (nothing to stop).
 */
const LEGAL_MOVES: Readonly<Record<PluginState, readonly PluginState[]>> = {
  stopped: ['starting'],
  starting: ['ready', 'restarting', 'failed', 'stopping'],
  ready: ['degraded', 'restarting', 'failed', 'stopping'],
  degraded: ['ready', 'restarting', 'failed', 'stopping'],
  restarting: ['starting', 'failed', 'stopping'],
  failed: ['stopping', 'stopped'],
  stopping: ['stopped'],
};

export interface StateChange {
  plugin: string;
  from: PluginState;
  to: PluginState;
  /** ISO time of the change. */
  at: string;
  /** Why, for the log and for operators (the error message, "stop requested", ...). */
  reason?: string;
}

export class IllegalTransitionError extends Error {
  constructor(plugin: string, from: PluginState, to: PluginState, expected: readonly PluginState[]) {
    super(`plugin "${plugin}": illegal state change ${from} → ${to} (expected to be in ${expected.join('|')})`);
    this.name = 'IllegalTransitionError';
  }
}

export function isLegalMove(from: PluginState, to: PluginState): boolean {
  return LEGAL_MOVES[from].includes(to);
}

/** Emits 'change' (StateChange) after every accepted transition. */
export class PluginStateMachine extends EventEmitter<{ change: [StateChange] }> {
  #state: PluginState = 'stopped';
  #since = new Date();
  readonly #plugin: string;
  readonly #logger: Logger | undefined;

  constructor(plugin: string, logger?: Logger) {
    super();
    this.#plugin = plugin;
    this.#logger = logger;
  }

  get state(): PluginState {
    return this.#state;
  }

  get since(): Date {
    return this.#since;
  }

  /**
   * Moves to `to` if the current state is one of `from` and the move is legal. Throws
   * IllegalTransitionError otherwise: callers name the states they expect to leave, so a
   * transition that races another one (a crash during stop) fails loudly rather than silently.
   */
  transitionTo(from: readonly PluginState[], to: PluginState, reason?: string): void {
    const current = this.#state;
    if (!from.includes(current) || !isLegalMove(current, to)) {
      throw new IllegalTransitionError(this.#plugin, current, to, from);
    }
    this.#state = to;
    this.#since = new Date();
    const change: StateChange = { plugin: this.#plugin, from: current, to, at: this.#since.toISOString(), reason };
    this.#logger?.info({ plugin: this.#plugin, from: current, to, reason }, `plugin ${this.#plugin}: ${current} → ${to}`);
    this.emit('change', change);
  }

  /** transitionTo() when the current state is one of `from`; false (and no change) otherwise. */
  tryTransitionTo(from: readonly PluginState[], to: PluginState, reason?: string): boolean {
    if (!from.includes(this.#state)) return false;
    this.transitionTo(from, to, reason);
    return true;
  }
}
