// An OCI runtime handler (runc, crun, or any runtime with runc's command line) with conmon as
// each container's monitor. start() writes <stateDir>/bundle/config.json (whose hooks.prestart
// are the sorted PreStart results), has conmon run `<runtime> create` (conmon-launch.ts), then
// `<runtime> start`. conmon holds the container's stdio, writes its log in the CRI format, and
// records its exit status (monitor-files.ts); the daemon holds nothing a restart would lose.
// `docker exec` runs `<runtime> exec` from the daemon (exec-process.ts says why).

import type { ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.ts';
import type { ContainerRuntime, ExecSpec, ExitStatus, ReconciledState, RuntimeContainerSpec, RuntimeLogger, RuntimeState } from './runtime.ts';
import { RuntimeError } from './errors.ts';
import { isProcessAlive, readPidFile } from './shim-files.ts';
import { launchConmon, runtimeFailure } from './conmon-launch.ts';
import { spawnOciExec } from './exec-process.ts';
import { attachSocketPath, openAttachStdin, reopenLogThroughMonitor, resizeThroughMonitor } from './monitor-attach.ts';
import { waitForMonitorExit } from './monitor-exit.ts';
import { monitorPaths, readMonitorExit, readMonitorRecord, removeMonitorState, resetMonitorState, type MonitorRecord } from './monitor-files.ts';
import { buildOciSpec } from './oci-spec.ts';
import { resourcesFromDocker } from './oci-resources.ts';
import { commandFailed, isNotExistError, isNotRunningError, runOci, updateFlagsFor, type OciCliOptions } from './oci-cli.ts';
import { resolveContainerUser } from './user.ts';

export interface OciRuntimeOptions extends OciCliOptions {
  /** The conmon binary. */
  conmon: string;
  /** conmon's --socket-dir-path (attach sockets); one per daemon. */
  socketDir: string;
  logger?: Pick<RuntimeLogger, 'warn'>;
}

export class OciRuntime implements ContainerRuntime {
  readonly name: string;
  readonly isolated = true;
  readonly #o: OciRuntimeOptions;

  constructor(options: OciRuntimeOptions) {
    this.name = options.name;
    this.#o = options;
  }

  get binary(): string {
    return this.#o.binary;
  }

  async start(spec: RuntimeContainerSpec): Promise<{ pid: number }> {
    const paths = monitorPaths(spec.stateDir);
    // A container of this id left in the runtime's state by a crash would make create refuse. Only
    // a state dir with a monitor record can have one (the record is written before conmon starts).
    const previous = await readMonitorRecord(spec.stateDir).catch(() => undefined);
    await resetMonitorState(spec.stateDir);
    if (previous) await runOci(this.#o, ['delete', '--force', spec.id]);
    const user = await resolveContainerUser(spec.id, spec.user, spec.rootfs);
    await mkdir(paths.bundle, { recursive: true, mode: 0o700 });
    await writeFileAtomic(paths.config, `${JSON.stringify(buildOciSpec(spec, user), null, 2)}\n`);
    const record: MonitorRecord = {
      runtime: this.name, binary: this.#o.binary, root: this.#o.root, extraArgs: this.#o.extraArgs,
      rootfs: spec.rootfs, cwd: spec.cwd, logPath: spec.logPath, tty: spec.tty, stdinOnce: spec.stdinOnce,
    };
    await writeFileAtomic(paths.record, `${JSON.stringify(record, null, 2)}\n`);
    await mkdir(this.#o.root, { recursive: true, mode: 0o700 });
    let pid: number;
    try {
      ({ pid } = await launchConmon({
        conmon: this.#o.conmon, socketDir: this.#o.socketDir, runtime: this.#o, id: spec.id, stateDir: spec.stateDir,
        logPath: spec.logPath, tty: spec.tty, openStdin: spec.openStdin, stdinOnce: spec.stdinOnce,
      }));
      const started = await runOci(this.#o, ['start', spec.id]);
      if (started.exitCode !== 0) {
        throw new RuntimeError('ERR_RUNTIME_START_FAILED', `${this.name} start failed: ${runtimeFailure(started.stderr)}`, spec.id);
      }
    } catch (error) {
      // Nothing ran: remove the runtime's container (which ends a waiting conmon) and the monitor
      // record, so a later reconcile finds a container that never ran. conmon.log stays.
      await runOci(this.#o, ['delete', '--force', spec.id]).catch(() => undefined);
      await rm(paths.record, { force: true });
      await rm(dirname(attachSocketPath(this.#o.socketDir, spec.id)), { force: true });
      throw error;
    }
    await writeFile(paths.started, `${pid}\n`);
    return { pid };
  }

  /** `<runtime> kill`. A container that already exited is not an error. */
  async kill(id: string, signal: NodeJS.Signals): Promise<void> {
    const args = ['kill', id, signal];
    const result = await runOci(this.#o, args);
    if (result.exitCode === 0 || isNotExistError(result) || isNotRunningError(result)) return;
    throw commandFailed(this.#o, id, args, result);
  }

  async waitExit(id: string, stateDir: string, signal?: AbortSignal): Promise<ExitStatus> {
    if (!(await readMonitorRecord(stateDir))) throw new RuntimeError('ERR_RUNTIME_UNKNOWN_CONTAINER', `no monitor state for container ${id} in ${stateDir}`, id);
    return waitForMonitorExit(stateDir, signal);
  }

  /** `<runtime> delete --force` (kills a running container), waits for conmon's exit file, removes state. */
  async delete(id: string, stateDir: string): Promise<void> {
    if (!(await readMonitorRecord(stateDir).catch(() => undefined))) return removeMonitorState(stateDir); // never ran here
    const args = ['delete', '--force', id];
    const result = await runOci(this.#o, args);
    if (result.exitCode !== 0 && !isNotExistError(result)) throw commandFailed(this.#o, id, args, result);
    const conmonPid = await readPidFile(monitorPaths(stateDir).conmonPid);
    if (conmonPid !== undefined && isProcessAlive(conmonPid) && !(await readMonitorExit(stateDir))) await waitForMonitorExit(stateDir);
    await removeMonitorState(stateDir);
    await rm(dirname(attachSocketPath(this.#o.socketDir, id)), { force: true }); // conmon's <cuuid> symlink
  }

  async state(id: string, stateDir: string): Promise<RuntimeState> {
    const result = await runOci(this.#o, ['state', id]);
    if (result.exitCode === 0) {
      const state = JSON.parse(result.stdout) as { status?: string; pid?: number };
      const status = state.status === 'running' || state.status === 'created' || state.status === 'stopped' ? state.status
        : state.status === 'paused' ? 'running' : 'unknown';
      return status === 'running' && state.pid ? { status, pid: state.pid } : { status };
    }
    return (await readMonitorExit(stateDir)) ? { status: 'stopped' } : { status: 'unknown' };
  }

  /**
   * From the files alone: an exit file means exited; a live conmon with a live container pid means
   * running. Only a conmon that vanished without an exit file makes us ask the runtime.
   */
  async reconcile(id: string, stateDir: string): Promise<ReconciledState> {
    const paths = monitorPaths(stateDir);
    // The record is written before conmon is started, so without it there is no exit file either:
    // a container created and never started costs one failed open here.
    if (!(await readMonitorRecord(stateDir))) return { status: 'none' };
    const exit = await readMonitorExit(stateDir);
    if (exit) return { status: 'exited', exit };
    const [conmonPid, startedPid] = await Promise.all([readPidFile(paths.conmonPid), readPidFile(paths.started)]);
    if (conmonPid !== undefined && isProcessAlive(conmonPid)) {
      if (startedPid !== undefined) return { status: 'running', pid: startedPid };
      // A daemon killed between create and start: the container never ran its command. Removing
      // it ends conmon, which records the exit; the record becomes exited, never half-started.
      await runOci(this.#o, ['delete', '--force', id]);
      return { status: 'exited', exit: await waitForMonitorExit(stateDir) };
    }
    const state = await this.state(id, stateDir);
    if (state.status === 'running' && state.pid) {
      this.#o.logger?.warn({ container: id }, 'the container runs but its conmon is gone: it is stopped, as its output and exit status would be lost');
      await runOci(this.#o, ['delete', '--force', id]);
    }
    return { status: 'exited', exit: await readMonitorExit(stateDir) ?? {
      exitCode: 255, finishedAt: new Date().toISOString(),
      error: `the container's monitor (conmon) exited without recording an exit status; see ${paths.conmonLog}`,
    } };
  }

  /**
   * `<runtime> update` with the flags the resource fields map to (the same mapping as config.json).
   * A container the runtime no longer knows has exited: its record's fields apply at the next start.
   */
  async update(id: string, _stateDir: string, resources: Record<string, unknown>): Promise<void> {
    const flags = updateFlagsFor(resourcesFromDocker(resources));
    if (flags.length === 0) return;
    const args = ['update', ...flags, id];
    const result = await runOci(this.#o, args);
    if (result.exitCode === 0 || isNotExistError(result) || isNotRunningError(result)) return;
    throw commandFailed(this.#o, id, args, result);
  }

  async exec(id: string, stateDir: string, spec: ExecSpec): Promise<ChildProcess> {
    const record = await readMonitorRecord(stateDir);
    if (!record) throw new RuntimeError('ERR_RUNTIME_UNKNOWN_CONTAINER', `no monitor state for container ${id} in ${stateDir}`, id);
    await mkdir(this.#o.socketDir, { recursive: true, mode: 0o700 });
    return spawnOciExec(this.#o, this.#o.socketDir, id, stateDir, record, spec, this.#o.logger);
  }

  async openStdin(id: string, stateDir: string): Promise<NodeJS.WritableStream | undefined> {
    const record = await readMonitorRecord(stateDir);
    if (!record) return undefined;
    return openAttachStdin(this.#o.socketDir, id, { endWithEof: record.tty && record.stdinOnce });
  }

  async resize(_id: string, stateDir: string, size: { rows: number; cols: number }): Promise<boolean> {
    return resizeThroughMonitor(stateDir, size);
  }

  async reopenLog(_id: string, stateDir: string): Promise<boolean> {
    return reopenLogThroughMonitor(stateDir);
  }
}
