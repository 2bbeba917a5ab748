// One real daemon per container runtime (runc when root with runc installed, and the process
// runtime), each with a busybox image imported, for e2e tests that must hold in both runtimes.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execa } from 'execa';
import { DaemonProcess } from './daemon-process.ts';

export type RuntimeName = 'runc' | 'process';
export const RUNTIMES: readonly RuntimeName[] = ['runc', 'process'];

/** Why the runc runtime cannot run here, or undefined when it can. */
export async function runcMissingReason(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'the runc runtime needs root';
  if ((await execa('runc', ['--version'], { reject: false })).exitCode !== 0) return 'runc is not on PATH';
  return undefined;
}

/**
 * Starts a daemon per runtime under `dir` and imports `tarball` as `image` into each. The runc
 * daemon is left out (and `runcSkipReason` says why) where runc cannot run.
 */
export async function startDaemonPerRuntime(dir: string, tarball: string, image: string): Promise<{ daemons: Map<RuntimeName, DaemonProcess>; runcSkipReason?: string }> {
  const runcSkipReason = await runcMissingReason();
  const daemons = new Map<RuntimeName, DaemonProcess>();
  for (const runtime of RUNTIMES) {
    if (runtime === 'runc' && runcSkipReason) continue;
    const daemon = await DaemonProcess.start({ dir: join(dir, runtime), config: { runtime } });
    daemons.set(runtime, daemon);
    const imported = await daemon.cli(['import', tarball, image]);
    assert.equal(imported.exitCode, 0, imported.stderr);
  }
  return { daemons, runcSkipReason };
}

/** Removes every container of each daemon still running, then stops it. */
export async function stopDaemons(daemons: Iterable<DaemonProcess>): Promise<void> {
  for (const daemon of daemons) {
    if (daemon.exitInfo !== undefined) continue;
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true });
    await daemon.stop();
  }
}
