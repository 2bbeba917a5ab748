// The streaming server's backend on the daemon's own managers, so a CRI exec or attach is the
// same operation as the Docker API's (exec events, the runtime's exec path, conmon's attach
// socket), only carried by another protocol:
// - exec: an ExecSessions session (containers/exec-sessions.ts), stdio piped; a tty's resizes go
//   to the exec's terminal; the client leaving kills the process.
// - attach: output live from the container's log from the moment of attaching (as containerd:
//   no replay), stdin through conmon's attach socket (runtime.openStdin). The client's stdin
//   ending closes the container's stdin for StdinOnce without a tty, and the attach then lasts
//   until the container exits; otherwise it detaches (containerd's rule, which kubectl relies on).
// - dialPod: 127.0.0.1:<port> inside the sandbox's network namespace (pod-dialer.ts).

import { stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { connect } from 'node:net';
import type { Duplex, Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { ContainerManager } from '../../containers/container-manager.ts';
import type { ContainerRecord } from '../../containers/container-record.ts';
import type { ExecSessions } from '../../containers/exec-sessions.ts';
import { tailLog } from '../../containers/log-reader.ts';
import { conflict, DomainError, notFound } from '../../errors.ts';
import type { ContainerRuntime } from '../../runtime/runtime.ts';
import { resizeTerminal } from '../../runtime/terminal-size.ts';
import type { RemoteCommandIo, StreamingBackend, TerminalSize } from './backend.ts';
import { dialInNetns } from './pod-dialer.ts';

export const POD_SANDBOX_LABEL = 'io.kubernetes.docker.type';

export interface ContainerBackendDeps {
  containers: ContainerManager;
  execs: ExecSessions;
  runtime: ContainerRuntime;
  logger: Logger;
}

export function containerStreamingBackend(deps: ContainerBackendDeps): StreamingBackend {
  return {
    exec: (containerId, cmd, io) => execInContainer(deps, containerId, cmd, io),
    attach: (containerId, io) => attachToContainer(deps, containerId, io),
    async dialPod(podSandboxId, port, signal) {
      const netns = podNetnsPath(deps.containers, podSandboxId);
      return netns === 'host' ? dialHostLoopback(port) : dialInNetns(netns, port, signal);
    },
  };
}

/**
 * The running pod's netns file, or "host" for a pod on the host's network. The sandbox id is the
 * infra container's (the handler resolved any prefix); the infra's record is read at connect time,
 * since a restarted pod has a new namespace.
 */
export function podNetnsPath(containers: ContainerManager, podSandboxId: string): string {
  const record = resolveContainer(containers, podSandboxId);
  if (!record || record.Id !== podSandboxId || record.Config.Labels?.[POD_SANDBOX_LABEL] !== 'podsandbox') throw notFound(`pod sandbox ${podSandboxId} not found`);
  if (!record.State.Running) throw conflict(`pod sandbox ${podSandboxId} is not ready: its infra process is not running`);
  if (record.HostConfig.NetworkMode === 'host') return 'host';
  const netns = record.NetworkSettings?.SandboxKey;
  if (!netns) throw conflict(`pod sandbox ${podSandboxId} has no network namespace`);
  return netns;
}

/** A container by full id or unique id prefix (the container manager's lookup); undefined when none. */
export function resolveContainer(containers: ContainerManager, reference: string): ContainerRecord | undefined {
  try {
    return containers.get(reference);
  } catch {
    return undefined; // not found (or ambiguous): the caller names what it looked for
  }
}

/** A pod on the host's network listens on the host's loopback: no namespace to enter. */
async function dialHostLoopback(port: number): Promise<Duplex> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', (error) => reject(new DomainError('system', `connect 127.0.0.1:${port}: ${error.message}`)));
  });
  return socket;
}

async function execInContainer(deps: ContainerBackendDeps, containerId: string, cmd: string[], io: RemoteCommandIo): Promise<number> {
  if (!resolveContainer(deps.containers, containerId)) throw notFound(`container ${containerId} not found`);
  const session = deps.execs.create(containerId, {
    Cmd: cmd, Tty: io.tty, AttachStdin: io.stdin !== undefined, AttachStdout: io.stdout !== undefined, AttachStderr: io.stderr !== undefined,
  });
  let lastSize: TerminalSize | undefined;
  io.resizes.on('resize', (size) => { lastSize = size; });
  const child = await deps.execs.start(session.ID);
  const exited = new AbortController();
  child.once('close', () => exited.abort());
  // client-go sends the terminal's size once at the start (and again only when it changes), so it
  // must not be lost to the moment before `runc exec` has made the exec's terminal: retried.
  const resize = (size: TerminalSize): void => {
    if (child.pid) void resizeWhenReady(child.pid, size, exited.signal);
  };
  if (lastSize) resize(lastSize);
  io.resizes.on('resize', resize);
  const forward = (target: Writable | undefined) => (chunk: Buffer): void => { target?.write(chunk); };
  child.stdout?.on('data', forward(io.stdout));
  child.stderr?.on('data', forward(io.tty ? io.stdout : io.stderr));
  if (io.stdin && child.stdin) {
    const stdin = child.stdin;
    stdin.on('error', () => undefined); // the process may exit before reading its stdin; EPIPE is expected then
    io.stdin.on('data', (chunk: Buffer) => { stdin.write(chunk); });
    // A terminal's stdin stays open at the client's end of input: behind script(1) the end would
    // be typed into the terminal (a stray ^@ on screen); the command ends on its own or is killed
    // when the client leaves. Without a tty the end is the command's end of input.
    if (!io.tty) io.stdin.once('end', () => stdin.end());
  } else if (!io.tty) {
    child.stdin?.end();
  }
  const kill = (): void => { child.kill('SIGKILL'); };
  io.signal.addEventListener('abort', kill, { once: true });
  await new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => { exited.abort(); resolve(); });
  });
  io.signal.removeEventListener('abort', kill);
  return deps.execs.get(session.ID).ExitCode ?? 126;
}

async function attachToContainer(deps: ContainerBackendDeps, containerId: string, io: RemoteCommandIo): Promise<void> {
  const record = resolveContainer(deps.containers, containerId);
  if (!record) throw notFound(`container ${containerId} not found`);
  if (!record.State.Running) throw conflict(`container ${containerId} is not running`);
  const exited = new AbortController(); // drain the log to its end, then stop
  const detach = new AbortController(); // stop now: the client left or detached
  const onEnd = (id: string): void => { if (id === record.Id) exited.abort(); };
  deps.containers.lifecycle.on('exit', onEnd);
  deps.containers.lifecycle.on('destroy', onEnd);
  io.signal.addEventListener('abort', () => detach.abort(), { once: true });
  const fromOffset = await stat(record.LogPath).then((s) => s.size, () => 0);
  if (io.tty) {
    io.resizes.on('resize', (size) => {
      void deps.runtime.resize?.(record.Id, record.hookd.stateDir, { rows: size.height, cols: size.width }).catch(() => false);
    });
  }
  if (io.stdin) await pipeStdin(deps, record, io, detach);
  try {
    for await (const entry of tailLog(record.LogPath, { fromOffset, until: exited.signal, signal: detach.signal })) {
      const target = entry.stream === 'stderr' && !io.tty ? io.stderr : io.stdout;
      target?.write(entry.log);
    }
  } finally {
    deps.containers.lifecycle.off('exit', onEnd);
    deps.containers.lifecycle.off('destroy', onEnd);
  }
}

async function pipeStdin(deps: ContainerBackendDeps, record: ContainerRecord, io: RemoteCommandIo, detach: AbortController): Promise<void> {
  const stdin = io.stdin!;
  const target = record.Config.OpenStdin ? await deps.runtime.openStdin(record.Id, record.hookd.stateDir) : undefined;
  const closesContainerStdin = record.Config.StdinOnce === true && !io.tty;
  if (!target) {
    stdin.resume(); // nowhere to write (no stdin, or a StdinOnce stdin already closed): the output still streams
    return;
  }
  target.on('error', () => stdin.unpipe(target as Writable)); // EPIPE: the container exited; its exit ends the attach
  stdin.once('end', () => {
    target.end();
    if (!closesContainerStdin) detach.abort();
  });
  stdin.pipe(target as Writable, { end: false });
}

const RESIZE_RETRY_MS = 50;
const RESIZE_ATTEMPTS = 100;

/** Best effort, as Docker's resize: retries while the exec has no terminal yet, gives up when it exits. */
async function resizeWhenReady(pid: number, size: TerminalSize, exited: AbortSignal): Promise<void> {
  for (let attempt = 0; attempt < RESIZE_ATTEMPTS && !exited.aborted; attempt += 1) {
    if (await resizeTerminal(pid, { rows: size.height, cols: size.width }).catch(() => false)) return;
    await delay(RESIZE_RETRY_MS, undefined, { signal: exited }).catch(() => undefined); // aborted: the exec ended
  }
}
