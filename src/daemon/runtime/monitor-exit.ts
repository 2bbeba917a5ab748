// Waiting for a container's exit under conmon, in any daemon process. Two events race, never a
// poll: the exit file appearing (fs.watch on the state dir) and conmon disappearing (EOF on the
// monitor.alive fifo). conmon closes its inherited fds just before it writes the exit file, so
// "gone" can come a moment before the file: the file is then given MONITOR_EXIT_GRACE_MS to show
// up; a conmon that was SIGKILLed leaves none, and the waiter gets a status that says so.

import { watch } from 'node:fs';
import { basename } from 'node:path';
import type { ExitStatus } from './runtime.ts';
import { onShimGone } from './exit-file.ts';
import { monitorPaths, readMonitorExit } from './monitor-files.ts';

const MONITOR_EXIT_GRACE_MS = 2000;
/** Recorded when conmon vanished without an exit file: the container's fate is unknown. */
export const MONITOR_LOST_EXIT_CODE = 255;

export function waitForMonitorExit(stateDir: string, signal?: AbortSignal): Promise<ExitStatus> {
  const paths = monitorPaths(stateDir);
  return new Promise<ExitStatus>((resolve, reject) => {
    const stop = new AbortController(); // one controller: whichever event wins, the losers clean up
    const settle = (outcome: () => void): void => {
      if (stop.signal.aborted) return;
      stop.abort();
      outcome();
    };
    const check = (): void => {
      readMonitorExit(stateDir).then(
        (status) => status && settle(() => resolve(status)),
        (error: unknown) => settle(() => reject(error)),
      );
    };
    if (signal?.aborted) return reject(signal.reason);
    signal?.addEventListener('abort', () => settle(() => reject(signal.reason)), { signal: stop.signal });
    try {
      const name = basename(paths.exit);
      watch(stateDir, { signal: stop.signal }, (_event, file) => (file === null || file === name) && check())
        .on('error', (error) => settle(() => reject(error)));
    } catch (error) {
      return settle(() => reject(error));
    }
    check(); // after the watch is in place, so a file written in between is not missed
    onShimGone(paths.alive, stop.signal, () => {
      check();
      const timer = setTimeout(() => {
        readMonitorExit(stateDir).then(
          (status) => settle(() => resolve(status ?? {
            exitCode: MONITOR_LOST_EXIT_CODE,
            finishedAt: new Date().toISOString(),
            error: `the container's monitor (conmon) exited without recording an exit status (killed?); see ${paths.conmonLog}`,
          })),
          (error: unknown) => settle(() => reject(error)),
        );
      }, MONITOR_EXIT_GRACE_MS);
      stop.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    });
  });
}
