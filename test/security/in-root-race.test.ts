// Links planted after a check, against the in-root module itself: a process swaps a rootfs
// directory between a real directory and a symlink to a host directory as fast as it can, while
// RootDir creates, links, renames and removes under it. Some operations fail (the directory
// vanished under them); none may ever touch the host directory.

import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { withRootDir } from '../../src/daemon/rootfs/in-root.ts';
import { scratchDir } from '../fixtures/rootfs.ts';
import { whileSwapping } from './fixtures/while-swapping.ts';

const ROUNDS = 300;

let work: { dir: string; remove: () => Promise<void> };
before(async () => { work = await scratchDir('hookd-race-'); });
after(() => work.remove());

test('mkdirAll, createFile, hardlink, rename and removeAll race the same swap: nothing lands on or leaves the host', async () => {
  const rootfs = join(work.dir, 'ops-rootfs');
  const hostDir = join(work.dir, 'ops-host');
  await mkdir(join(rootfs, 'd'), { recursive: true });
  await mkdir(hostDir);
  await writeFile(join(hostDir, 'keep'), 'host');
  await writeFile(join(rootfs, 'inside'), 'inside');
  await withRootDir(rootfs, async (root) => {
    await whileSwapping(join(rootfs, 'd'), hostDir, async () => {
      for (let i = 0; i < ROUNDS; i++) {
        const steps = [
          () => root.mkdirAll(`/d/sub${i}/deeper`),
          async () => (await root.createFile(`/d/file${i}`)).close(),
          () => root.hardlink('/inside', `/d/link${i}`),
          () => root.hardlink('/d/keep', `/stolen${i}`),
          () => root.rename('/d/keep', `/taken${i}`),
          () => root.removeAll('/d/keep'),
          () => root.removeChildren('/d'),
        ];
        for (const step of steps) await step().catch(() => undefined); // failing under the race is fine
      }
    });
  });
  assert.deepEqual(await readdir(hostDir), ['keep']);
  const leaked = (await readdir(rootfs)).filter((name) => name.startsWith('stolen') || name.startsWith('taken'));
  assert.deepEqual(leaked, [], 'the host file was never linked or moved into the rootfs');
});
