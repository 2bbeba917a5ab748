// Starting a container's monitor, the way CRI-O and Podman do: the daemon runs conmon, conmon
// runs `<runtime> create` (which runs the OCI prestart hooks) with the container's stdio on pipes
// or, for a Tty container, on the pty it receives through the runtime's --console-socket, and
// reports on its sync pipe. conmon forks away from the daemon (its parent exits at once), so it
// outlives a daemon restart or crash.
//
// The sync pipe (fd 3, named by _OCI_SYNCPIPE) carries one JSON line for a create with
// --api-version 1: {"data": <container pid>} once the runtime created the container, or
// {"data": -1, "message": "<the runtime's stderr>"} when create failed (a prestart hook exiting
// non-zero, a missing command, a user who may not run it). EOF without a line: conmon died.

import { spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import { RuntimeError } from './errors.ts';
import { globalArgs, type OciCliOptions } from './oci-cli.ts';
import { monitorPaths } from './monitor-files.ts';

const CONMON_LOG_TAIL_CHARS = 2000;

export interface ConmonLaunch {
  conmon: string;
  /** conmon's --socket-dir-path: where <cuuid> symlinks to each bundle (attach socket) live. */
  socketDir: string;
  runtime: OciCliOptions;
  id: string;
  stateDir: string;
  logPath: string;
  tty: boolean;
  openStdin: boolean;
  stdinOnce: boolean;
}

/**
 * conmon's --cuuid, which names the attach socket's symlink <socketDir>/<cuuid>. Short enough that
 * the socket's path fits in sun_path (107 bytes) under a run dir, long enough (96 bits of the
 * random id) never to collide within one daemon.
 */
export function conmonUuid(id: string): string {
  return id.slice(0, 24);
}

export function conmonArgs(launch: ConmonLaunch): string[] {
  const paths = monitorPaths(launch.stateDir);
  return [
    '--api-version', '1',
    '--cid', launch.id, '--cuuid', conmonUuid(launch.id), '--name', launch.id,
    '--runtime', launch.runtime.binary,
    ...globalArgs(launch.runtime).flatMap((arg) => ['--runtime-arg', arg]),
    '--bundle', paths.bundle,
    '--container-pidfile', paths.containerPid, '--conmon-pidfile', paths.conmonPid,
    '--log-path', `k8s-file:${launch.logPath}`,
    '--persist-dir', launch.stateDir,
    '--socket-dir-path', launch.socketDir,
    '--log-level', 'warn',
    ...(launch.tty ? ['--terminal'] : []),
    // --stdin: conmon holds the container's stdin open for its attach socket. Without
    // --leave-stdin-open, the first attach client that goes closes it: Docker's StdinOnce.
    ...(launch.openStdin ? ['--stdin', ...(launch.stdinOnce ? [] : ['--leave-stdin-open'])] : []),
  ];
}

/** Runs conmon and waits for its sync report; resolves with the container's init pid. */
export async function launchConmon(launch: ConmonLaunch): Promise<{ pid: number }> {
  const paths = monitorPaths(launch.stateDir);
  await mkdir(launch.socketDir, { recursive: true, mode: 0o700 });
  await execa('mkfifo', ['-m', '0600', paths.alive]);
  // conmon inherits this fifo's write end as fd 4 and holds it until it exits (it closes the fds it
  // was started with just before writing the exit file): EOF on the fifo is conmon gone.
  const aliveFd = openSync(paths.alive, constants.O_RDWR | constants.O_NONBLOCK);
  const conmonLog = await open(paths.conmonLog, 'a', 0o600);
  let report: string;
  try {
    const child = spawn(launch.conmon, conmonArgs(launch), {
      cwd: launch.stateDir,
      detached: true,
      env: { ...process.env, _OCI_SYNCPIPE: '3' },
      stdio: ['ignore', conmonLog.fd, conmonLog.fd, 'pipe', aliveFd],
    });
    child.on('error', () => undefined); // surfaces below as EOF without a report
    report = await readFirstLine(child.stdio[3] as Readable);
    child.unref();
  } finally {
    closeSync(aliveFd);
    await conmonLog.close();
  }
  let message: { data?: unknown; message?: unknown };
  try {
    message = JSON.parse(report) as typeof message;
  } catch {
    const tail = (await readFile(paths.conmonLog, 'utf8').catch(() => '')).slice(-CONMON_LOG_TAIL_CHARS).trim();
    throw new RuntimeError('ERR_RUNTIME_SHIM_FAILED', `conmon for container ${launch.id} exited before it reported the container${tail ? `: ${tail}` : ''}`, launch.id);
  }
  const pid = typeof message.data === 'number' ? message.data : -1;
  if (pid > 0) return { pid };
  const reason = runtimeFailure(typeof message.message === 'string' ? message.message : '');
  const code = /hook/i.test(reason) ? 'ERR_RUNTIME_HOOK_FAILED' : 'ERR_RUNTIME_START_FAILED';
  const said = reason || `no reason given (see ${paths.conmonLog})`;
  throw new RuntimeError(code, said.startsWith(`${launch.runtime.name} `) ? said : `${launch.runtime.name} create failed: ${said}`, launch.id);
}

function readFirstLine(stream: Readable): Promise<string> {
  return new Promise<string>((resolve) => {
    let text = '';
    const done = (): void => {
      stream.destroy();
      resolve(text.split('\n', 1)[0] ?? '');
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) done();
    });
    stream.once('close', done);
    stream.once('error', done);
  });
}

/**
 * The useful part of what the runtime printed: runc logs logrus lines (`level=error msg="..."`),
 * crun plain text. Each msg is unquoted; anything else is kept as it is.
 */
export function runtimeFailure(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.map((line) => {
    const match = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(line);
    if (!match) return line;
    try {
      return JSON.parse(`"${match[1]}"`) as string;
    } catch {
      return match[1]!;
    }
  }).join('; ');
}
