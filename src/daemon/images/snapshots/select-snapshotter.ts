// Which snapshotter this daemon uses: the config's choice, or with "auto" overlayfs when a test
// mount of it succeeds in the data root (kernel support, root, and a filesystem overlayfs accepts
// as upper: all are checked by the one thing that matters, mounting), else copy. A success is
// remembered for the boot (overlay-probe-cache.ts), so a restart on the same filesystem skips it.

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CopySnapshotter } from './copy-snapshotter.ts';
import { OverlaySnapshotter, mountOverlay } from './overlay-snapshotter.ts';
import { unmount } from './mount-table.ts';
import type { Snapshotter, SnapshotterName } from './snapshotter.ts';
import { overlayProbeCache, type OverlayProbeCache } from './overlay-probe-cache.ts';

export type SnapshotterChoice = SnapshotterName | 'auto';

/** Undefined when overlayfs mounts in `dir`, else why not. */
export async function overlayUnavailableReason(dir: string): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'mounting overlayfs needs root';
  await mkdir(dir, { recursive: true });
  const probe = await mkdtemp(join(dir, 'overlay-probe-'));
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((name) => join(probe, name)) as [string, string, string, string];
  try {
    for (const sub of [lower, upper, work, merged]) await mkdir(sub);
    await mountOverlay([lower], upper, work, merged);
    await unmount(merged);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await rm(probe, { recursive: true, force: true });
  }
}

export async function selectSnapshotter(choice: SnapshotterChoice, probeDir: string, cache: OverlayProbeCache = overlayProbeCache()): Promise<{ snapshotter: Snapshotter; reason: string }> {
  if (choice === 'copy') return { snapshotter: new CopySnapshotter(), reason: 'configured' };
  if (process.getuid?.() === 0) {
    await mkdir(probeDir, { recursive: true });
    if (await cache.mountedBefore(probeDir)) {
      return { snapshotter: new OverlaySnapshotter(), reason: choice === 'auto' ? 'overlayfs mounted on this filesystem earlier this boot' : 'configured' };
    }
  }
  const unavailable = await overlayUnavailableReason(probeDir);
  if (unavailable === undefined) {
    await cache.rememberMounted(probeDir);
    return { snapshotter: new OverlaySnapshotter(), reason: choice === 'auto' ? 'overlayfs mounts here' : 'configured' };
  }
  if (choice === 'overlayfs') throw new Error(`the configured snapshotter "overlayfs" cannot be used: ${unavailable}`);
  return { snapshotter: new CopySnapshotter(), reason: `overlayfs unavailable: ${unavailable}` };
}
