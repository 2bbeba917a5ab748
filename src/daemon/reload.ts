// Hot reload of the plugin manifests: on SIGHUP and when the drop-in directory changes (fs.watch,
// debounced so that an editor's write-rename-chmod burst is one reload), the manifests are read
// again and the host reconciles: new plugins start, removed ones stop, changed ones are replaced,
// and unchanged ones are not touched, so calls in flight to them carry on. A set that does not load
// (bad JSON, a bad field, two files with one name) is reported naming the file and the field, and
// the set in force stays as it was: a typo must never unload every plugin.
//
// A manifest refused as untrusted (ERR_MANIFEST_UNTRUSTED: writable by group or others, or owned by
// another user) is logged and skipped on a reload; a plugin that file had started keeps running
// with the manifest it was started from. At start, any refusal is fatal, like a bad manifest.
//
// Reloads run one at a time; triggers that arrive while one runs coalesce into one more run.
// Routes added by API plugins are built once at listen(): a reload does not change them.

import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import { loadManifests, type PluginManifest, type ReconcileResult } from '../host/index.ts';

export const DEFAULT_RELOAD_DEBOUNCE_MS = 200;

export type ReloadTrigger = 'start' | 'SIGHUP' | 'watch' | 'request';

export interface ReloadReport {
  at: string;
  trigger: ReloadTrigger;
  ok: boolean;
  /** Why the new set was refused (ERR_MANIFEST_INVALID / ERR_MANIFEST_DUPLICATE message). */
  error?: string;
  result?: ReconcileResult;
}

export interface PluginReloaderOptions {
  dir: string;
  reconcile: (manifests: readonly PluginManifest[]) => Promise<ReconcileResult>;
  logger: Logger;
  debounceMs?: number;
}

export class PluginReloader {
  readonly #options: PluginReloaderOptions;
  #manifests: readonly PluginManifest[] = [];
  #last: ReloadReport | undefined;
  #running: Promise<ReloadReport> | undefined;
  #queued: Promise<ReloadReport> | undefined;
  #queuedTrigger: ReloadTrigger | undefined;
  #watcher: FSWatcher | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #isClosed = false;

  constructor(options: PluginReloaderOptions) {
    this.#options = options;
  }

  /** The manifests in force (the last set that loaded). */
  manifests(): readonly PluginManifest[] {
    return this.#manifests;
  }

  lastReload(): ReloadReport | undefined {
    return this.#last;
  }

  /**
   * Loads the directory for the daemon's start. Unlike a reload, a bad set is fatal here (there is
   * no previous set to keep): the error names the file and field.
   */
  async loadInitial(): Promise<readonly PluginManifest[]> {
    this.#manifests = await loadManifests(this.#options.dir);
    this.#last = { at: new Date().toISOString(), trigger: 'start', ok: true };
    return this.#manifests;
  }

  /** Reloads now (after any reload in progress). Never rejects: the report says what happened. */
  reload(trigger: ReloadTrigger): Promise<ReloadReport> {
    if (this.#running) {
      // One more run after the current one covers every trigger that arrives meanwhile; it is
      // reported under an explicit trigger (SIGHUP) rather than the watcher's, if there was one.
      if (this.#queuedTrigger === undefined || trigger !== 'watch') this.#queuedTrigger = trigger;
      this.#queued ??= this.#running.then(() => {
        const queuedTrigger = this.#queuedTrigger ?? trigger;
        this.#queued = undefined;
        this.#queuedTrigger = undefined;
        return this.#isClosed ? this.#last! : this.reload(queuedTrigger);
      });
      return this.#queued;
    }
    this.#running = this.#reload(trigger).finally(() => { this.#running = undefined; });
    return this.#running;
  }

  /** Watches the directory; changes reload after `debounceMs` of quiet. */
  watch(): void {
    const debounceMs = this.#options.debounceMs ?? DEFAULT_RELOAD_DEBOUNCE_MS;
    this.#watcher = watch(this.#options.dir, () => {
      clearTimeout(this.#debounce);
      this.#debounce = setTimeout(() => { void this.reload('watch'); }, debounceMs);
    });
    this.#watcher.on('error', (error) => {
      this.#options.logger.error({ dir: this.#options.dir, err: error }, 'cannot watch the plugin directory any longer; reload with SIGHUP');
    });
  }

  /** Stops watching and waits for a reload in progress. */
  async close(): Promise<void> {
    this.#isClosed = true;
    clearTimeout(this.#debounce);
    this.#watcher?.close();
    await this.#running;
  }

  async #reload(trigger: ReloadTrigger): Promise<ReloadReport> {
    const { logger, dir } = this.#options;
    const at = new Date().toISOString();
    let manifests: PluginManifest[];
    try {
      const kept: PluginManifest[] = [];
      manifests = await loadManifests(dir, {
        onUntrusted: (error, file) => {
          const previous = this.#manifests.find((manifest) => manifest.file === file);
          if (previous) kept.push(previous);
          logger.error({ trigger, file, code: error.code, err: error.message, kept: previous?.name },
            `plugin manifest skipped: ${error.message}${previous ? ` (plugin "${previous.name}" keeps running as it was started)` : ''}`);
        },
      });
      manifests = [...manifests, ...kept.filter((old) => !manifests.some((manifest) => manifest.name === old.name))];
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ trigger, dir, code: (error as { code?: string }).code, err: message, kept: this.#manifests.map((m) => m.name) },
        `plugin manifests not reloaded, the previous set stays in force: ${message}`);
      this.#last = { at, trigger, ok: false, error: message };
      return this.#last;
    }
    try {
      const result = await this.#options.reconcile(manifests);
      this.#manifests = manifests;
      logger.info({ trigger, ...result }, 'plugin manifests reloaded');
      this.#last = { at, trigger, ok: true, result };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error({ trigger, err: message }, `plugin reload failed: ${message}`);
      this.#last = { at, trigger, ok: false, error: message };
    }
    return this.#last;
  }
}
