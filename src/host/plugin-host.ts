// The host library's facade (docs/architecture.md): one PluginSupervisor per enabled manifest, hook calls
// through dispatch, and reconcile() to apply a changed set of manifests (hot reload) while calls
// to the plugins that did not change carry on undisturbed.

import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';

import type { Logger } from 'pino';

import { dispatchHook } from './dispatch.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { HookInputs } from './generated/hook-contracts.ts';
import { callHandleHttp, type HandleHttpOptions } from './handle-http.ts';
import { toOutcome, toWireInput } from './hook-io.ts';
import { hookSpec, type HookName } from './hooks.ts';
import { createRuntimeDir } from './launcher.ts';
import { ParkedRetries } from './park-retry.ts';
import type { StateChange } from './plugin-state.ts';
import { PluginSupervisor } from './supervisor.ts';
import type {
  HandleHttpCall, HandleHttpReply, HookInvoker, HookOutcome, InvokeOptions, PluginHandle, PluginManifest, PluginStatus,
} from './types.ts';

export interface PluginHostOptions {
  logger: Logger;
  /** Sent to plugins in Describe and Configure. */
  hostName: string;
  hostVersion: string;
  /** Directory for launched plugins' sockets (made 0700); default: a fresh one under os.tmpdir(), removed by stop(). */
  runtimeDir?: string;
  /** Shutdown + SIGTERM time before SIGKILL when a plugin is stopped (default 5 s). */
  stopGraceMs?: number;
  /** Schedule on which parked plugins are started again (park-retry.ts); tests shorten it. */
  parkedRetry?: BackoffPolicy;
}

/** What reconcile() did, by plugin name. */
export interface ReconcileResult {
  added: string[];
  removed: string[];
  replaced: string[];
  unchanged: string[];
  /** Parked (failed) plugins whose manifest did not change, started again by this reconcile (SIGHUP). */
  revived: string[];
}

export class UnknownPluginError extends Error {
  readonly code = 'ERR_PLUGIN_UNKNOWN';

  constructor(name: string, known: readonly string[]) {
    super(`no plugin named "${name}" is supervised (plugins: ${known.join(', ') || 'none'})`);
    this.name = 'UnknownPluginError';
  }
}

export class PluginHost extends EventEmitter<{ state: [StateChange] }> implements HookInvoker {
  readonly #options: PluginHostOptions;
  readonly #logger: Logger;
  readonly #supervisors = new Map<string, PluginSupervisor>();
  #runtimeDir: { dir: string; isOwned: boolean } | undefined;
  /** reconcile() calls run one at a time, in call order. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Bumped by stop(): a reconcile that was waiting when stop() came starts nothing new. */
  #stopEpoch = 0;
  readonly #parked: ParkedRetries;

  constructor(options: PluginHostOptions) {
    super();
    this.#options = options;
    this.#logger = options.logger;
    this.#parked = new ParkedRetries(options.parkedRetry);
  }

  /**
   * Starts every enabled plugin in parallel. Resolves with their status once each one is ready or
   * failed (a failed plugin does not fail start(): its hooks apply their failure policy). Never hangs:
   * every start is bounded by the plugin's start timeout and restart policy. It is reconcile() from
   * what runs now, so calling it again with other manifests stops the plugins no longer listed.
   */
  async start(manifests: readonly PluginManifest[]): Promise<PluginStatus[]> {
    await this.reconcile(manifests);
    return this.status();
  }

  /** Runs `hook` over the plugins (dispatch.ts) with its typed input; resolves with its typed outcome. */
  async invoke<H extends HookName>(hook: H, input: HookInputs[H], options: InvokeOptions = {}): Promise<HookOutcome<H>> {
    const spec = hookSpec(hook);
    const result = await dispatchHook(this.plugins(), hook, toWireInput(spec, input), { ...options, logger: this.#logger });
    return toOutcome<H>(spec, result);
  }

  /**
   * Sends one HTTP request to `plugin`'s HandleHttp, with the deadline rules of every hook call
   * (handle-http.ts). Rejects with a HookdError naming the plugin.
   */
  handleHttp(plugin: string, call: HandleHttpCall, options: HandleHttpOptions = {}): Promise<HandleHttpReply> {
    return callHandleHttp(this.plugins(), plugin, call, options);
  }

  /** The supervised plugins, for embedders that dispatch themselves. */
  plugins(): readonly PluginHandle[] {
    return [...this.#supervisors.values()];
  }

  status(): PluginStatus[] {
    return [...this.#supervisors.values()].map((supervisor) => supervisor.status());
  }

  /**
   * Makes the running set match `manifests`: starts new plugins, stops removed or disabled ones,
   * and replaces those whose manifest changed (the old one is stopped first: it owns the socket
   * path). Plugins whose manifest is unchanged are not touched. Resolves once every started
   * plugin is ready or failed.
   */
  reconcile(manifests: readonly PluginManifest[]): Promise<ReconcileResult> {
    const run = this.#queue.then(() => this.#reconcile(manifests));
    this.#queue = run.catch(() => undefined); // the caller sees the error; the queue moves on
    return run;
  }

  /**
   * Stops the plugin `name` and starts it again from the same manifest, whatever its state (a
   * parked plugin comes back at once). Runs in the reconcile queue. Resolves with its new status
   * once it is ready or failed; rejects with UnknownPluginError for a name not supervised.
   */
  restart(name: string, reason = 'restart requested'): Promise<PluginStatus> {
    const run = this.#queue.then(async () => {
      const supervisor = this.#supervisors.get(name);
      if (!supervisor) throw new UnknownPluginError(name, [...this.#supervisors.keys()]);
      await this.#replace(supervisor, reason);
      return this.#supervisors.get(name)!.status();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Stops every plugin (graceful sequence, in parallel) and resolves when all are stopped. It does
   * not wait for a pending start: plugins still starting are stopped too, and their start settles.
   */
  async stop(reason = 'host stopping'): Promise<void> {
    this.#stopEpoch += 1;
    this.#parked.cancelAll();
    await this.#stopAll(reason);
    await this.#queue;
    await this.#stopAll(reason); // anything a reconcile added while the first pass ran
    const runtimeDir = this.#runtimeDir;
    this.#runtimeDir = undefined;
    if (runtimeDir?.isOwned) await rm(runtimeDir.dir, { recursive: true, force: true });
  }

  async #reconcile(manifests: readonly PluginManifest[]): Promise<ReconcileResult> {
    const epoch = this.#stopEpoch;
    const wanted = new Map(manifests.filter((manifest) => manifest.enabled).map((manifest) => [manifest.name, manifest]));
    const result: ReconcileResult = { added: [], removed: [], replaced: [], unchanged: [], revived: [] };
    const toStop: PluginSupervisor[] = [];
    const toStart: PluginManifest[] = [];
    for (const [name, supervisor] of this.#supervisors) {
      const manifest = wanted.get(name);
      if (!manifest) {
        result.removed.push(name);
        toStop.push(supervisor);
      } else if (stableJson(manifest) !== stableJson(supervisor.manifest)) {
        result.replaced.push(name);
        toStop.push(supervisor);
        toStart.push(manifest);
      } else if (supervisor.state === 'failed') {
        result.revived.push(name); // a reload (SIGHUP) gives a parked plugin another chance
        toStop.push(supervisor);
        toStart.push(manifest);
      } else {
        result.unchanged.push(name);
      }
    }
    for (const [name, manifest] of wanted) {
      if (!this.#supervisors.has(name)) {
        result.added.push(name);
        toStart.push(manifest);
      }
    }
    // Out of the map first, so no new call reaches a plugin that is going away.
    for (const supervisor of toStop) {
      this.#supervisors.delete(supervisor.name);
      this.#parked.cancel(supervisor.name);
    }
    // A sidecar whose manifest changed (or that is revived) is redialled by its new supervisor: not told to exit.
    await Promise.all(toStop.map((supervisor) => supervisor.stop(stopReason(result, supervisor.name), { keepSidecar: !result.removed.includes(supervisor.name) })));
    if (toStart.length > 0 && epoch === this.#stopEpoch) {
      const runtimeDir = await this.#ensureRuntimeDir();
      if (epoch !== this.#stopEpoch) return result;
      const started = toStart.map((manifest) => this.#supervise(manifest, runtimeDir));
      await Promise.all(started.map((supervisor) => supervisor.start()));
    }
    if (toStart.length + toStop.length > 0) this.#logger.info(result, 'plugins reconciled');
    return result;
  }

  /** Stops `supervisor` and starts a fresh one from its manifest (restart, park retry). */
  async #replace(supervisor: PluginSupervisor, reason: string): Promise<void> {
    if (this.#supervisors.get(supervisor.name) !== supervisor) return; // replaced or removed meanwhile
    const epoch = this.#stopEpoch;
    this.#parked.cancel(supervisor.name);
    this.#supervisors.delete(supervisor.name);
    await supervisor.stop(reason, { keepSidecar: true });
    if (epoch !== this.#stopEpoch) return;
    const runtimeDir = await this.#ensureRuntimeDir();
    this.#logger.info({ plugin: supervisor.name, reason }, `starting plugin ${supervisor.name} again: ${reason}`);
    await this.#supervise(supervisor.manifest, runtimeDir).start();
  }

  /** A parked plugin is retried on the slow schedule of park-retry.ts. */
  #onStateChange(supervisor: PluginSupervisor, change: StateChange): void {
    if (change.to === 'ready') this.#parked.recovered(supervisor.name);
    if (change.to !== 'failed') return;
    const delayMs = this.#parked.schedule(supervisor.name, () => {
      const run = this.#queue.then(() => this.#replace(supervisor, 'retrying a parked plugin'));
      this.#queue = run.catch((error: unknown) => this.#logger.error({ err: error, plugin: supervisor.name }, 'retrying a parked plugin failed'));
    });
    this.#logger.warn({ plugin: supervisor.name, retryInMs: delayMs }, `plugin ${supervisor.name} is parked; retrying in ${Math.round(delayMs / 1000)} s (or now: SIGHUP, hookd plugins restart ${supervisor.name})`);
  }

  #supervise(manifest: PluginManifest, runtimeDir: string): PluginSupervisor {
    const supervisor = new PluginSupervisor({
      manifest,
      logger: this.#logger,
      hostName: this.#options.hostName,
      hostVersion: this.#options.hostVersion,
      runtimeDir,
      stopGraceMs: this.#options.stopGraceMs,
    });
    supervisor.on('state', (change) => {
      this.#onStateChange(supervisor, change);
      this.emit('state', change);
    });
    this.#supervisors.set(manifest.name, supervisor);
    return supervisor;
  }

  async #stopAll(reason: string): Promise<void> {
    const supervisors = [...this.#supervisors.values()];
    this.#supervisors.clear();
    await Promise.all(supervisors.map((supervisor) => supervisor.stop(reason)));
  }

  async #ensureRuntimeDir(): Promise<string> {
    this.#runtimeDir ??= await createRuntimeDir(this.#options.runtimeDir);
    return this.#runtimeDir.dir;
  }
}

function stopReason(result: ReconcileResult, name: string): string {
  if (result.removed.includes(name)) return 'manifest removed';
  if (result.revived.includes(name)) return 'reload: starting a parked plugin again';
  return 'manifest changed';
}

/** JSON with sorted keys, so two equal manifests compare equal whatever their key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) => {
    if (field === null || typeof field !== 'object' || Array.isArray(field)) return field;
    return Object.fromEntries(Object.entries(field as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
