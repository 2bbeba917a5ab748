// Starts the plugin under test the way src/host/launcher.ts does (HOOKD_* variables, its own
// process group, stdin a pipe that is never written to, stdout and stderr pipes) but keeps the raw
// output for the checks: every stdout byte is a finding, and stderr lines are classified as JSON
// log lines or plain text. The host's launcher forwards output into a pino logger and does not
// expose the streams, which is right for the daemon and is why the kit has this small twin.

import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { launchEnvironment } from '../host/launcher.ts';
import { parseJsonLine } from '../host/log-forward.ts';

/** Kept per stream so that a flood cannot exhaust the kit's memory. */
const MAX_KEPT_BYTES = 64 * 1024;
const MAX_KEPT_LINES = 200;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ObservedOutput {
  stdoutBytes: number;
  /** The first bytes written to stdout, for the report. */
  stdoutHead: string;
  stderrBytes: number;
  /** Up to MAX_KEPT_LINES complete stderr lines. */
  stderrLines: string[];
  /** Of those, the lines that are JSON objects with a log level. */
  jsonLogLines: number;
}

export interface ObservedProcess {
  readonly pid: number;
  /** The address passed in HOOKD_PLUGIN_ADDRESS (launched with the HOOKD_* variables only). */
  readonly address?: string;
  readonly startedAt: number;
  readonly exited: Promise<ExitStatus>;
  hasExited(): boolean;
  readonly output: ObservedOutput;
  /** Closes the stdin pipe: what a host that went away looks like to the plugin. */
  closeStdin(): void;
  /** Resolves with the exit status, or undefined if it did not exit within `ms`. */
  waitForExit(ms: number): Promise<ExitStatus | undefined>;
  /** Sends `signal` to the process group, as the host does when it stops a plugin. */
  signalGroup(signal: NodeJS.Signals): void;
  /** SIGKILLs the process group and removes the socket file. Safe to call more than once. */
  kill(): Promise<void>;
}

export interface LaunchTarget {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  name: string;
}

/**
 * Launches the plugin as the host would, serving on `<runtimeDir>/<name>.sock`, or with
 * `withHookdEnv: false` as a person would run it by hand (no HOOKD_* variable at all, not even
 * those of the kit's own environment). Rejects when the command cannot be spawned.
 */
export async function startObservedProcess(target: LaunchTarget, runtimeDir: string, withHookdEnv: boolean): Promise<ObservedProcess> {
  const socketPath = join(runtimeDir, `${target.name}.sock`);
  await rm(socketPath, { force: true });
  const address = `unix://${socketPath}`;
  const env: NodeJS.ProcessEnv = {
    ...withoutHookdVariables(process.env),
    ...target.env,
    ...(withHookdEnv ? launchEnvironment(target.name, address) : {}),
  };
  const child = spawn(target.command, target.args, { cwd: target.cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  // Writing nothing, EPIPE can still surface when the plugin exits; the exit status reports that.
  child.stdin!.on('error', () => undefined);
  const output = observeOutput(child);
  let hasExited = false;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
    });
  });
  const waitForExit = async (ms: number): Promise<ExitStatus | undefined> => {
    const controller = new AbortController();
    try {
      return await Promise.race([exited, delay(ms, undefined, { signal: controller.signal })]);
    } finally {
      controller.abort();
    }
  };
  return {
    pid: child.pid!,
    ...(withHookdEnv ? { address } : {}),
    startedAt: Date.now(),
    exited,
    hasExited: () => hasExited,
    output,
    closeStdin: () => child.stdin!.end(),
    waitForExit,
    signalGroup: (signal) => signalGroup(child.pid!, signal),
    async kill() {
      killGroup(child.pid!);
      await exited;
      await rm(socketPath, { force: true });
    },
  };
}

function observeOutput(child: ChildProcess): ObservedOutput {
  const output: ObservedOutput = { stdoutBytes: 0, stdoutHead: '', stderrBytes: 0, stderrLines: [], jsonLogLines: 0 };
  child.stdout!.on('data', (chunk: Buffer) => {
    if (output.stdoutHead.length < 200) output.stdoutHead += chunk.toString('utf8', 0, Math.min(chunk.length, 200));
    output.stdoutBytes += chunk.length;
  });
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    output.stderrBytes += chunk.length;
    if (output.stderrLines.length >= MAX_KEPT_LINES) return;
    partial += chunk.toString('utf8');
    const lines = partial.split('\n');
    partial = (lines.pop() ?? '').slice(0, MAX_KEPT_BYTES);
    for (const line of lines) {
      if (output.stderrLines.length >= MAX_KEPT_LINES) break;
      const text = line.replace(/\r$/, '');
      if (text.length === 0) continue;
      output.stderrLines.push(text.slice(0, 2000));
      if (text.startsWith('{') && parseJsonLine(text)) output.jsonLogLines += 1;
    }
  });
  child.stderr!.on('end', () => {
    if (partial.trim().length > 0 && output.stderrLines.length < MAX_KEPT_LINES) output.stderrLines.push(partial.slice(0, 2000));
  });
  return output;
}

function killGroup(pid: number): void {
  signalGroup(pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is gone already, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

function withoutHookdVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('HOOKD_')));
}
