// Waiting for a container's exit under conmon, in any daemon process, through exit-file.ts's
// waitForExitRecord: the exit file appearing or conmon disappearing (EOF on the monitor.alive
// fifo). conmon closes its inherited fds just before it writes the exit file, so "gone" can come a
// moment before the file: the file is then given MONITOR_EXIT_GRACE_MS to show up; a conmon that
// was SIGKILLed leaves none, and the waiter gets a status that says so.

import type { ExitStatus } from './runtime.ts';
import { waitForExitRecord } from './exit-file.ts';
import { monitorPaths, readMonitorExit } from './monitor-files.ts';

const MONITOR_EXIT_GRACE_MS = 2000;
/** Recorded when conmon vanished without an exit file: the container's fate is unknown. */
export const MONITOR_LOST_EXIT_CODE = 255;

export function waitForMonitorExit(stateDir: string, signal?: AbortSignal): Promise<ExitStatus> {
  const paths = monitorPaths(stateDir);
  return waitForExitRecord({
    exitPath: paths.exit,
    read: () => readMonitorExit(stateDir),
    aliveFifo: paths.alive,
    graceMs: MONITOR_EXIT_GRACE_MS,
    lost: () => ({
      exitCode: MONITOR_LOST_EXIT_CODE,
      finishedAt: new Date().toISOString(),
      error: `the container's monitor (conmon) exited without recording an exit status (killed?); see ${paths.conmonLog}`,
    }),
  }, signal);
}
