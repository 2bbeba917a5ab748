// The `process` runtime: runs the container's command on the host, without namespaces or
// cgroups (isolated = false; the daemon says so at start-up and in /info). Still: one shim per
// container, prestart hooks with the OCI state on stdin, json-file logs, exit files, and cwd
// inside the rootfs, so the container manager cannot tell the runtimes apart by behaviour.
// Tty containers and `exec -t` get a pseudo-terminal through script(1) (terminal.ts).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerRuntime, ExecSpec, ExitStatus, RuntimeContainerSpec, RuntimeLogger, RuntimeState } from './runtime.ts';
import { openStdinWriter } from './attach-stdin.ts';
import { RuntimeError } from './errors.ts';
import { readExitFile, waitForExitFile } from './exit-file.ts';
import { launchShim, resetShimState } from './shim-launch.ts';
import { isProcessAlive, readPidFile, readShimConfig, removeShimState, shimPaths, type ShimConfig } from './shim-files.ts';
import { envListToRecord, withHostPath } from './env-list.ts';
import { resolveContainerUser } from './user.ts';
import { findScript, underScript } from './terminal.ts';

export class ProcessRuntime implements ContainerRuntime {
  readonly name = 'process' as const;
  readonly isolated = false;
  /**
   * id → stateDir, learnt from every call that names both. kill() names only the id, so after a
   * daemon restart the manager's reconcile (state() or waitExit()) is what makes kill() work.
   */
  readonly #stateDirs = new Map<string, string>();
  readonly #logger: Pick<RuntimeLogger, 'debug' | 'warn'> | undefined;

  constructor(options: { logger?: Pick<RuntimeLogger, 'debug' | 'warn'> } = {}) {
    this.#logger = options.logger;
  }

  async start(spec: RuntimeContainerSpec): Promise<{ pid: number }> {
    this.#stateDirs.set(spec.id, spec.stateDir);
    await resetShimState(spec.stateDir, spec.exitPath);
    const user = spec.user === '' ? undefined : await resolveContainerUser(spec.id, spec.user, spec.rootfs);
    const ttyScript = spec.tty ? findScript(spec.id, this.#logger) : undefined;
    return launchShim(spec.stateDir, {
      mode: 'process', id: spec.id, rootfs: spec.rootfs, logPath: spec.logPath, exitPath: spec.exitPath,
      openStdin: spec.openStdin, stdinOnce: spec.stdinOnce, args: spec.args, env: spec.env, cwd: spec.cwd,
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      ...(ttyScript ? { ttyScript } : {}),
      prestartHooks: spec.prestartHooks, annotations: spec.annotations,
    });
  }

  /** Signals the container's process group. A process that already exited is not an error. */
  async kill(id: string, signal: NodeJS.Signals): Promise<void> {
    const stateDir = this.#stateDirs.get(id);
    if (stateDir === undefined) throw new RuntimeError('ERR_RUNTIME_UNKNOWN_CONTAINER', `process runtime has no state for container ${id}`, id);
    const config = await requireConfig(id, stateDir);
    // After the exit file, the pid may already belong to someone else: never signal it then.
    if (await readExitFile(config.exitPath)) return;
    const pid = await readPidFile(shimPaths(stateDir).containerPid);
    if (pid === undefined) throw new RuntimeError('ERR_RUNTIME_UNKNOWN_CONTAINER', `container ${id} has no running process`, id);
    try {
      process.kill(-pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  async waitExit(id: string, stateDir: string, signal?: AbortSignal): Promise<ExitStatus> {
    this.#stateDirs.set(id, stateDir);
    const config = await requireConfig(id, stateDir);
    return waitForExitFile(config.exitPath, shimPaths(stateDir).alive, signal);
  }

  /** Kills a process still running (like `runc delete --force`), then removes the shim's files. */
  async delete(id: string, stateDir: string): Promise<void> {
    const config = await readShimConfig(stateDir);
    if (config && !(await readExitFile(config.exitPath))) {
      const pid = await readPidFile(shimPaths(stateDir).containerPid);
      if (pid !== undefined && isProcessAlive(pid)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // ESRCH: it exited between the check and the kill; the wait below returns at once.
        }
        await waitForExitFile(config.exitPath, shimPaths(stateDir).alive);
      }
    }
    await removeShimState(stateDir);
    this.#stateDirs.delete(id);
  }

  async state(id: string, stateDir: string): Promise<RuntimeState> {
    this.#stateDirs.set(id, stateDir);
    const config = await readShimConfig(stateDir);
    if (!config) return { status: 'unknown' };
    if (await readExitFile(config.exitPath)) return { status: 'stopped' };
    const paths = shimPaths(stateDir);
    const pid = await readPidFile(paths.containerPid);
    if (pid !== undefined && isProcessAlive(pid)) return { status: 'running', pid };
    const shimPid = await readPidFile(paths.shimPid);
    if (shimPid !== undefined && isProcessAlive(shimPid)) return { status: 'created' };
    return { status: 'unknown' };
  }

  /** Nothing to apply: without cgroups there are no limits, only the record (which the manager keeps). */
  async update(id: string, stateDir: string, resources: Record<string, unknown>): Promise<void> {
    this.#stateDirs.set(id, stateDir);
    this.#logger?.debug({ container: id, resources }, 'process runtime has no cgroups: the resource update is recorded only, not applied');
  }

  /** Spawns in the container's rootfs (at cwd inside it when that exists), with its env; behind script(1) for a tty. */
  async exec(id: string, stateDir: string, spec: ExecSpec): Promise<ChildProcess> {
    this.#stateDirs.set(id, stateDir);
    const config = await requireConfig(id, stateDir);
    const [command, ...args] = spec.args;
    if (command === undefined) throw new RuntimeError('ERR_RUNTIME_START_FAILED', `exec in container ${id}: no command`, id);
    const user = spec.user === '' || process.getuid?.() !== 0 ? undefined : await resolveContainerUser(id, spec.user, config.rootfs);
    const inRootfs = join(config.rootfs, spec.cwd || config.cwd);
    const env = envListToRecord(withHostPath(spec.env));
    const ttyScript = spec.tty ? findScript(id, this.#logger) : undefined;
    const launch = ttyScript ? underScript(ttyScript, spec.args, env) : { command, args, env };
    return spawn(launch.command, launch.args, {
      cwd: existsSync(inRootfs) ? inRootfs : config.rootfs,
      env: launch.env,
      stdio: 'pipe',
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
    });
  }

  async openStdin(id: string, stateDir: string): Promise<NodeJS.WritableStream | undefined> {
    this.#stateDirs.set(id, stateDir);
    return openStdinWriter(stateDir);
  }
}

async function requireConfig(id: string, stateDir: string): Promise<ShimConfig> {
  const config = await readShimConfig(stateDir);
  if (!config) throw new RuntimeError('ERR_RUNTIME_UNKNOWN_CONTAINER', `no runtime state for container ${id} in ${stateDir}`, id);
  return config;
}
