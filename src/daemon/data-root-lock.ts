// One daemon per data root. The lock is <dataRoot>/hookd.pid holding the owner's pid and the
// kernel's start time of that process (so a recycled pid does not look like a live daemon).
// A second daemon on the same data root is refused with a message naming the first one's pid,
// before it launches plugins or touches the socket. A lock left by a daemon that died (SIGKILL)
// is taken over: its pid is gone, or belongs to a process that started at another time.
//
// Taking the lock is link(2) of a fully written temporary file, which fails with EEXIST when the
// lock exists, so two daemons starting together cannot both win.

import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE_NAME = 'hookd.pid';

export class DataRootLockedError extends Error {
  readonly code = 'ERR_DATA_ROOT_LOCKED';
  readonly pid: number;

  constructor(dataRoot: string, pid: number) {
    super(`another hookd daemon (pid ${pid}) is using the data root ${dataRoot}; stop it first, or give this daemon another dataRoot`);
    this.name = 'DataRootLockedError';
    this.pid = pid;
  }
}

export interface DataRootLock {
  readonly file: string;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

/** Takes the data root's lock or throws DataRootLockedError. */
export async function lockDataRoot(dataRoot: string): Promise<DataRootLock> {
  const file = join(dataRoot, LOCK_FILE_NAME);
  const mine = `${process.pid} ${processStartTime(process.pid) ?? ''}\n`;
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, mine, { mode: 0o644 });
  try {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await link(temp, file);
        return { file, release: () => releaseIfOurs(file, mine) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = await readOwner(file);
      if (owner && isAlive(owner)) throw new DataRootLockedError(dataRoot, owner.pid);
      await rm(file, { force: true }); // stale: its daemon is gone
    }
    throw new Error(`could not take the lock ${file}: it keeps reappearing (another daemon is starting?)`);
  } finally {
    await rm(temp, { force: true });
  }
}

async function releaseIfOurs(file: string, mine: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === mine) await rm(file, { force: true });
}

interface LockOwner { pid: number; startTime: string | undefined }

async function readOwner(file: string): Promise<LockOwner | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const [pidText, startTime] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined; // unreadable or torn: treat as stale
  return { pid, startTime: startTime || undefined };
}

function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = processStartTime(owner.pid);
  return owner.startTime === undefined || now === undefined || now === owner.startTime;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined off Linux. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: count from the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined; // no procfs: fall back to the pid alone
  }
}
