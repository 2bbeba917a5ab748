// How the daemon learns a container's exit: from the runtime's exit file (waitExit), including
// for containers that died while the daemon was down.

import type { ContainerRuntime, ExitStatus, ReconciledState } from '../runtime/runtime.ts';
import type { ContainerRecord } from './container-record.ts';

/** A shim that died with its container may leave no exit file; waitExit would then never resolve. */
const CRASHED_EXIT_WAIT_MS = 2000;

/** The exit status of a container that died while the daemon was down; 255 if the runtime lost it. */
export async function exitStatusAfterCrash(runtime: ContainerRuntime, record: ContainerRecord): Promise<ExitStatus> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('no exit status')), CRASHED_EXIT_WAIT_MS);
  try {
    return await runtime.waitExit(record.Id, record.hookd.stateDir, controller.signal);
  } catch {
    return { exitCode: 255, finishedAt: new Date().toISOString(), error: 'the container exited while the daemon was down and left no exit status' };
  } finally {
    clearTimeout(timer);
  }
}

/** True when `promise` settles within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What the runtime's monitor files say about a container at daemon start: the runtime's own
 * reconcile where it has one (reads files, asks the runtime binary only when they cannot tell),
 * else its state() and exit file.
 */
export async function reconcileWithRuntime(runtime: ContainerRuntime, record: ContainerRecord): Promise<ReconciledState> {
  if (runtime.reconcile) return runtime.reconcile(record.Id, record.hookd.stateDir);
  const state = await runtime.state(record.Id, record.hookd.stateDir);
  if (state.status === 'running') return { status: 'running', pid: state.pid ?? 0 };
  return { status: 'none' };
}
