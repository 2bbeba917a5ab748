import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { applyLayerStream } from '../../../../src/daemon/images/layer-apply.ts';
import { decompressStages } from '../../../../src/daemon/images/layer-decompress.ts';
import { memberName } from '../../../../src/daemon/images/tar-archive.ts';
import { withRootDir } from '../../../../src/daemon/rootfs/in-root.ts';
import { isImageError } from '../../../../src/daemon/images/image-errors.ts';
import { tempDirRemovedAtExit } from '../../../fixtures/temp-dir.ts';
import { writeTree } from '../../../fixtures/rootfs.ts';

const dir = tempDirRemovedAtExit('hookd-layer-apply-');
let count = 0;

/** A tar of `tree` whose members come in exactly `order` (GNU tar, no recursion). */
async function orderedTar(tree: Parameters<typeof writeTree>[1], order: string[]): Promise<Buffer> {
  const src = join(dir, `src-${++count}`);
  await writeTree(src, tree);
  return Buffer.from((await execa('tar', ['--numeric-owner', '--no-recursion', '-C', src, '-cf', '-', ...order], { encoding: 'buffer' })).stdout);
}

/** Applies gzip(`tar`) onto `root` through the one-pass stream; returns the diff_id it computed. */
async function applyGzip(root: string, tar: Buffer): Promise<string> {
  const blob = join(dir, `blob-${++count}`);
  await writeFile(blob, gzipSync(tar));
  const { stages, diffId } = decompressStages('gzip');
  await withRootDir(root, (rootDir) => applyLayerStream(rootDir, [createReadStream(blob), ...stages], 'test layer'));
  return diffId();
}

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

test('one pass: the diff_id is the uncompressed tar\'s sha256, and whiteouts remove only lower layers\' entries whatever the member order', async () => {
  const root = join(dir, 'root-order');
  await mkdir(root);
  const lower = await orderedTar({ 'a.txt': 'a', 'd/x': 'x', 'd/sub/y': 'y', 'gone/inner': 'i', 'keep.txt': 'k' }, ['a.txt', 'd', 'd/x', 'd/sub', 'd/sub/y', 'gone', 'gone/inner', 'keep.txt']);
  assert.equal(await applyGzip(root, lower), sha256(lower));
  // The upper layer writes d/new and gone/again BEFORE its opaque marker and whiteout: they stay,
  // while what lower layers had there (d/x, d/sub, gone/inner) goes.
  const upper = await orderedTar(
    { 'd/new': 'n', 'd/.wh..wh..opq': '', 'gone/again': 'g', '.wh.gone': '', '.wh.a.txt': '', 'a.txt.wh': '' },
    ['d', 'd/new', 'gone', 'gone/again', 'd/.wh..wh..opq', '.wh.gone', '.wh.a.txt'],
  );
  assert.equal(await applyGzip(root, upper), sha256(upper));
  assert.deepEqual((await readdir(root, { recursive: true })).sort(), ['d', 'd/new', 'gone', 'gone/again', 'keep.txt']);
  assert.equal(await readFile(join(root, 'gone/again'), 'utf8'), 'g');
});

test('a whiteout naming a file of its own layer leaves it; markers are never written', async () => {
  const root = join(dir, 'root-same');
  await mkdir(root);
  const layer = await orderedTar({ 'f.txt': 'mine', '.wh.f.txt': '' }, ['f.txt', '.wh.f.txt']);
  await applyGzip(root, layer);
  assert.deepEqual(await readdir(root), ['f.txt']);
});

test('a corrupt gzip stream fails with ERR_IMAGE_BAD_ARCHIVE naming the layer', async () => {
  const root = join(dir, 'root-corrupt');
  await mkdir(root);
  const good = gzipSync(await orderedTar({ 'f.txt': 'x'.repeat(10_000) }, ['f.txt']));
  const blob = join(dir, 'corrupt.gz');
  await writeFile(blob, Buffer.concat([good.subarray(0, 40), Buffer.alloc(200, 7)]));
  const { stages } = decompressStages('gzip');
  await assert.rejects(withRootDir(root, (rootDir) => applyLayerStream(rootDir, [createReadStream(blob), ...stages], 'layer 1/1 (sha256:abc)')),
    (error) => isImageError(error, 'ERR_IMAGE_BAD_ARCHIVE') && /layer 1\/1 \(sha256:abc\)/.test(error.message));
});

test('a "/" member is the archive root (umoci writes one), other absolute names are refused', () => {
  assert.equal(memberName('/', 'l'), undefined);
  assert.equal(memberName('./', 'l'), undefined);
  assert.throws(() => memberName('/etc/passwd', 'l'), /path traversal/);
});
