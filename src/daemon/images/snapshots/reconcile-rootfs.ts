// At daemon start, container rootfs mounts are made to match the records: every recorded
// container's rootfs is mounted (a reboot unmounted it; ensure is a no-op when it is there), and
// every rootfs mount under the containers dir that no record owns (a crash between mount and
// record, or mid-remove) is unmounted so its dir can go.

import { join, sep } from 'node:path';
import { mountPoints, unmount } from './mount-table.ts';

export interface RootfsOwner {
  Id: string;
  Image: string;
  hookd: { rootfs: string };
}

export interface RootfsStore {
  ensureRootfs?(imageId: string, targetDir: string): Promise<void>;
}

export interface ReconcileLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

export async function reconcileContainerRootfs(store: RootfsStore, records: readonly RootfsOwner[], containersRoot: string, logger: ReconcileLogger): Promise<void> {
  const owned = new Set(records.map((record) => record.hookd.rootfs));
  // One read of the mount table for all records: ensure() reads it itself, and once per record
  // that was quadratic (200 records on a host with 600 mounts: ~100 ms of a daemon's start).
  const mounted = await mountPoints();
  for (const record of records) {
    if (mounted.has(record.hookd.rootfs)) continue;
    await store.ensureRootfs?.(record.Image, record.hookd.rootfs)
      .catch((error: unknown) => logger.warn({ err: error, container: record.Id }, 'container rootfs could not be mounted again; starting it will fail until it is'));
  }
  const prefix = join(containersRoot) + sep;
  for (const point of mounted) {
    if (!point.startsWith(prefix) || !point.endsWith(`${sep}rootfs`) || owned.has(point)) continue;
    await unmount(point)
      .then(() => logger.info({ mount: point }, 'unmounted a container rootfs no record owns'))
      .catch((error: unknown) => logger.warn({ err: error, mount: point }, 'could not unmount a leftover container rootfs'));
  }
}
