// One health probe: the test command run as an exec in the container (through ExecSessions, so
// it emits Docker's exec_create / exec_start / exec_die events as dockerd's probes do), its
// stdout and stderr kept together up to MAX_HEALTH_OUTPUT_BYTES, bounded by the check's timeout.
// A probe never throws: a probe that cannot start or times out is a result with exit code -1,
// as in Docker.

import type { ExecSessions } from './exec-sessions.ts';
import { MAX_HEALTH_OUTPUT_BYTES, type HealthProbeResult } from './health-config.ts';

/**
 * After the timeout the exec gets SIGTERM (an OCI runtime's `exec` forwards it to the process),
 * then SIGKILL after this grace; the probe waits for it to end so timed-out probes cannot pile up.
 */
const KILL_GRACE_MS = 2_000;

export interface ProbeRequest {
  containerId: string;
  argv: string[];
  timeoutMs: number;
  /** Aborted when the container stops or is removed: the probe's process is killed at once. */
  signal: AbortSignal;
}

export async function runHealthProbe(execs: ExecSessions, request: ProbeRequest): Promise<HealthProbeResult> {
  const start = new Date().toISOString();
  const failed = (output: string): HealthProbeResult => ({ Start: start, End: new Date().toISOString(), ExitCode: -1, Output: output });
  let sessionId: string | undefined;
  try {
    const session = execs.create(request.containerId, { Cmd: request.argv, AttachStdout: true, AttachStderr: true, Tty: false });
    sessionId = session.ID;
    const child = await execs.start(session.ID);
    child.stdin?.end();
    const output = new LimitedOutput(MAX_HEALTH_OUTPUT_BYTES);
    child.stdout?.on('data', (chunk: Buffer) => output.add(chunk));
    child.stderr?.on('data', (chunk: Buffer) => output.add(chunk));
    const ended = new Promise<number>((resolve) => {
      child.once('close', (code: number | null) => resolve(code ?? -1));
      child.once('error', () => resolve(-1));
    });
    let timedOut = false;
    const kill = (): void => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    };
    const timer = setTimeout(() => { timedOut = true; kill(); }, request.timeoutMs);
    request.signal.addEventListener('abort', kill, { once: true });
    const exitCode = await ended.finally(() => {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', kill);
    });
    if (timedOut) {
      const text = output.text();
      return failed(`Health check exceeded timeout (${formatDuration(request.timeoutMs)})${text ? `: ${text}` : ''}`);
    }
    return { Start: start, End: new Date().toISOString(), ExitCode: exitCode, Output: output.text() };
  } catch (error) {
    return failed(error instanceof Error ? error.message : String(error));
  } finally {
    if (sessionId) execs.forget(sessionId);
  }
}

/** Keeps the first `limit` bytes, like Docker's limitedBuffer; the rest is dropped. */
class LimitedOutput {
  readonly #chunks: Buffer[] = [];
  #size = 0;
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  add(chunk: Buffer): void {
    const room = this.#limit - this.#size;
    if (room <= 0) return;
    const kept = chunk.subarray(0, room);
    this.#chunks.push(kept);
    this.#size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}

/** Go's time.Duration formatting for whole seconds and milliseconds ("30s", "1.5s", "500ms"). */
function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
}
