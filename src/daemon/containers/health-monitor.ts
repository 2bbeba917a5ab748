// The health checks of running containers: one probe loop per container that has a CMD or
// CMD-SHELL test, started when the container starts (status `starting`), resumed with its
// recorded state after a daemon restart, and stopped when the container exits or is removed
// (then `unhealthy`, as dockerd marks a container whose monitor stopped). Each result is written
// to the record (State.Health) and a status change is a `health_status: <status>` event.
//
// The monitor follows the container manager's lifecycle news (start, exit, destroy); it needs
// from the manager only a way to persist a record under its lock.

import type { Logger } from 'pino';
import type { EventBus } from '../events.ts';
import { outsideRequest } from '../request-context.ts';
import type { ContainerRecord } from './container-record.ts';
import { healthTimings, isHealthcheckEnabled, probeCommand, type HealthcheckConfig, type HealthProbeResult, type HealthState } from './health-config.ts';
import { applyProbeResult, nextProbeDelayMs } from './health-status.ts';
import type { ContainerLifecycle } from './lifecycle-events.ts';

export interface HealthMonitorDeps {
  lifecycle: ContainerLifecycle;
  /** The record by id, or undefined once removed. */
  find(id: string): ContainerRecord | undefined;
  /** Writes the record as it is now, under the container's lock. */
  persist(id: string): Promise<void>;
  probe(request: { containerId: string; argv: string[]; timeoutMs: number; signal: AbortSignal }): Promise<HealthProbeResult>;
  events: EventBus;
  logger: Logger;
}

/** The record's State with Health, which only health checks set (Docker's inspect shows it then). */
type StateWithHealth = ContainerRecord['State'] & { Health?: HealthState };

export class HealthMonitor {
  readonly #deps: HealthMonitorDeps;
  /** One per container whose checks run; aborting it stops the loop and kills a probe in flight. */
  readonly #loops = new Map<string, AbortController>();
  readonly #onStart = (id: string): void => this.#begin(id, false);
  readonly #onEnd = (id: string): void => this.#end(id);

  constructor(deps: HealthMonitorDeps) {
    this.#deps = deps;
    deps.lifecycle.on('start', this.#onStart);
    deps.lifecycle.on('exit', this.#onEnd);
    deps.lifecycle.on('destroy', this.#onEnd);
  }

  /** After the daemon loaded its records: resume the checks of running containers where they were. */
  resume(records: Iterable<ContainerRecord>): void {
    for (const record of records) if (record.State.Running) this.#begin(record.Id, true);
  }

  /** Daemon stop: the loops end; the records keep their last health (resume picks it up). */
  close(): void {
    this.#deps.lifecycle.off('start', this.#onStart);
    this.#deps.lifecycle.off('exit', this.#onEnd);
    this.#deps.lifecycle.off('destroy', this.#onEnd);
    for (const controller of this.#loops.values()) controller.abort();
    this.#loops.clear();
  }

  /** Ids of the containers being checked now (tests count timers with it). */
  active(): string[] {
    return [...this.#loops.keys()];
  }

  #begin(id: string, isResume: boolean): void {
    const record = this.#deps.find(id);
    const check = record?.Config.Healthcheck as HealthcheckConfig | undefined;
    if (!record || !isHealthcheckEnabled(check)) return;
    this.#loops.get(id)?.abort();
    const controller = new AbortController();
    this.#loops.set(id, controller);
    const state = record.State as StateWithHealth;
    if (!isResume || !state.Health) {
      state.Health = { Status: 'starting', FailingStreak: 0, Log: state.Health?.Log ?? [] };
      void this.#persist(id); // #persist logs its own failure
    }
    this.#deps.logger.debug({ container: id, resumed: isResume, status: state.Health.Status }, 'health checks started');
    // The loop outlives the request that started the container: its execs are daemon work.
    outsideRequest(() => {
      void this.#loop(record, probeCommand(check, record.Config.Shell as string[] | undefined), healthTimings(check), controller.signal)
        .catch((error: unknown) => this.#deps.logger.error({ err: error, container: id }, 'health check loop failed'));
    });
  }

  #end(id: string): void {
    const controller = this.#loops.get(id);
    if (!controller) return;
    controller.abort();
    this.#loops.delete(id);
    this.#deps.logger.debug({ container: id }, 'health checks stopped');
    const state = this.#deps.find(id)?.State as StateWithHealth | undefined;
    if (state?.Health && state.Health.Status !== 'unhealthy') {
      state.Health = { ...state.Health, Status: 'unhealthy' };
      void this.#persist(id); // #persist logs its own failure
    }
  }

  async #loop(record: ContainerRecord, argv: string[], timings: ReturnType<typeof healthTimings>, signal: AbortSignal): Promise<void> {
    const state = record.State as StateWithHealth;
    const startedAtMs = Date.parse(record.State.StartedAt);
    while (!signal.aborted) {
      if (!(await sleep(nextProbeDelayMs(state.Health!, timings, startedAtMs), signal))) return;
      const result = await this.#deps.probe({ containerId: record.Id, argv, timeoutMs: timings.timeoutMs, signal });
      // A probe cut short by a stop says nothing about the container's health.
      if (signal.aborted || !state.Health) return;
      const before = state.Health.Status;
      state.Health = applyProbeResult(state.Health, result, timings, startedAtMs);
      // Saved before the event goes out: a client that saw `health_status` finds it after a crash too.
      await this.#persist(record.Id);
      if (state.Health.Status !== before) this.#publish(record, state.Health.Status);
    }
  }

  #persist(id: string): Promise<void> {
    return this.#deps.persist(id).catch((error: unknown) => this.#deps.logger.warn({ err: error, container: id }, 'health state not saved'));
  }

  #publish(record: ContainerRecord, status: string): void {
    const attributes = { ...(record.Config.Labels ?? {}), image: record.Config.Image ?? record.Image, name: record.Name.slice(1) };
    this.#deps.events.publish('container', `health_status: ${status}`, record.Id, attributes);
  }
}

/** Resolves true after `ms`, false at once when `signal` aborts first (the timer is cleared). */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(true); }, ms);
    const onAbort = (): void => { clearTimeout(timer); resolve(false); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
