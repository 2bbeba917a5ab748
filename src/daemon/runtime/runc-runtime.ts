// The `runc` runtime: real OCI containers. start() writes <stateDir>/bundle/config.json (whose
// hooks.prestart are the sorted PreStart results) and launches the shim, which runs
// `runc run` in the foreground; everything else goes through runc's own subcommands, so
// runc's state under `root` is the truth, and a restarted daemon needs nothing in memory.
// A Tty container gets process.terminal, and the shim runs runc behind script(1) (terminal.ts);
// so does `exec -t`.

import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ContainerRuntime, ExecSpec, ExitStatus, RuntimeContainerSpec, RuntimeLogger, RuntimeState } from './runtime.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { openStdinWriter } from './attach-stdin.ts';
import { RuntimeError } from './errors.ts';
import { readExitFile, waitForExitFile } from './exit-file.ts';
import { buildOciSpec, buildProcess } from './oci-spec.ts';
import { resourcesFromDocker } from './oci-resources.ts';
import { commandFailed, isNotExistError, isNotRunningError, runRunc, updateFlagsFor, type RuncOptions } from './runc-cli.ts';
import { launchShim, resetShimState } from './shim-launch.ts';
import { isProcessAlive, readPidFile, readShimConfig, removeShimState, shimPaths } from './shim-files.ts';
import { resolveContainerUser } from './user.ts';
import { findScript, underScript } from './terminal.ts';

export const DEFAULT_RUNC_ROOT = '/run/hookd/runc';

export class RuncRuntime implements ContainerRuntime {
  readonly name = 'runc' as const;
  readonly isolated = true;
  readonly #runc: RuncOptions;
  readonly #logger: Pick<RuntimeLogger, 'warn'> | undefined;

  constructor(options: Partial<RuncOptions> & { logger?: Pick<RuntimeLogger, 'warn'> } = {}) {
    this.#runc = { binary: options.binary ?? 'runc', root: options.root ?? DEFAULT_RUNC_ROOT };
    this.#logger = options.logger;
  }

  async start(spec: RuntimeContainerSpec): Promise<{ pid: number }> {
    await resetShimState(spec.stateDir, spec.exitPath);
    // A container of this id left in runc's state by a crash would make `runc run` refuse.
    await runRunc(this.#runc, ['delete', '--force', spec.id]);
    const user = await resolveContainerUser(spec.id, spec.user, spec.rootfs);
    const ttyScript = spec.tty ? findScript(spec.id, this.#logger) : undefined;
    const bundle = shimPaths(spec.stateDir).bundle;
    await mkdir(bundle, { recursive: true, mode: 0o700 });
    const oci = buildOciSpec({ ...spec, tty: ttyScript !== undefined }, user);
    await writeFileAtomic(join(bundle, 'config.json'), `${JSON.stringify(oci, null, 2)}\n`);
    await mkdir(this.#runc.root, { recursive: true, mode: 0o700 });
    return launchShim(spec.stateDir, {
      mode: 'runc', id: spec.id, rootfs: spec.rootfs, logPath: spec.logPath, exitPath: spec.exitPath,
      openStdin: spec.openStdin, stdinOnce: spec.stdinOnce, args: spec.args, env: spec.env, cwd: spec.cwd,
      prestartHooks: spec.prestartHooks, annotations: spec.annotations, runc: this.#runc,
      ...(ttyScript ? { ttyScript } : {}),
    });
  }

  /** `runc kill`. A container that already exited (or was removed by `runc run`) is not an error. */
  async kill(id: string, signal: NodeJS.Signals): Promise<void> {
    const args = ['kill', id, signal];
    const result = await runRunc(this.#runc, args);
    if (result.exitCode === 0 || isNotExistError(result) || isNotRunningError(result)) return;
    throw commandFailed(id, args, result);
  }

  async waitExit(id: string, stateDir: string, signal?: AbortSignal): Promise<ExitStatus> {
    const config = await readShimConfig(stateDir);
    if (!config) throw new RuntimeError('ERR_RUNTIME_UNKNOWN_CONTAINER', `no runtime state for container ${id} in ${stateDir}`, id);
    return waitForExitFile(config.exitPath, shimPaths(stateDir).alive, signal);
  }

  /** `runc delete --force` (kills a running container), waits for the shim's exit file, removes state. */
  async delete(id: string, stateDir: string): Promise<void> {
    const args = ['delete', '--force', id];
    const result = await runRunc(this.#runc, args);
    if (result.exitCode !== 0 && !isNotExistError(result)) throw commandFailed(id, args, result);
    const config = await readShimConfig(stateDir);
    const shimPid = await readPidFile(shimPaths(stateDir).shimPid);
    if (config && shimPid !== undefined && isProcessAlive(shimPid) && !(await readExitFile(config.exitPath))) {
      await waitForExitFile(config.exitPath, shimPaths(stateDir).alive);
    }
    await removeShimState(stateDir);
  }

  async state(id: string, stateDir: string): Promise<RuntimeState> {
    const result = await runRunc(this.#runc, ['state', id]);
    if (result.exitCode === 0) {
      const state = JSON.parse(result.stdout) as { status?: string; pid?: number };
      const status = state.status === 'running' || state.status === 'created' || state.status === 'stopped' ? state.status
        : state.status === 'paused' ? 'running' : 'unknown';
      return status === 'running' && state.pid ? { status, pid: state.pid } : { status };
    }
    // `runc run` removes its state when the container ends: the exit file tells what happened.
    const config = await readShimConfig(stateDir);
    if (config && (await readExitFile(config.exitPath))) return { status: 'stopped' };
    return { status: 'unknown' };
  }

  /**
   * `runc update` with the flags the resource fields map to (the same mapping as config.json). A
   * container runc no longer knows has exited: its record's fields apply at the next start.
   */
  async update(id: string, _stateDir: string, resources: Record<string, unknown>): Promise<void> {
    const flags = updateFlagsFor(resourcesFromDocker(resources));
    if (flags.length === 0) return;
    const args = ['update', ...flags, id];
    const result = await runRunc(this.#runc, args);
    if (result.exitCode === 0 || isNotExistError(result)) return;
    throw commandFailed(id, args, result);
  }

  /**
   * `runc exec --process <json>`: the process runs in the container's namespaces and cgroup. With
   * a tty, process.terminal and runc behind script(1), as for `runc run`.
   */
  async exec(id: string, stateDir: string, spec: ExecSpec): Promise<ChildProcess> {
    const config = await readShimConfig(stateDir);
    if (!config) throw new RuntimeError('ERR_RUNTIME_UNKNOWN_CONTAINER', `no runtime state for container ${id} in ${stateDir}`, id);
    const user = await resolveContainerUser(id, spec.user, config.rootfs);
    const processFile = join(stateDir, `exec-${randomBytes(6).toString('hex')}.json`);
    const ttyScript = spec.tty ? findScript(id, this.#logger) : undefined;
    const oci = buildProcess({ args: spec.args, env: spec.env, cwd: spec.cwd || config.cwd, resources: {}, tty: ttyScript !== undefined }, user);
    await writeFileAtomic(processFile, JSON.stringify(oci));
    const argv = [this.#runc.binary, '--root', this.#runc.root, 'exec', '--process', processFile, id];
    const launch = ttyScript ? underScript(ttyScript, argv, process.env as Record<string, string>) : { command: argv[0]!, args: argv.slice(1), env: process.env };
    const child = spawn(launch.command, launch.args, { env: launch.env, stdio: 'pipe' });
    const cleanup = (): void => void rm(processFile, { force: true });
    child.once('close', cleanup);
    child.once('error', cleanup);
    return child;
  }

  async openStdin(_id: string, stateDir: string): Promise<NodeJS.WritableStream | undefined> {
    return openStdinWriter(stateDir);
  }
}
