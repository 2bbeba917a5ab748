// One real daemon per container runtime (runc and crun under conmon, when root with them
// installed, and the process runtime), each with a busybox image imported, for e2e tests that
// must hold in every runtime.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { DaemonProcess } from './daemon-process.ts';

export type RuntimeName = 'runc' | 'crun' | 'process';
export const RUNTIMES: readonly RuntimeName[] = ['runc', 'crun', 'process'];
export const OCI_RUNTIMES = ['runc', 'crun'] as const;

/** Why an OCI runtime (under conmon) cannot run here, or undefined when it can. */
export async function ociRuntimeMissingReason(runtime: 'runc' | 'crun'): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return `the ${runtime} runtime needs root`;
  if ((await execa('conmon', ['--version'], { reject: false })).exitCode !== 0) return 'conmon is not on PATH (apt-get install conmon)';
  if ((await execa(runtime, ['--version'], { reject: false })).exitCode !== 0) return `${runtime} is not on PATH (apt-get install ${runtime})`;
  if (runtime === 'crun') {
    // crun refuses hosts with cgroup v1 controllers and a cgroup2 that has controllers too.
    const unified = await readFile('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').catch(() => '');
    if (unified.trim() !== '') return `crun refuses this hybrid cgroup host (cgroup2 has controllers: ${unified.trim()}); scripts/prepare-cgroups.sh binds them to cgroup v1`;
  }
  return undefined;
}

/** Kept for the tests written before crun: why runc cannot run here. */
export function runcMissingReason(): Promise<string | undefined> {
  return ociRuntimeMissingReason('runc');
}

/**
 * Starts a daemon per runtime under `dir` and imports `tarball` as `image` into each. A runtime
 * that cannot run here is left out, and `skipReasons` says why.
 */
export interface DaemonsPerRuntime {
  daemons: Map<RuntimeName, DaemonProcess>;
  runcSkipReason?: string;
  skipReasons: Map<RuntimeName, string>;
}

export async function startDaemonPerRuntime(dir: string, tarball: string, image: string): Promise<DaemonsPerRuntime> {
  const skipReasons = new Map<RuntimeName, string>();
  const daemons = new Map<RuntimeName, DaemonProcess>();
  await Promise.all(RUNTIMES.map(async (runtime) => {
    const reason = runtime === 'process' ? undefined : await ociRuntimeMissingReason(runtime);
    if (reason) {
      skipReasons.set(runtime, reason);
      console.log(`# skipping the ${runtime} runtime: ${reason}`);
      return;
    }
    const daemon = await DaemonProcess.start({ dir: join(dir, runtime), config: { runtime } });
    daemons.set(runtime, daemon);
    const imported = await daemon.cli(['import', tarball, image]);
    assert.equal(imported.exitCode, 0, imported.stderr);
  }));
  const runcSkipReason = skipReasons.get('runc');
  return { daemons, skipReasons, ...(runcSkipReason ? { runcSkipReason } : {}) };
}

/** Removes every container of each daemon still running, then stops it. */
export async function stopDaemons(daemons: Iterable<DaemonProcess>): Promise<void> {
  await Promise.all([...daemons].map(async (daemon) => {
    if (daemon.exitInfo !== undefined) return;
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true });
    await daemon.stop();
  }));
}
