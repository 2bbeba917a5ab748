// Launched plugins die with the daemon, even when they ignore the stdin-close rule and the daemon
// is SIGKILLed (so nothing of the daemon runs to stop them). The kernel's parent-death signal
// (prctl PR_SET_PDEATHSIG) does this, but Node cannot call prctl between fork and exec. So the
// plugin is started through util-linux's `setpriv --pdeathsig KILL -- command args`: setpriv sets
// the signal and then execs the plugin in the same process (same pid, no extra process left
// running), and the signal survives that exec. We chose it over a cgroup the daemon owns because
// a cgroup is only cleaned up by the next daemon start (a SIGKILLed daemon runs no code), and over
// a supervisor process of our own because setpriv is already on every Linux with util-linux.
//
// Limits: the signal reaches the plugin's own process, not processes it forks (those still see
// stdin close); without setpriv (not Linux, util-linux missing) plugins are launched directly and
// the host logs that the guarantee is missing.

import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

const SETPRIV_CANDIDATES = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv'];

let setpriv: string | null | undefined;

/** The setpriv binary, or null when this machine has none. */
export function setprivPath(): string | null {
  if (setpriv === undefined) setpriv = process.platform === 'linux' ? SETPRIV_CANDIDATES.find(isExecutable) ?? null : null;
  return setpriv;
}

/**
 * The command line that runs `command args` with SIGKILL as its parent-death signal; unchanged
 * when setpriv is missing. Throws (with the reason spawn would give) when `command` cannot be
 * found, so a typo still fails as a spawn failure rather than as setpriv's exit status.
 */
export function withParentDeathSignal(command: string, args: readonly string[], cwd: string | undefined, path: string | undefined): { command: string; args: string[]; isGuarded: boolean } {
  const wrapper = setprivPath();
  if (!wrapper) return { command, args: [...args], isGuarded: false };
  const resolved = resolveCommand(command, cwd, path);
  if (!resolved) throw new Error(`spawn ${command} ENOENT: no executable "${command}" ${command.includes('/') ? `at ${resolve(cwd ?? '.', command)}` : 'on PATH'}`);
  return { command: wrapper, args: ['--pdeathsig', 'KILL', '--', resolved, ...args], isGuarded: true };
}

function resolveCommand(command: string, cwd: string | undefined, path: string | undefined): string | undefined {
  if (command.includes('/')) {
    const full = isAbsolute(command) ? command : resolve(cwd ?? '.', command);
    return isExecutable(full) ? full : undefined;
  }
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const full = join(isAbsolute(dir) ? dir : resolve(cwd ?? '.', dir), command);
    if (isExecutable(full)) return full;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false; // missing or not executable: keep looking
  }
}
