// The files a container's conmon monitor and its OCI runtime leave in the container's state dir.
// They are the whole interface between a monitor and any daemon process (the one that started it,
// or a later one after a restart or a crash): reconcile reads them and asks nothing else first.
//
//   monitor.json   MonitorRecord: which handler (runtime binary, --root) runs this container;
//                  written before conmon starts, so even a daemon killed mid-start knows whom to ask
//   conmon.pid     conmon's pid                               (conmon --conmon-pidfile)
//   container.pid  the container's init pid                   (the runtime's --pid-file, via conmon -p)
//   started        the container's pid again, written by the daemon once `<runtime> start` succeeded:
//                  a live conmon without it is a start the daemon did not finish
//   exit           the exit status as a decimal number        (conmon --persist-dir), written when
//                  the container's init exits; 128+n for signal n; the file's mtime is FinishedAt
//   oom            present when the kernel OOM-killed the container (conmon --persist-dir)
//   monitor.alive  fifo whose write end conmon inherits: EOF on it = conmon is gone (exit-wait.ts)
//   conmon.log     conmon's own diagnostics (its stderr)
//   bundle/        the OCI bundle: config.json, and conmon's `attach` socket (SOCK_SEQPACKET),
//                  `ctl` and `winsz` fifos (resize)
// The container's log is not here: its path is the caller's (RuntimeContainerSpec.logPath).

import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExitStatus } from './runtime.ts';

export interface MonitorRecord {
  /** The handler's name (`runc`, `crun`, a configured one). */
  runtime: string;
  binary: string;
  root: string;
  extraArgs: string[];
  /** The process spec's cwd and the rootfs, for exec. */
  rootfs: string;
  cwd: string;
  logPath: string;
  /** How its stdin behaves on attach (monitor-attach.ts). */
  tty: boolean;
  stdinOnce: boolean;
}

export function monitorPaths(stateDir: string) {
  const bundle = join(stateDir, 'bundle');
  return {
    record: join(stateDir, 'monitor.json'),
    conmonPid: join(stateDir, 'conmon.pid'),
    containerPid: join(stateDir, 'container.pid'),
    started: join(stateDir, 'started'),
    exit: join(stateDir, 'exit'),
    oom: join(stateDir, 'oom'),
    alive: join(stateDir, 'monitor.alive'),
    conmonLog: join(stateDir, 'conmon.log'),
    bundle,
    config: join(bundle, 'config.json'),
    attach: join(bundle, 'attach'),
    ctl: join(bundle, 'ctl'),
  };
}

export async function readMonitorRecord(stateDir: string): Promise<MonitorRecord | undefined> {
  try {
    return JSON.parse(await readFile(monitorPaths(stateDir).record, 'utf8')) as MonitorRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * conmon's exit file as an ExitStatus, or undefined while there is none. conmon writes it with
 * g_file_set_contents (a rename), so a file that exists is complete. -1 means conmon's --timeout
 * killed the container (never set by hookd) or the status was lost.
 */
export async function readMonitorExit(stateDir: string): Promise<ExitStatus | undefined> {
  const paths = monitorPaths(stateDir);
  let text: string;
  let finishedAt: string;
  try {
    [text, finishedAt] = await Promise.all([readFile(paths.exit, 'utf8'), stat(paths.exit).then((s) => s.mtime.toISOString())]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const code = Number.parseInt(text.trim(), 10);
  const oomKilled = await stat(paths.oom).then(() => true, () => false);
  const status: ExitStatus = { exitCode: Number.isInteger(code) && code >= 0 ? code : 255, finishedAt };
  if (oomKilled) status.oomKilled = true;
  if (!Number.isInteger(code) || code < 0) status.error = `conmon recorded no usable exit status (${JSON.stringify(text.trim())})`;
  return status;
}

/** Clears what a previous run of this container left, so old pids and exit files are not read as new. */
export async function resetMonitorState(stateDir: string): Promise<void> {
  const paths = monitorPaths(stateDir);
  await Promise.all([paths.record, paths.conmonPid, paths.containerPid, paths.started, paths.exit, paths.oom, paths.alive, paths.bundle]
    .map((path) => rm(path, { recursive: true, force: true })));
}

/** Removes everything the monitor keeps in stateDir (the log is the caller's). */
export async function removeMonitorState(stateDir: string): Promise<void> {
  await resetMonitorState(stateDir);
  await rm(monitorPaths(stateDir).conmonLog, { force: true });
}
