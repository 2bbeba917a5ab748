// A plugin run the way an operator runs a sidecar: its own process, started by the test (not the
// daemon), serving on HOOKD_LISTEN=unix:///<dir>/<name>.sock. Ready means its SDK logged the
// "serving" line on stderr (every SDK logs it once the socket is bound), an event the test waits
// on; an exit before that fails the wait with the plugin's stderr.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';

export interface SidecarLaunch {
  /** Socket file name stem: the plugin serves on unix://<dir>/<name>.sock. */
  name: string;
  /** A command containing `/` is relative to `cwd`, as in a manifest's `launch.command`. */
  command: string;
  args?: string[];
  cwd: string;
  /** Added to the test's environment, like a manifest's `launch.env`. */
  env?: Record<string, string>;
  /** Where the socket goes: keep it short (unix socket paths are limited to 107 bytes). */
  dir: string;
}

export type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

export class SidecarProcess {
  readonly address: string;
  readonly child: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  stderr = '';
  /** Set once the process has exited. */
  exitInfo: ExitInfo | undefined;
  #isServing = false;
  /** A spawn failure (ENOENT, EACCES): 'error' fires and 'exit' may not. */
  #spawnError: Error | undefined;
  readonly #waiters = new Set<() => void>();

  private constructor(launch: SidecarLaunch) {
    this.address = `unix://${join(launch.dir, `${launch.name}.sock`)}`;
    const command = launch.command.includes('/') ? resolve(launch.cwd, launch.command) : launch.command;
    // stdin is ignored: a sidecar does not watch it (docs/protocol.md §5), unlike a launched plugin.
    this.child = spawn(command, launch.args ?? [], {
      cwd: launch.cwd,
      env: { ...process.env, ...launch.env, HOOKD_LISTEN: this.address },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.exited = once(this.child, 'exit').then(([code, signal]) => {
      this.exitInfo = { code: code as number | null, signal: signal as NodeJS.Signals | null };
      this.#wake();
      return this.exitInfo;
    });
    this.child.once('error', (error) => { this.#spawnError = error; this.#wake(); });
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.stderr += `${line}\n`;
      if (/"msg":\s*"serving"/.test(line)) this.#isServing = true;
      this.#wake();
    });
  }

  /** Starts the plugin without waiting: register its stop first, then await serving(). */
  static spawn(launch: SidecarLaunch): SidecarProcess {
    return new SidecarProcess(launch);
  }

  /** Resolves once the plugin logged "serving"; rejects with its stderr if it exits first. */
  async serving(): Promise<void> {
    while (!this.#isServing) {
      if (this.#spawnError) throw new Error(`sidecar at ${this.address} could not be started: ${this.#spawnError.message}`);
      if (this.exitInfo) throw new Error(`sidecar at ${this.address} exited (${JSON.stringify(this.exitInfo)}) before serving; stderr:\n${this.stderr}`);
      await new Promise<void>((wake) => this.#waiters.add(wake));
    }
  }

  /**
   * Waits up to `graceMs` for the process to exit by itself (after a Shutdown RPC the SDKs exit 0,
   * docs/protocol.md §4), then SIGTERMs it if it still runs, and resolves with the exit. Waiting
   * first matters: a SIGTERM that lands while an SDK is already exiting may find the default
   * disposition back in place and kill it by signal.
   */
  async stop(graceMs = 0): Promise<ExitInfo> {
    if (this.#spawnError) return { code: null, signal: null };
    if (this.exitInfo === undefined && graceMs > 0) {
      const controller = new AbortController();
      const grace = delay(graceMs, undefined, { signal: controller.signal }).catch(() => undefined); // aborted: the process exited first
      await Promise.race([this.exited, grace]);
      controller.abort();
    }
    if (this.exitInfo === undefined) this.child.kill('SIGTERM');
    return this.exited;
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}
