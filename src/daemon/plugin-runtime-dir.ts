// Where launched plugins' sockets live when the config names no runtimeDir: one directory per
// data root, <tmp>/hookd-plugins-<hash of the data root>, emptied at every start. A daemon killed
// with SIGKILL cannot remove its directory; with a fresh temp dir per start each killed daemon
// left one behind for good, while this one is reused (and emptied) by the next start. The
// data-root lock (data-root-lock.ts) makes the directory this daemon's alone.
//
// The name is predictable, so it is trusted only if it is a real directory (not a symlink) owned
// by this user; otherwise a fresh private temp dir is used, as before.

import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface PluginRuntimeDir {
  dir: string;
  /** Removes the directory (a clean stop). */
  remove(): Promise<void>;
}

export function defaultPluginRuntimeDirPath(dataRoot: string): string {
  return join(tmpdir(), `hookd-plugins-${createHash('sha256').update(resolve(dataRoot)).digest('hex').slice(0, 12)}`);
}

/** Prepares the per-data-root runtime dir, empty and 0700. Call with the data-root lock held. */
export async function preparePluginRuntimeDir(dataRoot: string): Promise<PluginRuntimeDir> {
  const dir = defaultPluginRuntimeDirPath(dataRoot);
  const stat = await lstat(dir).catch(() => undefined);
  const isOurs = stat !== undefined && stat.isDirectory() && !stat.isSymbolicLink() && stat.uid === process.getuid?.();
  if (stat === undefined || isOurs) {
    if (isOurs) await rm(dir, { recursive: true, force: true }); // a killed daemon's sockets
    try {
      await mkdir(dir, { mode: 0o700 });
      return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // someone made it between our checks: fall through to a private temp dir
    }
  }
  const fresh = await mkdtemp(join(tmpdir(), 'hookd-'));
  return { dir: fresh, remove: () => rm(fresh, { recursive: true, force: true }) };
}
