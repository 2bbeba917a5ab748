// Pseudo-terminals for Tty containers and `exec -t`, through util-linux script(1):
// `script -q -e -c <command> /dev/null` runs <command> with `$SHELL -c` on a new pty, copies
// between the pty's master and its own stdio, and exits with the command's status (-e; 128+n for
// a signal). That keeps the shim contract as it is: the shim still holds plain pipes (the stdin
// relay in, the json-file log out); a terminal merges stdout and stderr into one stream with \r\n
// line ends, as Docker's tty containers do.
//
// runc needs it as well. In the foreground, `runc run`/`runc exec` with process.terminal allocate
// the container's pty themselves, but also insist on a terminal of their own, which they set raw
// and copy to and from (runc 1.1 fails with "open /dev/tty: no such device or address" without
// one, and --console-socket exists for detached mode only). Behind script, runc has one.

import { findOnPath } from './executable-lookup.ts';
import type { RuntimeLogger } from './runtime.ts';

/** What script(1) runs the command with; pinned so that a container's SHELL cannot change it. */
const SCRIPT_SHELL = '/bin/sh';

export interface TerminalLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * util-linux script(1) on the daemon's PATH for a container (or exec) that asked for a tty; when
 * it is missing, undefined and a warning: the process then runs on pipes, without a terminal.
 */
export function findScript(container: string, logger: Pick<RuntimeLogger, 'warn'> | undefined, searchPath = process.env.PATH ?? ''): string | undefined {
  const script = findOnPath('script', searchPath);
  if (script === undefined) {
    logger?.warn({ container }, 'a tty was asked for, but util-linux script(1) is not on the daemon\'s PATH: the process runs without a terminal (install util-linux)');
  }
  return script;
}

/** POSIX single quotes: the shell reads `arg` back byte for byte. */
export function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * script(1) running argv on a new pty. script runs `$SHELL -c`: SHELL is pinned for it and then
 * restored (or unset) for argv, which the shell execs, so argv keeps the shell's pid. With
 * reportPidFd, the shell first writes that pid to the fd and closes it: the container's pid is
 * not script's, since script forks the command into a session of its own on the pty.
 */
export function underScript(script: string, argv: string[], env: Record<string, string>, options: { reportPidFd?: number } = {}): TerminalLaunch {
  const steps: string[] = [];
  if (options.reportPidFd !== undefined) steps.push(`echo $$ >&${options.reportPidFd}`, `exec ${options.reportPidFd}>&-`);
  steps.push(env.SHELL === undefined ? 'unset SHELL' : `export SHELL=${shellQuote(env.SHELL)}`);
  steps.push(`exec ${argv.map(shellQuote).join(' ')}`);
  return { command: script, args: ['-q', '-e', '-c', steps.join('; '), '/dev/null'], env: { ...env, SHELL: SCRIPT_SHELL } };
}
