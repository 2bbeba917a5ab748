// The per-container shim, launched detached in its own session by shim-launch.ts (`node shim.js <stateDir>`;
// from source, through tsx), so it outlives the daemon. It owns the container's main process:
//
//   1. reads shim.json, records its pid, opens shim.alive (held until it exits)
//   2. starts the process: process mode runs the prestart hooks, then the command;
//      runc mode runs `runc run` in the foreground (runc runs the hooks from config.json);
//      a Tty container's command (or runc) runs behind script(1), on a pty (terminal.ts);
//      with openStdin, copies the stdin fifo to the process (stdin-relay.ts: StdinOnce)
//   3. reports {pid} or {error} once on fd 3 (the launcher's ready pipe) and closes it
//   4. appends stdout/stderr to logPath (json-file), until the process ends
//   5. writes exitPath atomically ({exitCode, finishedAt[, error]}) and exits
//
// A start failure still writes exitPath (with `error`), so a daemon that restarted in between
// learns what happened.

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, watch, writeSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { constants as osConstants } from 'node:os';
import type { Readable } from 'node:stream';
import { envListToRecord, withHostPath } from './env-list.ts';
import { JsonLogWriter } from './json-log.ts';
import { writeExitFile } from './exit-file.ts';
import { PrestartHookError, runPrestartHooks } from './prestart-hooks.ts';
import { readPidFile, readShimConfig, shimPaths, type ShimConfig, type ShimReport } from './shim-files.ts';
import { openStdinRelay, type StdinRelay } from './stdin-relay.ts';
import { commandProblem } from './executable-lookup.ts';
import { underScript, type TerminalLaunch } from './terminal.ts';

const READY_FD = 3;
/** The fd on which the shell under script(1) reports the container's pid (process mode, tty). */
const TTY_PID_FD = 3;

class StartError extends Error {
  readonly code: 'ERR_RUNTIME_HOOK_FAILED' | 'ERR_RUNTIME_START_FAILED';
  readonly exitCode: number;

  constructor(message: string, exitCode: number, code: StartError['code'] = 'ERR_RUNTIME_START_FAILED') {
    super(message);
    this.exitCode = exitCode;
    this.code = code;
  }
}

async function main(stateDir: string): Promise<void> {
  const paths = shimPaths(stateDir);
  const config = await readShimConfig(stateDir);
  if (!config) throw new Error(`no shim config in ${stateDir}`);
  await writeFile(paths.shimPid, `${process.pid}\n`);
  // Held (read+write, so opening never blocks) until this process exits: see exit-file.ts.
  openSync(paths.alive, constants.O_RDWR);
  const stdin = config.openStdin ? openStdinRelay(paths.stdin, config.stdinOnce === true) : undefined;
  const log = new JsonLogWriter(config.logPath);

  let child: Started;
  try {
    child = config.mode === 'runc' ? await startRunc(config, stateDir, stdin, log) : await startProcess(config, stateDir, stdin, log);
  } catch (error) {
    const failure = error instanceof StartError ? error : new StartError(String((error as Error).message ?? error), 128);
    await log.close();
    await writeExitFile(config.exitPath, { exitCode: failure.exitCode, finishedAt: new Date().toISOString(), error: failure.message });
    report({ error: failure.message, code: failure.code });
    return;
  }

  const exitCode = await child.exited;
  // As when a pid namespace's init dies: whatever the process left in its group goes too, so an
  // orphan holding stdout cannot keep the container "running" (process mode; runc has a pidns).
  // The group is the container pid's: behind script(1) that is the command's, not script's.
  const containerPid = config.mode === 'process' ? await readPidFile(paths.containerPid) : undefined;
  if (containerPid !== undefined) killGroup(containerPid);
  await child.copied;
  await log.close();
  await writeExitFile(config.exitPath, { exitCode, finishedAt: new Date().toISOString() });
}

/**
 * A started process, its exit code and the end of its output. Both are listened for in the same
 * tick as the spawn: node discards the output of a child that exits while nobody reads it
 * (child_process flushStdio), and an 'exit' emitted during an await would be lost.
 */
interface Started {
  process: ChildProcess;
  exited: Promise<number>;
  copied: Promise<unknown>;
}

function watchStarted(child: ChildProcess, log: JsonLogWriter, stdin: StdinRelay | undefined): Started {
  // Behind script(1), a stdin pipe is there even without a relay and is never ended: EOF on it
  // would type the terminal's EOF character to the process, where Docker's tty just stays open.
  if (stdin && child.stdin) stdin.connect(child.stdin);
  return {
    process: child,
    exited: new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
    }),
    copied: Promise.all([log.attach(child.stdout!, 'stdout'), log.attach(child.stderr!, 'stderr')]),
  };
}

async function startProcess(config: ShimConfig, stateDir: string, stdin: StdinRelay | undefined, log: JsonLogWriter): Promise<Started> {
  try {
    // There is no container process yet, so the state carries the shim's pid (the process will
    // be its child); hooks that need a namespace to enter need the runc runtime anyway.
    await runPrestartHooks(config.prestartHooks, {
      ociVersion: '1.0.2', id: config.id, status: 'created', pid: process.pid, bundle: stateDir, annotations: config.annotations,
    });
  } catch (error) {
    if (error instanceof PrestartHookError) throw new StartError(error.message, 128, 'ERR_RUNTIME_HOOK_FAILED');
    throw error;
  }
  const [command, ...args] = config.args;
  if (command === undefined) throw new StartError('no command to run (empty Entrypoint and Cmd)', 127);
  const inRootfs = join(config.rootfs, config.cwd);
  const cwd = existsSync(inRootfs) ? inRootfs : config.rootfs;
  const env = envListToRecord(withHostPath(config.env));
  const launch = config.ttyScript ? terminalLaunch(config.ttyScript, config.args, env, cwd) : { command, args, env };
  const asRoot = process.getuid?.() === 0;
  const child = spawn(launch.command, launch.args, {
    cwd,
    env: launch.env,
    // Its own process group: kill() signals the whole group, like a signal to a pid namespace.
    // (Behind script(1) the command has a session of its own, whose pid the shell reports.)
    detached: true,
    stdio: config.ttyScript ? ['pipe', 'pipe', 'pipe', 'pipe'] : [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    ...(asRoot && config.uid !== undefined ? { uid: config.uid } : {}),
    ...(asRoot && config.gid !== undefined ? { gid: config.gid } : {}),
  });
  const started = watchStarted(child, log, stdin);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => {
      // Docker's exit codes for a command that cannot run: 127 not found, 126 not executable.
      const exitCode = error.code === 'ENOENT' ? 127 : error.code === 'EACCES' ? 126 : 128;
      reject(new StartError(`exec: "${command}": ${error.code === 'ENOENT' ? 'executable file not found' : error.message}`, exitCode));
    });
  });
  const pid = config.ttyScript ? await readReportedPid(child.stdio[TTY_PID_FD] as Readable) : child.pid;
  if (pid === undefined) {
    const code = await started.exited;
    await started.copied;
    throw new StartError(`script(1) exited (status ${code}) before it ran the command; its output is in the container's log`, code === 0 ? 128 : code);
  }
  await writeFile(shimPaths(stateDir).containerPid, `${pid}\n`);
  report({ pid });
  return started;
}

/**
 * The command behind script(1), checked first as spawn would check it: behind a shell, a missing
 * command would only print "not found" into the log instead of failing the start (127/126).
 */
function terminalLaunch(script: string, argv: string[], env: Record<string, string>, cwd: string): TerminalLaunch {
  const command = argv[0]!;
  const problem = commandProblem(command, env.PATH ?? '', cwd);
  if (problem === 'ENOENT') throw new StartError(`exec: "${command}": executable file not found`, 127);
  if (problem === 'EACCES') throw new StartError(`exec: "${command}": permission denied`, 126);
  return underScript(script, argv, env, { reportPidFd: TTY_PID_FD });
}

/** The first line on the pipe (the shell's pid), or undefined if it closed first. */
async function readReportedPid(pipe: Readable): Promise<number | undefined> {
  let text = '';
  pipe.setEncoding('utf8');
  // script(1) itself holds the pipe's write end too, so EOF would come only with its exit.
  for await (const chunk of pipe) {
    text += chunk as string;
    if (text.includes('\n')) break;
  }
  pipe.destroy();
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function startRunc(config: ShimConfig, stateDir: string, stdin: StdinRelay | undefined, log: JsonLogWriter): Promise<Started> {
  const paths = shimPaths(stateDir);
  const runc = config.runc!;
  const runcArgs = [
    '--root', runc.root, '--log', paths.runcLog, '--log-format', 'json',
    'run', '--bundle', paths.bundle, '--pid-file', paths.containerPid, config.id,
  ];
  // A tty container (process.terminal in config.json): runc wants a terminal of its own as well.
  const launch = config.ttyScript
    ? underScript(config.ttyScript, [runc.binary, ...runcArgs], process.env as Record<string, string>)
    : { command: runc.binary, args: runcArgs, env: process.env };
  const child = spawn(launch.command, launch.args, {
    cwd: paths.bundle, env: launch.env, stdio: [stdin || config.ttyScript ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const started = watchStarted(child, log, stdin);
  const { exited } = started;
  // runc writes --pid-file (via a rename) once the hooks ran and the process was started; if
  // runc exits first without it, the start failed and runc.log says why.
  const stop = new AbortController();
  const pid = await new Promise<number | undefined>((resolve, reject) => {
    const check = (): void => {
      readPidFile(paths.containerPid).then((p) => p !== undefined && resolve(p), reject);
    };
    watch(dirname(paths.containerPid), { signal: stop.signal }, (_e, file) => (file === null || file === basename(paths.containerPid)) && check());
    check();
    exited.then(() => readPidFile(paths.containerPid)).then(resolve, reject);
    child.once('error', reject);
  }).finally(() => stop.abort());
  if (pid === undefined) {
    const code = await exited;
    await started.copied; // whatever runc printed is in the log before the log is closed
    const reason = await runcFailure(paths.runcLog);
    const isHook = /hook/i.test(reason);
    // The failed runc left the container in "stopped" state; remove it so the id can be reused.
    await new Promise((resolve) => spawn(runc.binary, ['--root', runc.root, 'delete', '--force', config.id], { stdio: 'ignore' }).once('close', resolve).once('error', resolve));
    throw new StartError(reason.startsWith('runc') ? reason : `runc run failed: ${reason}`, code === 0 ? 128 : code, isHook ? 'ERR_RUNTIME_HOOK_FAILED' : 'ERR_RUNTIME_START_FAILED');
  }
  report({ pid });
  return started;
}

/** The error lines of runc's JSON log, the last few, joined: what an operator needs to see. */
async function runcFailure(runcLog: string): Promise<string> {
  const text = await readFile(runcLog, 'utf8').catch(() => '');
  const errors = text.split('\n').flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      return entry.level === 'error' || entry.level === 'fatal' ? [entry.msg ?? ''] : [];
    } catch {
      return []; // a torn last line of a log being written: skip it
    }
  });
  return errors.slice(-3).join('; ') || 'no error in runc.log';
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already empty, which is the goal.
  }
}

let reported = false;
function report(message: ShimReport): void {
  if (reported) return;
  reported = true;
  try {
    writeSync(READY_FD, `${JSON.stringify(message)}\n`);
    closeSync(READY_FD);
  } catch (error) {
    // EPIPE: the daemon that launched us is gone; the exit file and pid files still tell.
    console.error(`shim: could not report ${JSON.stringify(message)}: ${(error as Error).message}`);
  }
}

const stateDir = process.argv[2];
if (!stateDir) {
  console.error('usage: shim.ts <stateDir> (started by the hookd daemon, not by hand)');
  process.exit(2);
}
main(stateDir).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`shim ${stateDir}: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
