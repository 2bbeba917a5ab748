// The result cache, like libcni's (/var/lib/cni/results): what an ADD was called with and what it
// returned, one file per attachment, written atomically before the container starts. DEL uses it,
// so teardown works with exactly the config and runtimeConfig that ADD had, even after the
// network was removed or the daemon crashed and restarted (reconcile reads every entry).

import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.ts';
import type { AttachmentParams, CniResult, ConfList } from './cni-chain.ts';

export interface CachedAttachment {
  kind: 'hookd-cni-attachment/v1';
  network: string;
  networkId: string;
  params: AttachmentParams;
  list: ConfList;
  result: CniResult;
}

function fileOf(cacheDir: string, containerId: string, ifName: string): string {
  return join(cacheDir, `${containerId}-${ifName}.json`);
}

export async function writeCached(cacheDir: string, entry: CachedAttachment): Promise<void> {
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(fileOf(cacheDir, entry.params.containerId, entry.params.ifName), `${JSON.stringify(entry, null, 2)}\n`);
}

export async function removeCached(cacheDir: string, containerId: string, ifName: string): Promise<void> {
  await rm(fileOf(cacheDir, containerId, ifName), { force: true });
}

/** Every cached attachment; unreadable files are returned by name so the caller can report them. */
export async function readAllCached(cacheDir: string): Promise<{ entries: CachedAttachment[]; unreadable: string[] }> {
  let names: string[];
  try {
    names = await readdir(cacheDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], unreadable: [] };
    throw error;
  }
  const entries: CachedAttachment[] = [];
  const unreadable: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
    try {
      const entry = JSON.parse(await readFile(join(cacheDir, name), 'utf8')) as CachedAttachment;
      if (entry.kind === 'hookd-cni-attachment/v1') entries.push(entry);
      else unreadable.push(name);
    } catch {
      unreadable.push(name);
    }
  }
  return { entries, unreadable };
}

export async function readCachedFor(cacheDir: string, containerId: string): Promise<CachedAttachment[]> {
  return (await readAllCached(cacheDir)).entries.filter((entry) => entry.params.containerId === containerId);
}
