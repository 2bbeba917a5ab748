// Launches a plugin process and stops it again. The host owns the address (a unix socket in a
// 0700 directory) and tells the plugin through HOOKD_* variables. Orphan-proofing (DESIGN §2):
// the plugin's stdin is a pipe the host never writes to and never closes while it runs; the host
// dying for any reason (even SIGKILL) closes it, and a plugin exits when its stdin closes. The
// plugin runs in its own process group so stop() can signal everything it spawned.

import { mkdtemp, mkdir, chmod, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { execa, type ResultPromise } from 'execa';
import type { Logger } from 'pino';

import { withParentDeathSignal } from './parent-death.ts';
import { HookdError } from './errors.ts';
import { HOST_PROTOCOL_VERSIONS } from './hooks.ts';
import { forwardOutput, type OutputForwarder } from './log-forward.ts';
import type { LaunchSpec } from './types.ts';

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** "with code 3", "on signal SIGKILL", "before it could start: spawn ENOENT". */
  description: string;
}

export interface LaunchedPlugin {
  readonly pid: number;
  /** `unix:///<runtimeDir>/<name>.sock`, also passed as HOOKD_PLUGIN_ADDRESS. */
  readonly address: string;
  /** Resolves (never rejects) when the process has exited. */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** The last stderr lines, for ERR_PLUGIN_EXITED. */
  stderrTail(): string;
}

interface LaunchInternals extends LaunchedPlugin {
  readonly socketPath: string;
  readonly subprocess: ResultPromise;
}

/**
 * Creates the directory for plugin sockets, mode 0700 so only the daemon's user can reach its
 * plugins. With `base` unset, a fresh directory under os.tmpdir() (short enough for the 107-byte
 * socket path limit). Returns the directory and whether the caller should remove it at the end.
 */
export async function createRuntimeDir(base?: string): Promise<{ dir: string; isOwned: boolean }> {
  if (!base) return { dir: await mkdtemp(join(tmpdir(), 'hookd-')), isOwned: true };
  await mkdir(base, { recursive: true, mode: 0o700 });
  await chmod(base, 0o700);
  return { dir: base, isOwned: false };
}

/**
 * The HOOKD_* variables a launched plugin gets (docs/protocol.md §3). The one definition, shared
 * with the conformance kit, which must launch plugins exactly as the host does.
 */
export function launchEnvironment(name: string, address: string): Record<string, string> {
  return {
    HOOKD_PLUGIN_NAME: name,
    HOOKD_PLUGIN_ADDRESS: address,
    HOOKD_PROTOCOL_VERSIONS: HOST_PROTOCOL_VERSIONS.join(','),
  };
}

export async function launchPlugin(name: string, spec: LaunchSpec, runtimeDir: string, logger: Logger): Promise<LaunchedPlugin> {
  const socketPath = join(runtimeDir, `${name}.sock`);
  // A socket left by a previous run (or a crashed attempt) would make the plugin's bind fail.
  await rm(socketPath, { force: true });
  const address = `unix://${socketPath}`;
  let line: ReturnType<typeof withParentDeathSignal>;
  try {
    line = withParentDeathSignal(spec.command, spec.args, spec.cwd, spec.env?.PATH ?? process.env.PATH);
  } catch (error) {
    throw new HookdError('ERR_PLUGIN_SPAWN_FAILED', { plugin: name, reason: (error as Error).message });
  }
  if (!line.isGuarded) logger.warn({ plugin: name }, `setpriv is missing: plugin ${name} will not die with the daemon if it ignores its stdin closing`);
  const subprocess = execa(line.command, line.args, {
    cwd: spec.cwd,
    env: { ...spec.env, ...launchEnvironment(name, address) },
    extendEnv: true,
    detached: true,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    // The stdin pipe already ends the plugin with the host; stop() does the graceful sequence.
    cleanup: false,
    forceKillAfterDelay: false,
  });
  // Writing nothing, we can still see EPIPE when the plugin exits; the exit path reports it.
  subprocess.stdin?.on('error', () => undefined);
  await waitForSpawn(name, subprocess);

  forwardOutput(subprocess.stdout!, logger, name, { stream: 'stdout' });
  const stderr: OutputForwarder = forwardOutput(subprocess.stderr!, logger, name, { stream: 'stderr' });
  let hasExited = false;
  const exited = subprocess.then((result): ExitInfo => {
    hasExited = true;
    const signal = result.signal ?? null;
    const code = result.exitCode ?? null;
    return { code, signal, description: signal ? `on signal ${signal}` : `with code ${code}` };
  });
  const launched: LaunchInternals = {
    pid: subprocess.pid!,
    address,
    socketPath,
    subprocess,
    exited,
    hasExited: () => hasExited,
    stderrTail: () => stderr.tail(),
  };
  return launched;
}

/** Resolves once the OS created the process; rejects with ERR_PLUGIN_SPAWN_FAILED otherwise. */
async function waitForSpawn(name: string, subprocess: ResultPromise): Promise<void> {
  if (subprocess.pid !== undefined) return;
  const result = await subprocess;
  const reason = result.originalMessage || result.shortMessage || 'spawn failed';
  throw new HookdError('ERR_PLUGIN_SPAWN_FAILED', { plugin: name, reason });
}

export interface StopOptions {
  /** Total time for Shutdown + SIGTERM before SIGKILL; split evenly between the two waits. */
  graceMs: number;
  /** Sends the Shutdown RPC; its failure is expected from a broken plugin and only logged. */
  shutdown?: () => Promise<void>;
  logger?: Logger;
}

/** How a stop ended: on its own after Shutdown/stdin close, after SIGTERM, or SIGKILLed. */
export type StopOutcome = 'exited' | 'terminated' | 'killed';

/**
 * The graceful sequence: Shutdown RPC and stdin closed → wait up to graceMs/2 → SIGTERM the
 * process group → wait up to graceMs/2 → SIGKILL the group. Then the socket file is removed.
 * Safe to call on a process that already exited.
 */
export async function stopPlugin(plugin: LaunchedPlugin, options: StopOptions): Promise<StopOutcome> {
  const internals = plugin as LaunchInternals;
  const half = Math.max(1, Math.floor(options.graceMs / 2));
  let outcome: StopOutcome = 'exited';
  if (!plugin.hasExited()) {
    await options.shutdown?.().catch((error: unknown) => options.logger?.debug({ err: error }, 'Shutdown RPC failed'));
    internals.subprocess.stdin?.end();
    if (!(await waitForExit(plugin, half))) {
      outcome = 'terminated';
      signalGroup(plugin.pid, 'SIGTERM');
      if (!(await waitForExit(plugin, half))) {
        outcome = 'killed';
        signalGroup(plugin.pid, 'SIGKILL');
        await plugin.exited;
      }
    }
  }
  // Children the plugin left in its group outlive it otherwise; the group id cannot be reused
  // while any member lives, so this reaches only our plugin's leftovers.
  signalGroup(plugin.pid, 'SIGKILL');
  await rm(internals.socketPath, { force: true });
  return outcome;
}

/** Kills the process group at once: for a plugin that is already dead or beyond saving. */
export async function killPlugin(plugin: LaunchedPlugin): Promise<void> {
  signalGroup(plugin.pid, 'SIGKILL');
  await plugin.exited;
  await rm((plugin as LaunchInternals).socketPath, { force: true });
}

/** Whether the process exited within `ms`. One AbortController cancels the losing timer. */
async function waitForExit(plugin: LaunchedPlugin, ms: number): Promise<boolean> {
  const controller = new AbortController();
  try {
    return await Promise.race([
      plugin.exited.then(() => true),
      delay(ms, false, { signal: controller.signal }),
    ]);
  } finally {
    controller.abort();
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
