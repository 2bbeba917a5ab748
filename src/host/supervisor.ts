// Supervises one plugin from its manifest: runs attempts (launch or dial → handshake → ready →
// watch) one after another, restarts or redials with backoff after a crash, parks the plugin as
// failed after a crash loop or a failure no restart can fix, and serves calls while it is ready.
// Every state change goes through the guarded PluginStateMachine.

import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';

import type { Logger } from 'pino';

import { AttemptStopped, PluginAttempt } from './attempt.ts';
import { backoffDelayMs } from './backoff.ts';
import { InFlightLimiter } from './call-limit.ts';
import { HookdError, isHookdError } from './errors.ts';
import { isTransportFailure } from './grpc-client.ts';
import { PARKING_CODES } from './handshake.ts';
import type { HookName } from './hooks.ts';
import { PluginStateMachine, type StateChange } from './plugin-state.ts';
import { ReadyWaitQueue } from './ready-wait.ts';
import type { CallOptions, HookSubscription, PluginHandle, PluginManifest, PluginState, PluginStatus } from './types.ts';

export const DEFAULT_STOP_GRACE_MS = 5_000;

export interface SupervisorOptions {
  manifest: PluginManifest;
  logger: Logger;
  hostName: string;
  hostVersion: string;
  /** The 0700 directory for launched plugins' sockets (createRuntimeDir). */
  runtimeDir: string;
  /** Shutdown + SIGTERM time before SIGKILL, when stopping or restarting a live plugin. */
  stopGraceMs?: number;
  /** Jitter source for restart backoff; injected by tests. */
  random?: () => number;
}

const SERVING: readonly PluginState[] = ['ready', 'degraded'];
const LIVE: readonly PluginState[] = ['starting', 'ready', 'degraded', 'restarting'];

export class PluginSupervisor extends EventEmitter<{ state: [StateChange] }> implements PluginHandle {
  /** call() ends at the deadline (ready wait, slot wait, gRPC deadline) and on the signal. */
  readonly enforcesDeadline = true;
  readonly name: string;
  readonly manifest: PluginManifest;
  readonly #options: SupervisorOptions;
  readonly #logger: Logger;
  readonly #machine: PluginStateMachine;
  readonly #limiter: InFlightLimiter;
  readonly #readyWait = new ReadyWaitQueue();
  #lifecycle = new AbortController();
  #attempt: PluginAttempt | undefined;
  #running: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #subscriptions: ReadonlyMap<HookName, HookSubscription> = new Map();
  #version: string | undefined;
  #protocolVersion: string | undefined;
  #restarts = 0;
  #consecutiveFailures = 0;
  /** Set when the current attempt is ended by failing health checks (not counted as a crash). */
  #endedByHealth = false;
  #lastError: PluginStatus['lastError'];

  constructor(options: SupervisorOptions) {
    super();
    this.name = options.manifest.name;
    this.manifest = options.manifest;
    this.#options = options;
    this.#logger = options.logger;
    this.#machine = new PluginStateMachine(this.name, options.logger);
    this.#machine.on('change', (change) => this.emit('state', change));
    this.#limiter = new InFlightLimiter(options.manifest.maxInFlight);
  }

  get state(): PluginState {
    return this.#machine.state;
  }

  subscriptions(): ReadonlyMap<HookName, HookSubscription> {
    return this.#subscriptions;
  }

  status(): PluginStatus {
    return {
      name: this.name,
      kind: this.manifest.launch ? 'launched' : 'attached',
      state: this.state,
      version: this.#version,
      protocolVersion: this.#protocolVersion,
      hooks: [...this.#subscriptions.keys()],
      pid: this.#attempt?.pid,
      restarts: this.#restarts,
      consecutiveFailures: this.#consecutiveFailures,
      lastError: this.#lastError,
      since: this.#machine.since.toISOString(),
    };
  }

  /** Starts supervising; resolves with the first settled state: ready, failed or stopped. Never rejects. */
  start(): Promise<PluginState> {
    const settled = this.#nextSettledState();
    if (!this.#running && this.state === 'stopped' && !this.#stopping) {
      this.#running = this.#supervise().catch((error: unknown) => {
        // A bug (an illegal transition): report it loudly and leave the plugin parked.
        this.#logger.error({ err: error, plugin: this.name }, `supervisor of plugin ${this.name} failed`);
        this.#recordError(error);
        this.#machine.tryTransitionTo(LIVE, 'failed', 'supervisor error');
      });
    }
    return settled;
  }

  /**
   * Stops the plugin (graceful sequence) and resolves when it is stopped. Idempotent.
   * `keepSidecar`: an attached plugin is not sent Shutdown, because another supervisor takes it
   * over at once (its manifest changed, or a restart): it is redialled, not told to exit.
   */
  stop(reason = 'host stopping', options: { keepSidecar?: boolean } = {}): Promise<void> {
    this.#stopping ??= this.#stop(reason, options.keepSidecar === true);
    return this.#stopping;
  }

  async #stop(reason: string, keepSidecar: boolean): Promise<void> {
    this.#lifecycle.abort(new AttemptStopped(reason));
    this.#machine.tryTransitionTo(LIVE, 'stopping', reason);
    await this.#running;
    await this.#attempt?.close(reason, { keepSidecar });
    this.#machine.tryTransitionTo(['stopping', 'failed'], 'stopped', reason);
  }

  /**
   * Calls `rpc` on the plugin. A call that finds the plugin starting or restarting waits for it to
   * be ready within its deadline (ready-wait.ts). A call that fails because the plugin's process
   * died or its connection dropped (a transport failure) is sent again to the next attempt, once
   * per attempt, within the same deadline: a plugin that crashes and comes back in time costs
   * latency, not errors. Hooks are transforms of what they are given, so sending one again is safe;
   * docs/protocol.md tells plugin authors so.
   */
  call(rpc: string, request: object, options: CallOptions): Promise<unknown> {
    // The common case, a ready plugin with a free slot, as one promise reaction on the wire call's
    // promise instead of two async frames awaiting each other: two fewer promises and microtask
    // turns on every hook call (docs/performance.md §5.4). It does what #callLoop and #callAttempt
    // do for that case, in the same order (#afterFailure).
    const attempt = this.#attempt;
    const wire = attempt?.wire;
    if (wire !== undefined && (this.state === 'ready' || this.state === 'degraded')) {
      const release = this.#limiter.tryAcquire(options.signal);
      if (release !== undefined) {
        const { hook, deadline, signal } = options;
        const timeoutMs = options.timeoutMs ?? Math.max(0, deadline - Date.now());
        let reply: Promise<unknown>;
        try {
          reply = wire.call(rpc, request, { plugin: this.name, hook, deadline, timeoutMs, signal });
        } catch (error) {
          return this.#afterFailure(error, attempt!, release, rpc, request, options);
        }
        return reply.then((value) => {
          release();
          return value;
        }, (error: unknown) => this.#afterFailure(error, attempt!, release, rpc, request, options));
      }
    }
    return this.#callLoop(rpc, request, options, undefined, undefined);
  }

  /**
   * A fast-path call on `attempt` failed: as #callAttempt and #callLoop would, a transport failure
   * asks for a health check, the slot is released, and a transport failure is sent again to the
   * next attempt while time is left.
   */
  #afterFailure(error: unknown, attempt: PluginAttempt, release: () => void, rpc: string, request: object, options: CallOptions): Promise<unknown> {
    const isTransport = isTransportFailure(error);
    if (isTransport) attempt.suspectUnhealthy();
    release();
    if (!isTransport || Date.now() >= options.deadline || options.signal?.aborted) return Promise.reject(error);
    return this.#callLoop(rpc, request, options, attempt, error);
  }

  /**
   * The general path: waits for the plugin to be ready (and for an attempt other than
   * `failedAttempt`) and for a slot, and sends again after a transport failure, once per attempt.
   */
  async #callLoop(rpc: string, request: object, options: CallOptions, failedAttempt: PluginAttempt | undefined, lastFailure: unknown): Promise<unknown> {
    for (;;) {
      const excluded = failedAttempt;
      const isReady = (): boolean => SERVING.includes(this.state) && this.#attempt?.wire !== undefined && this.#attempt !== excluded;
      // wait() returns at once for a ready plugin; asking first saves its promise on every call.
      if (!isReady()) {
        try {
          await this.#readyWait.wait({
            plugin: this.name, hook: options.hook, deadline: options.deadline, timeoutMs: options.timeoutMs, signal: options.signal, events: this,
            isReady,
            state: () => this.state,
            reason: () => this.#lastError?.message,
          });
        } catch (error) {
          // Waiting for a restart after a transport failure: that failure says more than the timeout.
          if (lastFailure !== undefined && isHookdError(error) && error.code === 'ERR_HOOK_TIMEOUT') throw lastFailure;
          throw error;
        }
      }
      const attempt = this.#attempt!;
      try {
        return await this.#callAttempt(attempt, rpc, request, options);
      } catch (error) {
        if (!isTransportFailure(error) || Date.now() >= options.deadline || options.signal?.aborted) throw error;
        failedAttempt = attempt;
        lastFailure = error;
      }
    }
  }

  async #callAttempt(attempt: PluginAttempt, rpc: string, request: object, options: CallOptions): Promise<unknown> {
    const { hook, deadline, signal } = options;
    const plugin = this.name;
    const timeoutMs = options.timeoutMs ?? Math.max(0, deadline - Date.now());
    const release = this.#limiter.tryAcquire(signal) ?? await this.#limiter.acquire(deadline, signal, (reason) => reason === 'deadline'
      ? new HookdError('ERR_HOOK_TIMEOUT', { plugin, hook, timeoutMs, waitedForSlot: true })
      : new HookdError('ERR_HOOK_ABORTED', { plugin, hook, reason: describeAbort(signal) }));
    try {
      if (this.#attempt !== attempt || !SERVING.includes(this.state)) {
        throw new HookdError('ERR_HOOK_TRANSPORT', { plugin, hook, reason: 'it went away while the call waited for a slot' });
      }
      // The thin client (wire-client.ts), not grpc-js: same bytes, same classification, ~100 µs
      // less CPU per call (docs/architecture.md, "The host's gRPC clients"). Its options are one
      // literal: a spread of a shared context object cost more than the rest of this method.
      return await attempt.wire!.call(rpc, request, { plugin, hook, deadline, timeoutMs, signal });
    } catch (error) {
      if (isTransportFailure(error)) attempt.suspectUnhealthy();
      throw error;
    } finally {
      release();
    }
  }

  /** The supervision loop: one attempt per turn until parked or stopped. */
  async #supervise(): Promise<void> {
    const lifecycle = this.#lifecycle.signal;
    const { restart } = this.manifest;
    while (!lifecycle.aborted) {
      this.#machine.transitionTo(['stopped', 'restarting'], 'starting');
      const attempt = new PluginAttempt({
        manifest: this.manifest,
        logger: this.#logger,
        runtimeDir: this.#options.runtimeDir,
        hostName: this.#options.hostName,
        hostVersion: this.#options.hostVersion,
        stopGraceMs: this.#options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
        lifecycle,
      });
      this.#attempt = attempt;
      const failure = await this.#runAttempt(attempt);
      if (lifecycle.aborted) return; // stop() closes the attempt
      this.#recordError(failure);
      if (isHookdError(failure) && PARKING_CODES.has(failure.code)) {
        await this.#park(attempt, failure);
        return;
      }
      // A restart forced by failing health checks does not count toward the crash loop: a plugin
      // whose health flaps is degraded and restarted with backoff, never parked for it.
      const isHealthRestart = this.#endedByHealth;
      this.#endedByHealth = false;
      if (!isHealthRestart) this.#consecutiveFailures += 1;
      if (this.#consecutiveFailures >= restart.maxFailures) {
        const parked = new HookdError('ERR_PLUGIN_CRASH_LOOP', { plugin: this.name, failures: this.#consecutiveFailures, reason: failure.message }, { cause: failure });
        this.#recordError(parked);
        await this.#park(attempt, parked);
        return;
      }
      this.#restarts += 1;
      this.#machine.transitionTo(['starting', 'ready', 'degraded'], 'restarting', failure.message);
      await attempt.close(`restarting after: ${failure.message}`);
      const backoffMs = backoffDelayMs(Math.max(1, this.#consecutiveFailures), { initialMs: restart.initialBackoffMs, maxMs: restart.maxBackoffMs }, this.#options.random);
      this.#logger.info({ plugin: this.name, backoffMs, failures: this.#consecutiveFailures }, `restarting plugin ${this.name} in ${backoffMs} ms`);
      try {
        await delay(backoffMs, undefined, { signal: lifecycle });
      } catch {
        return; // stop() during the backoff
      }
    }
  }

  /** Runs one attempt to its end; resolves with what ended it. Marks ready on the way. */
  async #runAttempt(attempt: PluginAttempt): Promise<Error> {
    try {
      const handshake = await attempt.open();
      if (this.#lifecycle.signal.aborted) return new AttemptStopped('stopped');
      this.#subscriptions = handshake.subscriptions;
      this.#version = handshake.version;
      this.#protocolVersion = handshake.protocolVersion;
      this.#machine.transitionTo(['starting'], 'ready', `protocol ${handshake.protocolVersion}, hooks: ${[...handshake.subscriptions.keys()].join(', ') || 'none'}`);
      attempt.watch({
        onHealthFailure: (count, error) => this.#onHealthFailure(attempt, count, error),
        onHealthRecovery: () => this.#machine.tryTransitionTo(['degraded'], 'ready', 'health checks pass again'),
      });
      attempt.after(this.manifest.restart.resetAfterMs, () => {
        this.#consecutiveFailures = 0;
      });
      return await attempt.ended;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /**
   * failureThreshold failed checks in a row mark the plugin degraded; it is still called, and one
   * passing check makes it ready again. If the next check fails too, the attempt ends, and the
   * plugin is restarted (launched) or redialled (attached). Degraded thus lasts one interval.
   */
  #onHealthFailure(attempt: PluginAttempt, count: number, error: unknown): void {
    const threshold = Math.max(1, this.manifest.health.failureThreshold);
    const reason = error instanceof Error ? error.message : String(error);
    if (count === threshold) this.#machine.tryTransitionTo(['ready'], 'degraded', `${count} health checks failed in a row; last: ${reason}`);
    if (count > threshold) {
      this.#endedByHealth = true;
      attempt.fail(new HookdError('ERR_HOOK_TRANSPORT', { plugin: this.name, hook: 'health checks', reason: `${count} failed in a row; last: ${reason}` }));
    }
  }

  async #park(attempt: PluginAttempt, error: HookdError): Promise<void> {
    this.#machine.transitionTo(['starting', 'ready', 'degraded', 'restarting'], 'failed', error.message);
    this.#logger.error({ plugin: this.name, code: error.code }, error.message);
    await attempt.close(`parked: ${error.message}`);
  }

  #recordError(error: unknown): void {
    if (error instanceof AttemptStopped) return;
    const code = isHookdError(error) ? error.code : 'ERR_INTERNAL';
    const message = error instanceof Error ? error.message : String(error);
    this.#lastError = { code, message, at: new Date().toISOString() };
  }

  /** The next state in which start() can report back: ready, failed or stopped. */
  #nextSettledState(): Promise<PluginState> {
    if (this.state === 'ready' || this.state === 'failed' || this.#stopping) return Promise.resolve(this.state);
    return new Promise((resolve) => {
      const onChange = (change: StateChange) => {
        if (change.to !== 'ready' && change.to !== 'failed' && change.to !== 'stopped') return;
        this.off('state', onChange);
        resolve(change.to);
      };
      this.on('state', onChange);
    });
  }
}

function describeAbort(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason.message : String(reason ?? 'aborted');
}
