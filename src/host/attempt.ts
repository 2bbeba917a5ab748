// One life of a supervised plugin: launch (or dial), handshake, watch, close. The supervisor runs
// attempts one after another; everything an attempt starts (process, channel, health timer,
// watchers) hangs off its own AbortController, so ending the attempt ends all of it.

import { setTimeout as delay } from 'node:timers/promises';

import type { Logger } from 'pino';

import { HookdError, isHookdError } from './errors.ts';
import { callUnary, createPluginClients, type PluginClients } from './grpc-client.ts';
import { performHandshake, type HandshakeResult } from './handshake.ts';
import { diagnoseTls } from './tls-diagnosis.ts';
import { HealthMonitor, checkHealth, watchConnectionLoss } from './health.ts';
import { PARKING_CODES } from './handshake.ts';
import { killPlugin, launchPlugin, stopPlugin, type LaunchedPlugin } from './launcher.ts';
import { waitForSocket } from './socket-wait.ts';
import type { PluginManifest } from './types.ts';
import { WireClient } from './wire-client.ts';

export interface AttemptOptions {
  manifest: PluginManifest;
  logger: Logger;
  runtimeDir: string;
  hostName: string;
  hostVersion: string;
  /** Time for Shutdown + SIGTERM before SIGKILL when the attempt closes a live process. */
  stopGraceMs: number;
  /** The supervisor's stop(): aborting it ends the attempt. */
  lifecycle: AbortSignal;
}

export interface WatchCallbacks {
  onHealthFailure(consecutiveFailures: number, error: unknown): void;
  onHealthRecovery(): void;
}

/** The error ending an attempt when the supervisor was stopped, not the plugin at fault. */
export class AttemptStopped extends Error {}

export class PluginAttempt {
  readonly #options: AttemptOptions;
  readonly #controller = new AbortController();
  readonly #ended: Promise<Error>;
  #resolveEnded!: (error: Error) => void;
  #process: LaunchedPlugin | undefined;
  #clients: PluginClients | undefined;
  #wire: WireClient | undefined;
  #health: HealthMonitor | undefined;
  #closing: Promise<void> | undefined;
  /** Whether the plugin ever answered Describe: only then is a graceful Shutdown worth trying. */
  #hasAnswered = false;

  constructor(options: AttemptOptions) {
    this.#options = options;
    this.#ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
    const onStop = () => {
      const reason: unknown = options.lifecycle.reason;
      this.fail(new AttemptStopped(reason instanceof Error ? reason.message : 'stopped'));
    };
    options.lifecycle.addEventListener('abort', onStop, { once: true });
    this.#controller.signal.addEventListener('abort', () => options.lifecycle.removeEventListener('abort', onStop), { once: true });
  }

  get pid(): number | undefined {
    return this.#process && !this.#process.hasExited() ? this.#process.pid : undefined;
  }

  /** grpc-js's channel (handshake, health, Shutdown); undefined before the dial. */
  get clients(): PluginClients | undefined {
    return this.#clients;
  }

  /** The thin client for hook calls while this attempt is ready; set with `clients`. */
  get wire(): WireClient | undefined {
    return this.#wire;
  }

  /** Resolves with the first failure reported through fail() (crash, lost connection, stop). */
  get ended(): Promise<Error> {
    return this.#ended;
  }

  /** Launches or dials, then runs the handshake. Rejects with a HookdError or AttemptStopped. */
  async open(): Promise<HandshakeResult> {
    const { manifest, logger } = this.#options;
    let address: string;
    if (manifest.launch) {
      this.#process = await launchPlugin(manifest.name, manifest.launch, this.#options.runtimeDir, logger);
      address = this.#process.address;
      logger.info({ plugin: manifest.name, pid: this.#process.pid, address }, `plugin ${manifest.name} launched`);
      // Dial once the socket exists, not before: an early dial costs a gRPC reconnect backoff.
      if (address.startsWith('unix://')) await waitForSocket(address.slice('unix://'.length), this.#process.exited, manifest.startTimeoutMs, this.#anySignal());
    } else if (manifest.attach) {
      address = manifest.attach.address;
    } else {
      throw new HookdError('ERR_PLUGIN_SPAWN_FAILED', { plugin: manifest.name, reason: 'the manifest has neither "launch" nor "attach"' });
    }
    this.#clients = createPluginClients(manifest.name, address, manifest.attach?.tls, manifest.file);
    // Dials on its first call, not now: an attempt that fails its handshake never opens it.
    this.#wire = new WireClient(manifest.name, address, manifest.attach?.tls, manifest.file);
    const process = this.#process;
    try {
      const result = await this.#handshake(process);
      this.#hasAnswered = true;
      return result;
    } catch (error) {
      if (isHookdError(error) && PARKING_CODES.has(error.code)) this.#hasAnswered = true;
      throw error;
    }
  }

  #handshake(process: LaunchedPlugin | undefined): Promise<HandshakeResult> {
    const { manifest, logger } = this.#options;
    return performHandshake({
      plugin: manifest.name,
      clients: this.#clients!,
      startTimeoutMs: manifest.startTimeoutMs,
      hostName: this.#options.hostName,
      hostVersion: this.#options.hostVersion,
      config: manifest.config,
      logger,
      exited: process?.exited,
      stderrTail: process ? () => process.stderrTail() : undefined,
      signal: this.#anySignal(),
      ...(manifest.attach?.tls ? { diagnoseTls: () => diagnoseTls(manifest.attach!.address, manifest.attach!.tls!) } : {}),
    });
  }

  /** After ready: report the process exiting, the connection dropping and failing health checks. */
  watch(callbacks: WatchCallbacks): void {
    const { manifest } = this.#options;
    const signal = this.#controller.signal;
    const clients = this.#clients!;
    const process = this.#process;
    void process?.exited.then((exit) => {
      this.fail(new HookdError('ERR_PLUGIN_EXITED', { plugin: manifest.name, exit: exit.description, stderrTail: process.stderrTail() }));
    });
    if (!process) {
      watchConnectionLoss(clients, signal, (state) => {
        this.fail(new HookdError('ERR_HOOK_TRANSPORT', { plugin: manifest.name, hook: 'its connection', reason: `the connection was lost (channel ${state})` }));
      });
    }
    this.#health = new HealthMonitor({
      spec: manifest.health,
      signal,
      check: (checkSignal) => checkHealth(manifest.name, clients, manifest.health.timeoutMs, checkSignal),
      onFailure: (count, error) => callbacks.onHealthFailure(count, error),
      onRecovery: () => callbacks.onHealthRecovery(),
    });
  }

  /** Runs `action` after `ms` unless the attempt ends first. */
  after(ms: number, action: () => void): void {
    delay(ms, undefined, { signal: this.#controller.signal }).then(action, () => undefined /* attempt ended first */);
  }

  /** A call failed on the transport: check health now instead of at the next interval. */
  suspectUnhealthy(): void {
    this.#health?.checkNow();
  }

  /** Ends the attempt with `error`; the first report wins, later ones are ignored. */
  fail(error: Error): void {
    this.#resolveEnded(error);
  }

  /**
   * Stops everything the attempt started. A live launched plugin that ever answered gets the
   * graceful sequence (Shutdown with `reason`, stdin closed, SIGTERM, SIGKILL); one that never
   * answered (hung at start) is SIGKILLed at once, as go-plugin does. A sidecar is sent Shutdown
   * only when the supervisor stops (docs/protocol.md §4: what happens next is the sidecar's):
   * after a lost connection the channel may already reach a restarted sidecar, which must not be
   * told to exit. Idempotent.
   */
  close(reason: string, options: { keepSidecar?: boolean } = {}): Promise<void> {
    this.#closing ??= this.#close(reason, options.keepSidecar === true);
    return this.#closing;
  }

  async #close(reason: string, keepSidecar: boolean): Promise<void> {
    this.#controller.abort();
    this.fail(new AttemptStopped(reason));
    const clients = this.#clients;
    const process = this.#process;
    if (process && !this.#hasAnswered) {
      await killPlugin(process);
    } else if (!process && clients && this.#hasAnswered && this.#options.lifecycle.aborted && !keepSidecar) {
      await this.#sendShutdown(clients, reason);
    } else if (process) {
      const outcome = await stopPlugin(process, {
        graceMs: this.#options.stopGraceMs,
        logger: this.#options.logger,
        shutdown: clients ? () => this.#sendShutdown(clients, reason) : undefined,
      });
      if (outcome !== 'exited') {
        this.#options.logger.warn({ plugin: this.#options.manifest.name, outcome }, `plugin ${this.#options.manifest.name} did not exit after Shutdown; it was ${outcome === 'killed' ? 'SIGKILLed' : 'SIGTERMed'}`);
      }
    }
    clients?.close();
    this.#wire?.close();
  }

  async #sendShutdown(clients: PluginClients, reason: string): Promise<void> {
    const budgetMs = Math.min(2_000, Math.max(50, Math.floor(this.#options.stopGraceMs / 4)));
    try {
      await callUnary(clients.plugin, 'Shutdown', { reason }, { deadline: Date.now() + budgetMs, plugin: this.#options.manifest.name, hook: 'Shutdown' });
    } catch (error) {
      // A plugin that is already gone cannot answer; the signals that follow handle it.
      if (!isHookdError(error)) throw error;
    }
  }

  /** Aborts when either the attempt ends or the supervisor stops. */
  #anySignal(): AbortSignal {
    return AbortSignal.any([this.#controller.signal, this.#options.lifecycle]);
  }
}
