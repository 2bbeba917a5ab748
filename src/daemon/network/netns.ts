// Network namespace files, as CNI runtimes keep them: an empty file under the daemon's netns
// directory with a new network namespace bind-mounted onto it (`unshare --net=<file>`), so the
// namespace lives as long as the mount, whether or not a process is in it. The container joins it
// through its OCI spec (linux.namespaces[network].path); CNI plugins configure it by the same path.
// A namespace outlives a daemon crash (the mount stays), which is what lets reconcile run CNI DEL
// in it later (the bridge plugin needs the namespace to remove its masquerade rules).

import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export function netnsPathOf(netnsDir: string, containerId: string): string {
  return join(netnsDir, containerId);
}

/** Creates the namespace file for a container (a fresh one if a stale file is there). */
export async function createNetns(netnsDir: string, containerId: string): Promise<string> {
  await mkdir(netnsDir, { recursive: true, mode: 0o700 });
  const path = netnsPathOf(netnsDir, containerId);
  await removeNetns(path);
  await writeFile(path, '', { mode: 0o600 });
  try {
    await exec('unshare', [`--net=${path}`, 'true']);
  } catch (error) {
    await rm(path, { force: true });
    throw new Error(`cannot create the network namespace ${path}: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}`, { cause: error });
  }
  return path;
}

/** Unmounts (lazily: a process may still hold it) and deletes the file. Idempotent. */
export async function removeNetns(path: string): Promise<void> {
  await exec('umount', ['--lazy', path]).catch(() => undefined); // not mounted (already removed, or never made): nothing to unmount
  await rm(path, { force: true });
}

/** Container ids that have a namespace file in the directory. */
export async function listNetns(netnsDir: string): Promise<string[]> {
  try {
    return (await readdir(netnsDir)).filter((name) => /^[0-9a-f]{64}$/.test(name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
