// overlayfs: a container's rootfs is `mount -t overlay` with the image's layer dirs as lowerdir
// (top first) and <container>/overlay/{upper,work} beside the rootfs (one filesystem, as overlayfs
// requires). The layers are never written: changes go to upper, deletions become whiteouts there.
// The mount options must fit in one page (4 KiB), so as containerd does the lower dirs are named
// relative to the layer store's root (short numeric names) and mount(8) runs with that root as its
// working directory: 100 layers take ~400 bytes instead of ~10 KiB of absolute paths.

import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import type { SnapshotLayers, Snapshotter } from './snapshotter.ts';
import { isMountPoint, unmount } from './mount-table.ts';

/** overlayfs option values are separated by "," and lowerdir entries by ":". */
function checkOptionPath(path: string): string {
  if (/[,:]/.test(path)) throw new Error(`overlayfs cannot use the path ${path}: it contains "," or ":"; choose a data root without them or the copy snapshotter`);
  return path;
}

/** One page: what the kernel copies of a mount's option string. */
const MAX_OPTIONS_BYTES = 4096;

/** `lowers` top first, relative to `cwd` (or absolute); upper, work and target absolute. */
export async function mountOverlay(lowers: readonly string[], upper: string, work: string, target: string, cwd?: string): Promise<void> {
  const options = `lowerdir=${lowers.map(checkOptionPath).join(':')},upperdir=${checkOptionPath(upper)},workdir=${checkOptionPath(work)}`;
  if (Buffer.byteLength(options) >= MAX_OPTIONS_BYTES) throw new Error(`overlayfs mount options for ${target} are ${Buffer.byteLength(options)} bytes, more than one page: ${lowers.length} lower layers`);
  const result = await execa('mount', ['-t', 'overlay', 'overlay', '-o', options, target], { reject: false, stdin: 'ignore', ...(cwd ? { cwd } : {}) });
  if (result.exitCode !== 0) throw new Error(`mount -t overlay on ${target} failed (exit ${result.exitCode ?? '?'}): ${result.stderr.trim() || result.shortMessage}`);
}

export class OverlaySnapshotter implements Snapshotter {
  readonly name = 'overlayfs' as const;

  async prepare(layers: SnapshotLayers, targetDir: string): Promise<void> {
    const { upper, work } = overlayDirs(targetDir);
    await mkdir(upper, { recursive: true });
    await mkdir(work, { recursive: true });
    await mkdir(targetDir, { recursive: true });
    await mountOverlay(layers.lowers, upper, work, targetDir, layers.base);
  }

  async release(targetDir: string): Promise<void> {
    if (await isMountPoint(targetDir)) await unmount(targetDir);
  }

  async ensure(layers: SnapshotLayers, targetDir: string): Promise<void> {
    if (await isMountPoint(targetDir)) return;
    const { upper, work } = overlayDirs(targetDir);
    await mkdir(targetDir, { recursive: true });
    await mountOverlay(layers.lowers, upper, work, targetDir, layers.base);
  }
}

function overlayDirs(targetDir: string): { upper: string; work: string } {
  const base = join(dirname(targetDir), 'overlay');
  return { upper: join(base, 'upper'), work: join(base, 'work') };
}
