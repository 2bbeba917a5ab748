// Watching a ready plugin: periodic grpc.health.v1 checks, and (for attached plugins) the
// channel's connectivity, so a sidecar that goes away is redialled without waiting for a check.

import { setTimeout as delay } from 'node:timers/promises';

import * as grpc from '@grpc/grpc-js';

import { HookdError } from './errors.ts';
import { callUnary, type PluginClients } from './grpc-client.ts';
import type { HealthCheckSpec } from './types.ts';

/** One grpc.health.v1 Check of the whole server (service ""); anything but SERVING fails. */
export async function checkHealth(plugin: string, clients: PluginClients, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const reply = await callUnary<{ status: string }>(clients.health, 'Check', { service: '' }, {
    deadline: Date.now() + timeoutMs, signal, plugin, hook: 'health check',
  });
  if (reply.status !== 'SERVING') {
    throw new HookdError('ERR_HOOK_REJECTED', { plugin, hook: 'health check', reason: `health status is ${reply.status}` });
  }
}

export interface HealthMonitorOptions {
  spec: HealthCheckSpec;
  check: (signal: AbortSignal) => Promise<void>;
  /** After each failed check, with the count of consecutive failures. */
  onFailure: (consecutiveFailures: number, error: unknown) => void;
  /** After a successful check that ends a run of failures. */
  onRecovery: () => void;
  /** Ends the monitor: the attempt it watches is over. */
  signal: AbortSignal;
}

/**
 * Runs checks every spec.intervalMs until `signal` aborts. checkNow() runs one out of turn (a
 * call failed on the transport); overlapping checks are not started.
 */
export class HealthMonitor {
  readonly #options: HealthMonitorOptions;
  #consecutiveFailures = 0;
  #isChecking = false;

  constructor(options: HealthMonitorOptions) {
    this.#options = options;
    void this.#loop();
  }

  checkNow(): void {
    void this.#runCheck();
  }

  async #loop(): Promise<void> {
    const { signal, spec } = this.#options;
    while (!signal.aborted) {
      try {
        await delay(spec.intervalMs, undefined, { signal });
      } catch {
        return; // aborted: the attempt is over, and so is the monitor
      }
      await this.#runCheck();
    }
  }

  async #runCheck(): Promise<void> {
    const { signal } = this.#options;
    if (this.#isChecking || signal.aborted) return;
    this.#isChecking = true;
    try {
      await this.#options.check(signal);
      if (signal.aborted) return;
      if (this.#consecutiveFailures > 0) {
        this.#consecutiveFailures = 0;
        this.#options.onRecovery();
      }
    } catch (error) {
      if (signal.aborted) return;
      this.#consecutiveFailures += 1;
      this.#options.onFailure(this.#consecutiveFailures, error);
    } finally {
      this.#isChecking = false;
    }
  }
}

/**
 * Calls `onLost` once when the channel leaves READY (the peer closed the connection or it broke).
 * Stops watching when `signal` aborts; closing the channel ends the watch too (SHUTDOWN).
 */
export function watchConnectionLoss(clients: PluginClients, signal: AbortSignal, onLost: (state: string) => void): void {
  const channel = clients.plugin.getChannel();
  let state = channel.getConnectivityState(false);
  const watch = () => {
    channel.watchConnectivityState(state, Infinity, () => {
      if (signal.aborted) return;
      const next = channel.getConnectivityState(false);
      if (state === grpc.connectivityState.READY && next !== grpc.connectivityState.READY) {
        onLost(grpc.connectivityState[next]);
        return;
      }
      if (next === grpc.connectivityState.SHUTDOWN) return;
      state = next;
      watch();
    });
  };
  watch();
}
