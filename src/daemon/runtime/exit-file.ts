// The exit file: JSON ExitStatus, written atomically by the shim as its last act, and waited on
// by any daemon process. Waiting races two events, never a timer: the file appearing (fs.watch on
// its directory) and the shim disappearing (EOF on the shim.alive fifo). The second catches a
// shim that was SIGKILLed before it could write, so no waiter hangs forever.

import { closeSync, constants, openSync, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { basename, dirname } from 'node:path';
import type { ExitStatus } from './runtime.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';

/** Exit code recorded when the shim vanished without recording one (as for a SIGKILL: 128+9). */
export const SHIM_LOST_EXIT_CODE = 137;

export function writeExitFile(exitPath: string, status: ExitStatus): Promise<void> {
  return writeFileAtomic(exitPath, `${JSON.stringify(status)}\n`);
}

export async function readExitFile(exitPath: string): Promise<ExitStatus | undefined> {
  try {
    return JSON.parse(await readFile(exitPath, 'utf8')) as ExitStatus;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function waitForExitFile(exitPath: string, aliveFifo: string, signal?: AbortSignal): Promise<ExitStatus> {
  return waitForExitRecord({
    exitPath,
    read: () => readExitFile(exitPath),
    aliveFifo,
    graceMs: 0,
    lost: () => ({
      exitCode: SHIM_LOST_EXIT_CODE,
      finishedAt: new Date().toISOString(),
      error: `the container's shim exited without recording an exit status (killed?); see ${dirname(aliveFifo)}/shim.log`,
    }),
  }, signal);
}

/** Where a container's exit is recorded and who records it: the shim's or conmon's files. */
export interface ExitRecord {
  /** The file whose appearance means the exit is recorded (watched in its directory). */
  exitPath: string;
  /** Reads the recorded status; undefined while there is none. */
  read: () => Promise<ExitStatus | undefined>;
  /** The fifo the recorder holds open for its whole life (see onShimGone). */
  aliveFifo: string;
  /** How long the file may still appear after the recorder is gone (conmon closes its fds first). */
  graceMs: number;
  /** The status to report when the recorder vanished without recording one. */
  lost: () => ExitStatus;
}

/**
 * Resolves with the recorded exit. Two events race, never a poll: the exit file appearing
 * (fs.watch on its directory) and the recorder disappearing (EOF on its alive fifo), after which
 * the file gets `graceMs` to show up before the waiter gets `lost()`.
 */
export function waitForExitRecord(record: ExitRecord, signal?: AbortSignal): Promise<ExitStatus> {
  return new Promise<ExitStatus>((resolve, reject) => {
    const stop = new AbortController(); // one controller: whichever event wins, the losers clean up
    const settle = (outcome: () => void): void => {
      if (stop.signal.aborted) return;
      stop.abort();
      outcome();
    };
    const check = (): void => {
      record.read().then(
        (status) => status && settle(() => resolve(status)),
        (error: unknown) => settle(() => reject(error)),
      );
    };
    if (signal?.aborted) return reject(signal.reason);
    signal?.addEventListener('abort', () => settle(() => reject(signal.reason)), { signal: stop.signal });
    try {
      const name = basename(record.exitPath);
      watch(dirname(record.exitPath), { signal: stop.signal }, (_event, file) => (file === null || file === name) && check())
        .on('error', (error) => settle(() => reject(error)));
    } catch (error) {
      return settle(() => reject(error));
    }
    check(); // after the watch is in place, so a file written in between is not missed
    onShimGone(record.aliveFifo, stop.signal, () => {
      const last = (): void => {
        record.read().then(
          (status) => settle(() => resolve(status ?? record.lost())),
          (error: unknown) => settle(() => reject(error)),
        );
      };
      if (record.graceMs === 0) return last();
      check();
      const timer = setTimeout(last, record.graceMs);
      stop.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
  });
}

/**
 * Calls `gone` once no process holds `fifo` open for writing (the shim holds it O_RDWR for its
 * whole life). Linux reports hang-up to a fifo reader only for writers that opened after it, so
 * we open, then briefly open and close a writer of our own: with no shim left, that makes EOF
 * immediate; with a live shim, EOF comes when it exits. A missing fifo counts as gone.
 */
export function onShimGone(fifo: string, signal: AbortSignal, gone: () => void): void {
  let fd: number;
  try {
    fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // No fifo (state deleted, or a shim that never got that far): nothing can still write it.
    queueMicrotask(gone);
    return;
  }
  const reader = new Socket({ fd, readable: true, writable: false });
  const done = (): void => {
    reader.destroy();
    if (!signal.aborted) gone();
  };
  reader.on('end', done).on('error', done).resume();
  signal.addEventListener('abort', () => reader.destroy(), { once: true });
}
