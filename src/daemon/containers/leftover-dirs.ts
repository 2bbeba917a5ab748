// At daemon start, after the records are loaded and stray rootfs mounts are gone: container
// directories that no record owns are removed. A create writes its directory (state dir, rootfs
// snapshot) before its record, and a removal deletes the record before the directory, so a daemon
// killed in between leaves a directory that nothing would ever use or remove (the daemon-kill
// chaos test found one in every few rounds). A directory with something still mounted below it
// is left alone and logged: rm must never walk into a mount.

import { readdir, rm } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { Logger } from 'pino';
import { mountPoints } from '../images/snapshots/mount-table.ts';

export async function removeUnrecordedContainerDirs(containersRoot: string, recordedIds: ReadonlySet<string>, logger: Pick<Logger, 'info' | 'warn'>): Promise<string[]> {
  const entries = await readdir(containersRoot, { withFileTypes: true }).catch(() => []);
  const leftovers = entries.filter((entry) => entry.isDirectory() && !recordedIds.has(entry.name)).map((entry) => entry.name);
  if (leftovers.length === 0) return [];
  const mounts = [...await mountPoints()];
  const removed: string[] = [];
  for (const id of leftovers) {
    const dir = join(containersRoot, id);
    const mounted = mounts.find((point) => point === dir || point.startsWith(dir + sep));
    if (mounted) {
      logger.warn({ dir, mount: mounted }, 'a container directory without a record still has a mount below it; left in place');
      continue;
    }
    await rm(dir, { recursive: true, force: true });
    removed.push(id);
  }
  if (removed.length > 0) logger.info({ containers: removed }, 'removed container directories no record owns (a create or removal cut short by a crash)');
  return removed;
}
