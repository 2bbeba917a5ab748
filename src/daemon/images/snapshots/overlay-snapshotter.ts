// overlayfs: a container's rootfs is `mount -t overlay` with the image tree as lowerdir and
// <container>/overlay/{upper,work} beside the rootfs (one filesystem, as overlayfs requires).
// The image tree is never written: changes go to upper, deletions become whiteouts there.

import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { Snapshotter } from './snapshotter.ts';
import { isMountPoint, unmount } from './mount-table.ts';

/** overlayfs option values are separated by "," and lowerdir entries by ":". */
function checkOptionPath(path: string): string {
  if (/[,:]/.test(path)) throw new Error(`overlayfs cannot use the path ${path}: it contains "," or ":"; choose a data root without them or the copy snapshotter`);
  return path;
}

export async function mountOverlay(lower: string, upper: string, work: string, target: string): Promise<void> {
  const options = `lowerdir=${checkOptionPath(lower)},upperdir=${checkOptionPath(upper)},workdir=${checkOptionPath(work)}`;
  const result = await execa('mount', ['-t', 'overlay', 'overlay', '-o', options, target], { reject: false, stdin: 'ignore' });
  if (result.exitCode !== 0) throw new Error(`mount -t overlay on ${target} failed (exit ${result.exitCode ?? '?'}): ${result.stderr.trim() || result.shortMessage}`);
}

export class OverlaySnapshotter implements Snapshotter {
  readonly name = 'overlayfs' as const;

  async prepare(imageDir: string, targetDir: string): Promise<void> {
    const { upper, work } = overlayDirs(targetDir);
    await mkdir(upper, { recursive: true });
    await mkdir(work, { recursive: true });
    await mkdir(targetDir, { recursive: true });
    await mountOverlay(imageDir, upper, work, targetDir);
  }

  async release(targetDir: string): Promise<void> {
    if (await isMountPoint(targetDir)) await unmount(targetDir);
  }

  async ensure(imageDir: string, targetDir: string): Promise<void> {
    if (await isMountPoint(targetDir)) return;
    const { upper, work } = overlayDirs(targetDir);
    await mkdir(targetDir, { recursive: true });
    await mountOverlay(imageDir, upper, work, targetDir);
  }
}

function overlayDirs(targetDir: string): { upper: string; work: string } {
  const base = join(dirname(targetDir), 'overlay');
  return { upper: join(base, 'upper'), work: join(base, 'work') };
}
