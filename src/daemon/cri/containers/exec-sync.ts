// ExecSync: a command in a running container, its whole stdout and stderr and its exit code, as
// one reply. It runs as an ordinary exec session (the same path as `docker exec`, with its events).
// A timeout (seconds; 0 = none) or a cancelled call ends the process: SIGTERM to the runtime's
// exec, which forwards it into the container, then SIGKILL if it is still there after a grace
// period; the reply waits for the process to be gone (critest checks it is), then fails with
// DEADLINE_EXCEEDED. Output is capped so a chatty command cannot exhaust the daemon's memory.

import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import type { ExecSessions } from '../../containers/exec-sessions.ts';
import { CriError, invalidField } from '../status.ts';

/** The kubelet's own cap on ExecSync output (16 MiB, its max message size). */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
const KILL_GRACE_MS = 2000;

export interface ExecSyncResult {
  stdout: Buffer;
  stderr: Buffer;
  exit_code: number;
}

const MAX_TIMEOUT_SECONDS = Math.floor(0xffffffff / 1000);

export async function execSync(
  execs: ExecSessions, containerId: string, cmd: string[], timeoutSeconds: number, signal: AbortSignal,
): Promise<ExecSyncResult> {
  if (cmd.length === 0) throw invalidField('cmd', 'is required');
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0) throw invalidField('timeout', `must not be negative, got ${timeoutSeconds}`);
  // Node's timers hold at most 2^32-1 ms (49.7 days); a longer timeout would throw RangeError (UNKNOWN).
  if (timeoutSeconds > MAX_TIMEOUT_SECONDS) throw invalidField('timeout', `must be at most ${MAX_TIMEOUT_SECONDS} seconds (0 = none), got ${timeoutSeconds}`);
  const session = execs.create(containerId, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
  let child: ChildProcess;
  try {
    child = await execs.start(session.ID);
  } finally {
    execs.forget(session.ID);
  }
  child.stdin?.end();
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  const exited = new Promise<number>((resolve) => {
    child.once('close', (code, sig) => resolve(code ?? (sig ? 128 + (constants.signals[sig] ?? 0) : 126)));
    child.once('error', () => resolve(126));
  });
  const stop = new AbortController();
  const timedOut = timeoutSeconds > 0 ? AbortSignal.timeout(timeoutSeconds * 1000) : undefined;
  const ended = AbortSignal.any([signal, stop.signal, ...(timedOut ? [timedOut] : [])]);
  const killed = new Promise<'killed'>((resolve) => {
    ended.addEventListener('abort', () => {
      if (stop.signal.aborted) return;
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      void exited.then(() => clearTimeout(hard));
      resolve('killed');
    }, { once: true });
  });
  const first = await Promise.race([exited, killed]);
  const exitCode = await exited;
  stop.abort();
  if (first === 'killed') {
    throw new CriError(signal.aborted ? grpc.status.CANCELLED : grpc.status.DEADLINE_EXCEEDED,
      signal.aborted ? `the call ended before command ${JSON.stringify(cmd)} finished; it was killed` : `command ${JSON.stringify(cmd)} timed out after ${timeoutSeconds}s; it was killed`);
  }
  return { stdout: await stdout, stderr: await stderr, exit_code: exitCode };
}

function collect(stream: NodeJS.ReadableStream | null): Promise<Buffer> {
  if (!stream) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      if (size >= MAX_OUTPUT_BYTES) return; // keep draining, so the process never blocks on a full pipe
      chunks.push(chunk.subarray(0, MAX_OUTPUT_BYTES - size));
      size += chunk.length;
    });
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', () => resolve(Buffer.concat(chunks)));
  });
}
