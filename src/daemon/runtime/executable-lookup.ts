// Finding executables as execvp does: the binaries the runtimes run (runc, script) on the daemon's
// PATH, and a tty container's command, which runs behind script(1)'s shell and so must be checked
// before it is handed over (a shell would only print "not found" into the container's log).

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

export function findOnPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Why `command` cannot be executed, as spawn would say it (a name with "/" is taken relative to
 * cwd, any other is looked up on searchPath), or undefined when it can.
 */
export function commandProblem(command: string, searchPath: string, cwd: string): 'ENOENT' | 'EACCES' | undefined {
  if (!command.includes('/')) return findOnPath(command, searchPath) === undefined ? 'ENOENT' : undefined;
  const path = resolve(cwd, command);
  try {
    statSync(path);
  } catch {
    return 'ENOENT';
  }
  return isExecutableFile(path) ? undefined : 'EACCES';
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false; // absent or not executable: the caller's answer either way
  }
}
