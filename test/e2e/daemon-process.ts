// The real daemon as a child process for the e2e tests: `node bin/hookd.js daemon --config <temp
// config>`, the compiled daemon as shipped (scripts/run-tests.mjs builds dist/ before any test), on
// a temp data dir and socket, with real plugin processes from temp manifests. Its JSON log lines are parsed as they arrive so that tests wait on them (a reload, a
// state change), never on sleeps.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import Docker from 'dockerode';
import { mountPoints, unmount } from '../../src/daemon/images/snapshots/mount-table.ts';
import { defaultPluginRuntimeDirPath } from '../../src/daemon/plugin-runtime-dir.ts';
import { sweepStrayMonitors } from './stray-monitors.ts';

export const REPO = resolve(import.meta.dirname, '../..');
export const FIXTURES = join(REPO, 'test/e2e/fixtures/plugins');

export interface CliResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export type LogLine = Record<string, unknown> & { msg?: string };

/** A manifest for a fixture plugin under test/e2e/fixtures/plugins (launched with tsx). */
export function fixtureManifest(name: string, script: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, launch: { command: process.execPath, args: ['--import', 'tsx', join(FIXTURES, script)], cwd: REPO }, startTimeoutMs: 30_000, ...extra };
}

/**
 * A scratch dir with a short path (unix socket paths are limited to 107 bytes). `remove` first
 * unmounts what is mounted below it, deepest first: containers and their mounts outlive the daemon
 * by design (overlayfs rootfs, netns files), so a test that stops its daemon with containers on
 * record still has them; an rm over a mount point fails with EBUSY. It also takes what the dir's
 * daemons leave outside it (removeHostLeftovers): a daemon still running is killed first, and once the
 * stray containers are gone, each daemon's bridge and plugin runtime dir are deleted.
 */
export async function makeWorkDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hookd-e2e-'));
  return {
    dir,
    remove: async () => {
      const daemons = [...DAEMONS].filter((daemon) => daemon.dir.startsWith(`${dir}/`));
      for (const daemon of daemons) await daemon.kill(); // a failed test's daemon would restart what the sweep ends
      await sweepStrayMonitors(dir); // a failed test's containers still run under their conmon
      const below = [...await mountPoints()].filter((point) => point.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);
      for (const point of below) await unmount(point);
      for (const daemon of daemons) {
        await daemon.removeHostLeftovers();
        DAEMONS.delete(daemon);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every DaemonProcess created, until its work dir's remove() has taken what it left on the host. */
const DAEMONS = new Set<DaemonProcess>();

export interface DaemonSetup {
  /** Directory for config, data and plugins.d; reuse one to restart a daemon on the same data. */
  dir: string;
  /** File name (in plugins.d) → manifest JSON. */
  manifests?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export class DaemonProcess {
  readonly dir: string;
  readonly configFile: string;
  readonly pluginsDir: string;
  readonly dataRoot: string;
  readonly socketPath: string;
  /** The default network's bridge (unique per DaemonProcess; see create()). */
  readonly bridgeName = `hkd${randomBytes(4).toString('hex')}`;
  readonly logs: LogLine[] = [];
  /** Lines that were not JSON (the banner, stray output). */
  readonly text: string[] = [];
  stderr = '';
  /** Added to the test's environment for the next spawn() (HOOKD_CODE_CACHE_DIR, ...). */
  env: NodeJS.ProcessEnv = {};
  child: ChildProcess | undefined;
  /** Set when the current process has exited. */
  exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({ code: null, signal: null });
  readonly #waiters = new Set<() => void>();

  constructor(dir: string) {
    this.dir = dir;
    this.configFile = join(dir, 'hookd.json');
    this.pluginsDir = join(dir, 'plugins.d');
    this.dataRoot = join(dir, 'data');
    this.socketPath = join(dir, 'data', 'hookd.sock');
  }

  /** Writes the config and manifests and starts the daemon; resolves once it listens. */
  static async start(setup: DaemonSetup): Promise<DaemonProcess> {
    const daemon = await DaemonProcess.create(setup);
    await daemon.spawn();
    await daemon.listening();
    return daemon;
  }

  /** Writes the config and manifests, without starting anything. */
  static async create(setup: DaemonSetup): Promise<DaemonProcess> {
    const daemon = new DaemonProcess(setup.dir);
    DAEMONS.add(daemon);
    await mkdir(daemon.pluginsDir, { recursive: true });
    // The runtimes' state and conmon's attach sockets stay inside the test's dir (runRoot).
    const runc = { runRoot: 'run' };
    // Each daemon's default bridge is its own (unique name and subnet), so daemons of parallel
    // tests never share a bridge or hand out the same address; stop() deletes it when it is empty.
    const network = { bridgeName: daemon.bridgeName, subnet: `10.${100 + randomInt(100)}.${randomInt(256)}.0/24` };
    await writeFile(daemon.configFile, JSON.stringify({ dataRoot: 'data', pluginsDir: 'plugins.d', logLevel: 'debug', ...runc, network, ...setup.config }, null, 2));
    for (const [file, manifest] of Object.entries(setup.manifests ?? {})) await daemon.writeManifest(file, manifest);
    return daemon;
  }

  /** Starts the process (again) on the same config and data. */
  async spawn(): Promise<void> {
    this.logs.length = 0;
    this.text.length = 0;
    this.stderr = '';
    const child = spawn(process.execPath, [join(REPO, 'bin/hookd.js'), 'daemon', '--config', this.configFile], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.env } });
    this.child = child;
    this.exitInfo = undefined;
    this.exited = once(child, 'exit').then(([code, signal]) => {
      this.exitInfo = { code: code as number | null, signal: signal as NodeJS.Signals | null };
      this.#wake();
      return this.exitInfo;
    });
    child.stderr!.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); this.#wake(); });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.text.push(line);
      }
      this.#wake();
    });
  }

  /** Resolves once the banner is printed; rejects with the daemon's stderr if it exits first. */
  async listening(): Promise<void> {
    await this.waitFor(() => this.text.some((line) => line.includes('is listening on')), 'the daemon to listen');
  }

  /**
   * Resolves with the first log line from index `from` on that matches; rejects if the daemon exits
   * first. Each new line (or exit) re-checks: no polling, no sleeps.
   */
  async waitForLog(match: (line: LogLine) => boolean, from = 0, what = 'a log line'): Promise<LogLine> {
    let found: LogLine | undefined;
    await this.waitFor(() => (found = this.logs.slice(from).find(match)) !== undefined, what);
    return found!;
  }

  async waitFor(condition: () => boolean, what: string): Promise<void> {
    while (!condition()) {
      if (this.exitInfo) throw new Error(`the daemon exited while waiting for ${what}; stderr:\n${this.stderr}\nlast log lines:\n${this.logs.slice(-10).map((l) => JSON.stringify(l)).join('\n')}`);
      await new Promise<void>((resolve) => this.#waiters.add(resolve));
    }
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Writes a manifest atomically (temp dotfile, then rename), so a watcher never sees half a file. */
  async writeManifest(file: string, manifest: unknown): Promise<void> {
    const temp = join(this.pluginsDir, `.${file}.tmp`);
    await writeFile(temp, typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2));
    await rename(temp, join(this.pluginsDir, file));
  }

  async removeManifest(file: string): Promise<void> {
    await rm(join(this.pluginsDir, file));
  }

  /** Waits for the next reload report (after log index `from`) of `trigger`. */
  waitForReload(from: number, trigger: 'watch' | 'SIGHUP', isWanted: (line: LogLine) => boolean = () => true): Promise<LogLine> {
    return this.waitForLog((line) => line.part === 'reload' && line.trigger === trigger && isWanted(line), from, `a ${trigger} reload`);
  }

  /** SIGHUP and wait for that reload's report. */
  async reloadNow(): Promise<LogLine> {
    const from = this.logs.length;
    this.child!.kill('SIGHUP');
    return this.waitForReload(from, 'SIGHUP');
  }

  docker(): Docker {
    return new Docker({ socketPath: this.socketPath });
  }

  /** `docker -H unix://<socket> ...args`, never throwing: the test reads exitCode/stdout/stderr. */
  async cli(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
    const result = await execa('docker', ['-H', `unix://${this.socketPath}`, ...args], { reject: false, timeout: options.timeoutMs ?? 60_000, ...(options.input !== undefined ? { input: options.input } : {}) });
    return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  /** One HTTP request to the socket: status and body. */
  http(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
    return new Promise((resolvePromise, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers: { Host: 'docker', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** SIGTERM (graceful: daemon.preStop) and wait for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const exit = await this.exited;
    await this.removeEmptyBridge();
    return exit;
  }

  /** SIGKILL if it still runs, and wait for the exit (its host leftovers stay: see removeHostLeftovers). */
  async kill(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /**
   * What the daemon leaves outside its dir, deleted once it and its containers are gone (its work
   * dir's remove()): its default bridge, which stop() keeps while a container is attached (a pod
   * or a container the test left running, which the stray-monitor sweep ends later; CNI's bridge
   * plugin never deletes a bridge), and its plugin runtime dir, which a SIGKILLed daemon cannot
   * remove and only a restart on the same data root would reuse.
   */
  async removeHostLeftovers(): Promise<void> {
    await execa('ip', ['link', 'del', this.bridgeName], { reject: false }); // never made (no container joined): nothing to delete
    await rm(defaultPluginRuntimeDirPath(this.dataRoot), { recursive: true, force: true });
  }

  /** Deletes this daemon's default bridge unless a container is still attached (a test that keeps one running). */
  async removeEmptyBridge(): Promise<void> {
    const attached = await execa('ip', ['-o', 'link', 'show', 'master', this.bridgeName], { reject: false });
    if (attached.exitCode === 0 && String(attached.stdout).trim() === '') await execa('ip', ['link', 'del', this.bridgeName], { reject: false });
  }
}

/** Why the docker CLI cannot be used here, or undefined. */
export async function dockerCliMissingReason(): Promise<string | undefined> {
  const result = await execa('docker', ['--version'], { reject: false });
  return result.exitCode === 0 ? undefined : 'the docker CLI is not on PATH';
}
