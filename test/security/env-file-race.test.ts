// Links planted after a check, through the env file's real writer: a process swaps the rootfs's
// /etc/profile.d between a directory and a symlink to a host directory as fast as it can while
// the daemon's writeEnvFile runs (and rolls back) hundreds of times. Writes may fail when the
// directory vanishes under them; none may land in the host directory.

import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeEnvFile } from '../../src/daemon/containers/env-file.ts';
import { scratchDir } from '../fixtures/rootfs.ts';
import { whileSwapping } from './fixtures/while-swapping.ts';

const ROUNDS = 300;

let work: { dir: string; remove: () => Promise<void> };
before(async () => { work = await scratchDir('hookd-env-race-'); });
after(() => work.remove());

test('env file writes race a /etc/profile.d swapped with a link to a host dir: nothing ever lands on the host', async () => {
  const rootfs = join(work.dir, 'env-rootfs');
  const hostDir = join(work.dir, 'env-host');
  await mkdir(join(rootfs, 'etc/profile.d'), { recursive: true });
  await mkdir(hostDir);
  await writeFile(join(hostDir, 'keep'), 'host');
  let written = 0;
  const swaps = await whileSwapping(join(rootfs, 'etc/profile.d'), hostDir, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      try {
        const restore = await writeEnvFile(rootfs, [`ROUND=${i}`]);
        written++;
        if (i % 2 === 0) await restore();
      } catch {
        // The directory was swapped away mid-write: failing is allowed, landing outside is not.
      }
    }
  });
  assert.deepEqual(await readdir(hostDir), ['keep']);
  assert.ok(swaps > ROUNDS / 10, `the swapper kept swapping (${swaps} swaps)`);
  assert.ok(written > 0, 'some writes went through between swaps');
});
