// copy: the container's rootfs is a `cp -a` of the image tree (modes, owners, links, times kept).
// Costs time and space in proportion to the image; works on any filesystem and without root.

import { mkdir } from 'node:fs/promises';
import { execa } from 'execa';
import type { Snapshotter } from './snapshotter.ts';

export class CopySnapshotter implements Snapshotter {
  readonly name = 'copy' as const;

  async prepare(imageDir: string, targetDir: string): Promise<void> {
    await mkdir(targetDir, { recursive: true });
    const result = await execa('cp', ['-a', '--', `${imageDir}/.`, targetDir], { reject: false, stdin: 'ignore' });
    if (result.exitCode !== 0) {
      throw new Error(`could not copy the image tree ${imageDir} into ${targetDir}: cp exited ${result.exitCode ?? '?'}: ${result.stderr.trim() || result.shortMessage}`);
    }
  }

  async release(): Promise<void> {
    // Nothing mounted: removing the container dir removes the copy.
  }

  async ensure(): Promise<void> {
    // A copy survives restarts and reboots as it is.
  }
}
