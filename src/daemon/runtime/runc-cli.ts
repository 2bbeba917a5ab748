// Thin wrapper over the runc binary for the daemon's short subcommands (state, kill, delete,
// update). `runc run` itself is the shim's business (shim.ts).

import { execa } from 'execa';
import { RuntimeError } from './errors.ts';
import type { OciResources } from './oci-resources.ts';

export interface RuncOptions {
  /** The runc binary (a name on PATH or a path). */
  binary: string;
  /** runc's --root: where it keeps container state; one per daemon. */
  root: string;
}

export interface RuncResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runRunc(options: RuncOptions, args: string[]): Promise<RuncResult> {
  const result = await execa(options.binary, ['--root', options.root, ...args], { reject: false, stdin: 'ignore' });
  if (result.failed && result.exitCode === undefined) {
    throw new RuntimeError('ERR_RUNTIME_COMMAND_FAILED', `runc ${args.join(' ')} could not run: ${result.shortMessage}`);
  }
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** runc's wording when the id has no state (never created, or removed after `runc run` ended). */
export function isNotExistError(result: RuncResult): boolean {
  return /does not exist|not exist/i.test(result.stderr);
}

export function isNotRunningError(result: RuncResult): boolean {
  return /not running|container not running|process already finished/i.test(result.stderr);
}

export function commandFailed(id: string, args: string[], result: RuncResult): RuntimeError {
  return new RuntimeError('ERR_RUNTIME_COMMAND_FAILED', `runc ${args.join(' ')} failed (exit ${result.exitCode}): ${result.stderr.trim()}`, id);
}

/**
 * `runc update` flags for the resources a running container can change (OCI linux.resources, as
 * resourcesFromDocker builds them for config.json). The rest (swappiness, the OOM killer, devices)
 * is fixed at create; runc would ignore it here. Absent fields are left as they are.
 */
export function updateFlagsFor(resources: OciResources): string[] {
  const flags: Array<[string, number | string | undefined]> = [
    ['--memory', resources.memory?.limit],
    ['--memory-reservation', resources.memory?.reservation],
    ['--memory-swap', resources.memory?.swap],
    ['--cpu-share', resources.cpu?.shares],
    ['--cpu-quota', resources.cpu?.quota],
    ['--cpu-period', resources.cpu?.period],
    ['--cpuset-cpus', resources.cpu?.cpus],
    ['--cpuset-mems', resources.cpu?.mems],
    ['--pids-limit', resources.pids?.limit],
    ['--blkio-weight', resources.blockIO?.weight],
  ];
  return flags.flatMap(([flag, value]) => (value === undefined ? [] : [flag, String(value)]));
}
