// docker exec: POST /containers/{id}/exec creates a session, POST /exec/{id}/start runs it
// through the runtime, GET /exec/{id}/json reports it. Sessions live in memory only (Docker's
// do too) and are dropped a while after they end.

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import { badRequest, conflict, DomainError, invalidParameter, notFound } from '../errors.ts';
import type { EventBus } from '../events.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';
import type { ContainerManager } from './container-manager.ts';
import { mergeEnv } from './image-defaults.ts';

export interface ExecSession {
  ID: string;
  ContainerID: string;
  Running: boolean;
  ExitCode: number | null;
  Pid: number;
  OpenStdin: boolean;
  OpenStdout: boolean;
  OpenStderr: boolean;
  ProcessConfig: { tty: boolean; entrypoint: string; arguments: string[]; privileged: boolean; user: string };
  env: string[];
  workingDir: string;
}

const KEEP_ENDED_MS = 5 * 60_000;

export class ExecSessions {
  readonly #sessions = new Map<string, ExecSession>();
  readonly #containers: ContainerManager;
  readonly #runtime: ContainerRuntime;
  readonly #events: EventBus | undefined;

  constructor(containers: ContainerManager, runtime: ContainerRuntime, events?: EventBus) {
    this.#containers = containers;
    this.#runtime = runtime;
    this.#events = events;
  }

  /** Docker's container events "exec_create: <cmd>", "exec_start: <cmd>" and "exec_die". */
  #publish(session: ExecSession, action: 'exec_create' | 'exec_start' | 'exec_die', extra: Record<string, string> = {}): void {
    const command = [session.ProcessConfig.entrypoint, ...session.ProcessConfig.arguments].join(' ');
    this.#events?.publish('container', action === 'exec_die' ? action : `${action}: ${command}`, session.ContainerID, { execID: session.ID, ...extra });
  }

  create(containerReference: string, body: Record<string, unknown>): ExecSession {
    const record = this.#containers.get(containerReference);
    if (!record.State.Running) throw conflict(`Container ${record.Id} is not running`);
    const cmd = typeof body.Cmd === 'string' ? [body.Cmd] : body.Cmd;
    if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((arg) => typeof arg === 'string')) {
      throw badRequest('invalid exec config: Cmd must be a non-empty array of strings');
    }
    if (body.Env != null && !(Array.isArray(body.Env) && body.Env.every((e) => typeof e === 'string'))) {
      throw badRequest('invalid exec config: Env must be an array of strings');
    }
    const [entrypoint = '', ...args] = cmd as string[];
    const session: ExecSession = {
      ID: randomBytes(32).toString('hex'),
      ContainerID: record.Id,
      Running: false,
      ExitCode: null,
      Pid: 0,
      OpenStdin: body.AttachStdin === true,
      OpenStdout: body.AttachStdout !== false,
      OpenStderr: body.AttachStderr !== false,
      ProcessConfig: { tty: body.Tty === true, entrypoint, arguments: args, privileged: body.Privileged === true, user: String(body.User ?? record.Config.User ?? '') },
      env: mergeEnv(record.Config.Env ?? [], (body.Env as string[] | undefined) ?? []),
      workingDir: typeof body.WorkingDir === 'string' && body.WorkingDir ? body.WorkingDir : record.Config.WorkingDir || '/',
    };
    this.#sessions.set(session.ID, session);
    this.#publish(session, 'exec_create');
    return session;
  }

  get(id: string): ExecSession {
    const session = this.#sessions.get(id);
    if (!session) throw notFound(`No such exec instance: ${id}`);
    return session;
  }

  /** Drops a session at once instead of keeping it after its end (health probes, one per interval). */
  forget(id: string): void {
    this.#sessions.delete(id);
  }

  inspect(id: string): Record<string, unknown> {
    const { env: _env, workingDir: _wd, ...visible } = this.get(id);
    return { ...visible, CanRemove: false, DetachKeys: '' };
  }

  /** Starts the process; the caller owns its streams. The session records the exit code. */
  async start(id: string): Promise<ChildProcess> {
    const session = this.get(id);
    if (session.Running || session.ExitCode !== null) throw conflict(`Exec ${id} has already been started`);
    const record = this.#containers.get(session.ContainerID);
    if (!record.State.Running) throw conflict(`Container ${record.Id} is not running`);
    session.Running = true;
    let child: ChildProcess;
    try {
      child = await this.#runtime.exec(record.Id, record.hookd.stateDir, {
        args: [session.ProcessConfig.entrypoint, ...session.ProcessConfig.arguments],
        env: session.env, cwd: session.workingDir, user: session.ProcessConfig.user, tty: session.ProcessConfig.tty,
      });
    } catch (error) {
      session.Running = false;
      session.ExitCode = 126;
      throw execRefused(record.Id, record.State.Running, error);
    }
    session.Pid = child.pid ?? 0;
    this.#publish(session, 'exec_start');
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (!session.Running) return;
      session.Running = false;
      session.ExitCode = code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 126);
      this.#publish(session, 'exec_die', { exitCode: String(session.ExitCode) });
      setTimeout(() => this.#sessions.delete(id), KEEP_ENDED_MS).unref();
    };
    child.once('exit', finish);
    child.once('error', () => finish(127, null));
    return child;
  }
}

/**
 * The runtime could not start the exec. Like dockerd, this is the client's to fix, never a 500: the
 * container stopped meanwhile (409), or the command cannot run there (400, with the runtime's reason).
 */
function execRefused(containerId: string, isRunning: boolean, error: unknown): DomainError {
  const reason = error instanceof Error ? error.message : String(error);
  if (!isRunning) return conflict(`Container ${containerId} is not running`, { cause: error });
  return invalidParameter(`exec failed in container ${containerId}: ${reason || 'the runtime gave no reason'}`, { cause: error });
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  return (constants.signals as Record<string, number>)[signal];
}
