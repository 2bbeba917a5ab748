// Thin wrapper over the runc binary for the daemon's short subcommands (state, kill, delete).
// `runc run` itself is the shim's business (shim.ts).

import { execa } from 'execa';
import { RuntimeError } from './errors.ts';

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
