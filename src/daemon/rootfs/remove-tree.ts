// rm -rf of one entry inside a directory descriptor, never following a symlink: a directory is
// opened O_NOFOLLOW and emptied through its own descriptor before it is removed, so a container
// that swaps a subdirectory for a link to "/" mid-removal only gets its link unlinked.

import { lstat, readdir, rmdir, unlink } from 'node:fs/promises';
import { closeFd, openDirAt, procPath } from './proc-fd.ts';

/** Attempts per entry while a container keeps changing it (recreating, refilling) under us. */
const MAX_ATTEMPTS = 8;

/** Removes `name` in `dirFd` and everything under it; a missing entry is not an error. */
export async function removeEntryAt(dirFd: number, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await removeOnce(dirFd, name);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // The entry changed kind (dir <-> other) or was refilled between our looks: look again.
      const changed = code === 'ENOTEMPTY' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'EPERM';
      if (!changed || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** Removes every entry inside the directory `dirFd` (an opaque whiteout), keeping the directory. */
export async function removeChildrenAt(dirFd: number): Promise<void> {
  for (const entry of await readdir(procPath(dirFd))) await removeEntryAt(dirFd, entry);
}

async function removeOnce(dirFd: number, name: string): Promise<void> {
  const path = procPath(dirFd, name);
  const stats = await lstat(path).catch(ignoreMissing);
  if (!stats) return;
  if (!stats.isDirectory()) {
    await unlink(path).catch(ignoreMissing);
    return;
  }
  const child = await openDirAt(dirFd, name);
  if (child === 'ENOENT') return;
  if (typeof child !== 'number') throw Object.assign(new Error(`${name} is no longer a directory`), { code: child });
  try {
    await removeChildrenAt(child);
  } finally {
    await closeFd(child);
  }
  await rmdir(path).catch(ignoreMissing);
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined;
  throw error;
}
