// The files a shim keeps in its container's state dir. They are the whole interface between a
// shim and any daemon process (the one that launched it or a later one after a restart):
//
//   shim.json      ShimConfig, written by the runtime before launch
//   shim.pid       the shim's pid                         (written by the shim)
//   container.pid  the container's main pid               (the shim, or runc --pid-file)
//   shim.alive     fifo the shim holds open until it exits: EOF on it = the shim is gone
//   stdin          fifo the daemon writes the container's stdin to, when openStdin; the shim
//                  reads it and copies it to the process (stdin-relay.ts)
//   shim.log       the shim's own diagnostics (and node's, if it crashes)
//   runc.log       runc's JSON log (runc runtime)
//   bundle/        the OCI bundle: config.json (runc runtime)

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeHook } from './runtime.ts';

export interface ShimConfig {
  mode: 'process' | 'runc';
  id: string;
  rootfs: string;
  logPath: string;
  exitPath: string;
  openStdin: boolean;
  /** Close the process's stdin once the first attach closes its writer (see stdin-relay.ts). Absent in shim.json files older than it. */
  stdinOnce?: boolean;
  /** process mode: what to run and how (runc mode reads these from the bundle instead). */
  args: string[];
  env: string[];
  cwd: string;
  /** process mode: applied only when the shim runs as root; undefined = the shim's own user. */
  uid?: number;
  gid?: number;
  prestartHooks: RuntimeHook[];
  annotations: Record<string, string>;
  /**
   * Tty containers: util-linux script(1), through which the process (process mode) or `runc run`
   * (runc mode, with process.terminal in config.json) gets a pseudo-terminal; see terminal.ts.
   * Absent: plain pipes (no Tty, script missing, or a shim.json older than it).
   */
  ttyScript?: string;
  /** runc mode: binary and --root. */
  runc?: { binary: string; root: string };
}

/** What the shim writes to its ready pipe (fd 3) once, then closes it. */
export type ShimReport = { pid: number } | { error: string; code: 'ERR_RUNTIME_HOOK_FAILED' | 'ERR_RUNTIME_START_FAILED' };

export function shimPaths(stateDir: string) {
  return {
    config: join(stateDir, 'shim.json'),
    shimPid: join(stateDir, 'shim.pid'),
    containerPid: join(stateDir, 'container.pid'),
    alive: join(stateDir, 'shim.alive'),
    stdin: join(stateDir, 'stdin'),
    shimLog: join(stateDir, 'shim.log'),
    runcLog: join(stateDir, 'runc.log'),
    bundle: join(stateDir, 'bundle'),
  };
}

export async function readShimConfig(stateDir: string): Promise<ShimConfig | undefined> {
  try {
    return JSON.parse(await readFile(shimPaths(stateDir).config, 'utf8')) as ShimConfig;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A pid file's number, or undefined when absent or not yet written. */
export async function readPidFile(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** kill(pid, 0): true while the process exists (EPERM means it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes everything the runtime and shim keep in stateDir; logPath and exitPath are the caller's. */
export async function removeShimState(stateDir: string): Promise<void> {
  const paths = shimPaths(stateDir);
  await Promise.all([paths.config, paths.shimPid, paths.containerPid, paths.alive, paths.stdin, paths.shimLog, paths.runcLog, paths.bundle]
    .map((path) => rm(path, { recursive: true, force: true })));
}
