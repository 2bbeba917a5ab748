// The overlayfs probe's memory for the boot: a success is reused only for the same boot, kernel
// and filesystem; anything else (no entry, another boot's, a garbled one) probes again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { overlayProbeCache } from '../../../../src/daemon/images/snapshots/overlay-probe-cache.ts';
import { selectSnapshotter } from '../../../../src/daemon/images/snapshots/select-snapshotter.ts';
import { tempDirRemovedAtExit } from '../../../fixtures/temp-dir.ts';

const dir = tempDirRemovedAtExit('hookd-probe-cache-');
let count = 0;
async function fresh(): Promise<{ cacheDir: string; probeDir: string }> {
  const base = join(dir, String(count++));
  const probeDir = join(base, 'images');
  await mkdir(probeDir, { recursive: true });
  return { cacheDir: join(base, 'run'), probeDir };
}

test('a remembered success is found again for the same filesystem, and only once remembered', async () => {
  const { cacheDir, probeDir } = await fresh();
  const cache = overlayProbeCache(cacheDir);
  assert.equal(await cache.mountedBefore(probeDir), false);
  await cache.rememberMounted(probeDir);
  assert.equal(await cache.mountedBefore(probeDir), true);
  const [file] = await readdir(cacheDir);
  const entry = JSON.parse(await readFile(join(cacheDir, file!), 'utf8')) as { bootId: string; kernel: string };
  assert.equal(entry.bootId, (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim());
});

test("another boot's entry, or a garbled one, is not trusted", async () => {
  const { cacheDir, probeDir } = await fresh();
  const cache = overlayProbeCache(cacheDir);
  await cache.rememberMounted(probeDir);
  const [file] = await readdir(cacheDir);
  const path = join(cacheDir, file!);
  const entry = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
  await writeFile(path, JSON.stringify({ ...entry, bootId: '00000000-0000-0000-0000-000000000000' }));
  assert.equal(await cache.mountedBefore(probeDir), false);
  await writeFile(path, 'not json');
  assert.equal(await cache.mountedBefore(probeDir), false);
});

test('an unwritable cache dir costs the probe, never an error', async () => {
  const { cacheDir, probeDir } = await fresh();
  await writeFile(cacheDir, 'a file where the dir should be');
  const cache = overlayProbeCache(cacheDir);
  await cache.rememberMounted(probeDir);
  assert.equal(await cache.mountedBefore(probeDir), false);
});

const asRoot = process.getuid?.() === 0;
test('selectSnapshotter probes once, then takes the remembered success', { skip: asRoot ? false : 'mounting overlayfs needs root' }, async (t) => {
  const { cacheDir, probeDir } = await fresh();
  const first = await selectSnapshotter('auto', probeDir, overlayProbeCache(cacheDir));
  if (first.snapshotter.name !== 'overlayfs') {
    t.skip(`overlayfs does not mount here: ${first.reason}`);
    return;
  }
  assert.equal(first.reason, 'overlayfs mounts here');
  const second = await selectSnapshotter('auto', probeDir, overlayProbeCache(cacheDir));
  assert.equal(second.snapshotter.name, 'overlayfs');
  assert.equal(second.reason, 'overlayfs mounted on this filesystem earlier this boot');
  // The probe leaves nothing behind in the images dir either way.
  assert.deepEqual(await readdir(probeDir), []);
});
