// Thin wrapper over an OCI runtime binary (runc, crun, or any runtime with runc's command line)
// for the daemon's short subcommands: start, state, kill, delete, update, exec. `create` is run by
// conmon (conmon-launch.ts), which holds the container's stdio from its first byte.

import { execa } from 'execa';
import { RuntimeError } from './errors.ts';
import type { OciResources } from './oci-resources.ts';

export interface OciCliOptions {
  /** The handler's name (`runc`, `crun`, a configured one): named in errors. */
  name: string;
  /** The runtime binary (absolute path). */
  binary: string;
  /** The runtime's --root: where it keeps container state; one per daemon and handler. */
  root: string;
  /** Global flags placed before --root (a configured handler's runtimeArgs). */
  extraArgs: string[];
}

export interface OciCliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** argv before the subcommand, shared by the daemon's calls and conmon's --runtime-arg list. */
export function globalArgs(options: OciCliOptions): string[] {
  return [...options.extraArgs, '--root', options.root];
}

export async function runOci(options: OciCliOptions, args: string[]): Promise<OciCliResult> {
  const result = await execa(options.binary, [...globalArgs(options), ...args], { reject: false, stdin: 'ignore' });
  if (result.failed && result.exitCode === undefined) {
    throw new RuntimeError('ERR_RUNTIME_COMMAND_FAILED', `${options.name} ${args.join(' ')} could not run: ${result.shortMessage}`);
  }
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** runc's and crun's wording when the id has no state (never created, or deleted). */
export function isNotExistError(result: OciCliResult): boolean {
  return /does not exist|not exist|no such file or directory/i.test(result.stderr);
}

export function isNotRunningError(result: OciCliResult): boolean {
  return /not running|container not running|process already finished|no such process/i.test(result.stderr);
}

export function commandFailed(options: Pick<OciCliOptions, 'name'>, id: string, args: string[], result: OciCliResult): RuntimeError {
  return new RuntimeError('ERR_RUNTIME_COMMAND_FAILED', `${options.name} ${args.join(' ')} failed (exit ${result.exitCode}): ${result.stderr.trim()}`, id);
}

/**
 * `update` flags for the resources a running container can change (OCI linux.resources, as
 * resourcesFromDocker builds them for config.json); runc and crun take the same ones. The rest
 * (swappiness, the OOM killer, devices) is fixed at create. Absent fields are left as they are.
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
