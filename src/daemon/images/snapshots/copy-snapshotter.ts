// copy: the container's rootfs is the image's layers applied one over the other into the
// container dir (modes, owners, links, times kept): the bottom layer by one `cp -a`, each layer
// above by mergeLayer (copy-merge.ts), which does what overlayfs shows: an opaque dir is emptied
// first, a whiteout removes the path, a directory merges into the one below, anything else
// replaces what was there. Costs time and space in proportion to the image; works on any
// filesystem and without root.

import { mkdir } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { execa } from 'execa';
import { mergeLayer } from './copy-merge.ts';
import { withRootDir } from '../../rootfs/in-root.ts';
import type { SnapshotLayers, Snapshotter } from './snapshotter.ts';

export class CopySnapshotter implements Snapshotter {
  readonly name = 'copy' as const;

  async prepare(layers: SnapshotLayers, targetDir: string): Promise<void> {
    await mkdir(targetDir, { recursive: true });
    const paths = layers.lowers.map((lower) => (isAbsolute(lower) ? lower : join(layers.base, lower))).reverse();
    const markers = [...layers.markers].reverse();
    // Into the empty target: nothing there for the tree's links to lead out through.
    const result = await execa('cp', ['-a', '--', `${paths[0]!}/.`, targetDir], { reject: false, stdin: 'ignore' });
    if (result.exitCode !== 0) {
      throw new Error(`could not copy the image layer ${paths[0]!} into ${targetDir}: cp exited ${result.exitCode ?? '?'}: ${result.stderr.trim() || result.shortMessage}`);
    }
    // The bottom layer hides nothing below it, but a 0/0 device it carries is hidden (overlayfs hides it).
    if (markers[0]!.whiteouts.length > 0) await withRootDir(targetDir, async (target) => { for (const path of markers[0]!.whiteouts) await target.removeAll(path); });
    for (const [index, path] of paths.entries()) {
      if (index > 0) await mergeLayer(path, targetDir, markers[index]!);
    }
  }

  async release(): Promise<void> {
    // Nothing mounted: removing the container dir removes the copy.
  }

  async ensure(): Promise<void> {
    // A copy survives restarts and reboots as it is.
  }
}
