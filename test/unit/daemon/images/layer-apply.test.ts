import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { applyLayerStream } from '../../../../src/daemon/images/layer-apply.ts';
import { decompressStages } from '../../../../src/daemon/images/layer-decompress.ts';
import { memberName } from '../../../../src/daemon/images/tar-archive.ts';
import { CopySnapshotter } from '../../../../src/daemon/images/snapshots/copy-snapshotter.ts';
import { RootDir, withRootDir } from '../../../../src/daemon/rootfs/in-root.ts';
import type { LayerMarkers } from '../../../../src/daemon/images/layer-markers.ts';
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

/** Applies gzip(`tar`) into the layer dir `root` through the one-pass stream; returns the diff_id and markers. */
async function applyGzip(root: string, tar: Buffer, lowers: string[] = []): Promise<{ diffId: string; markers: LayerMarkers }> {
  const blob = join(dir, `blob-${++count}`);
  await writeFile(blob, gzipSync(tar));
  const { stages, diffId } = decompressStages('gzip');
  const opened = await Promise.all(lowers.map((lower) => RootDir.open(lower)));
  try {
    const markers = await withRootDir(root, (rootDir) => applyLayerStream(rootDir, [createReadStream(blob), ...stages], 'test layer', opened));
    return { diffId: diffId(), markers };
  } finally {
    for (const lower of opened) await lower.close();
  }
}

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function isWhiteout(path: string): Promise<boolean> {
  const stats = await lstat(path);
  return stats.isCharacterDevice() && stats.rdev === 0;
}

async function opaqueXattr(path: string): Promise<string> {
  return (await execa('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', path], { reject: false })).stdout;
}

test('one pass into its own dir: the diff_id is the tar\'s sha256; whiteouts become 0/0 devices and opaque markers an xattr, whatever the member order', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('whiteout devices and trusted.* xattrs need root');
  const lowerDir = join(dir, 'lower-order');
  const upperDir = join(dir, 'upper-order');
  await mkdir(lowerDir);
  await mkdir(upperDir);
  const lower = await orderedTar({ 'a.txt': 'a', 'd/x': 'x', 'd/sub/y': 'y', 'gone/inner': 'i', 'keep.txt': 'k' }, ['a.txt', 'd', 'd/x', 'd/sub', 'd/sub/y', 'gone', 'gone/inner', 'keep.txt']);
  const bottom = await applyGzip(lowerDir, lower);
  assert.equal(bottom.diffId, sha256(lower));
  assert.deepEqual(bottom.markers, { whiteouts: [], opaques: [] }, 'the bottom layer has nothing to hide');
  // The upper layer writes d/new and gone/again BEFORE its opaque marker and whiteout: they stay,
  // and both dirs hide what lower layers have in them (d by its marker, gone because this layer
  // wrote gone/again itself: a whiteout of its own dir makes it opaque).
  const upper = await orderedTar(
    { 'd/new': 'n', 'd/.wh..wh..opq': '', 'gone/again': 'g', '.wh.gone': '', '.wh.a.txt': '', 'a.txt.wh': '' },
    ['d', 'd/new', 'gone', 'gone/again', 'd/.wh..wh..opq', '.wh.gone', '.wh.a.txt'],
  );
  const applied = await applyGzip(upperDir, upper, [lowerDir]);
  assert.equal(applied.diffId, sha256(upper));
  assert.deepEqual(applied.markers, { whiteouts: ['a.txt'], opaques: ['d', 'gone'].sort() });
  assert.deepEqual((await readdir(upperDir, { recursive: true })).sort(), ['a.txt', 'd', 'd/new', 'gone', 'gone/again']);
  assert.ok(await isWhiteout(join(upperDir, 'a.txt')), 'a.txt is a whiteout device');
  assert.equal(await opaqueXattr(join(upperDir, 'd')), 'y');
  assert.equal(await opaqueXattr(join(upperDir, 'gone')), 'y');
  assert.equal(await readFile(join(upperDir, 'gone/again'), 'utf8'), 'g');
  assert.deepEqual((await readdir(lowerDir, { recursive: true })).sort(), ['a.txt', 'd', 'd/sub', 'd/sub/y', 'd/x', 'gone', 'gone/inner', 'keep.txt'], 'the lower layer is untouched');
});

test('a whiteout naming a file of its own layer leaves it; a hard link to a lower layer\'s file is copied up', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('whiteout devices need root');
  const lowerDir = join(dir, 'lower-same');
  const upperDir = join(dir, 'upper-same');
  await mkdir(lowerDir);
  await mkdir(upperDir);
  await applyGzip(lowerDir, await orderedTar({ 'real/data': 'lower data', 'f.txt': 'lower' }, ['real', 'real/data', 'f.txt']));
  // f.txt, its own whiteout, and a hard link to the lower layer's real/data (python's tarfile: GNU tar
  // cannot write a link to a file it does not archive).
  const script = [
    'import io, tarfile, sys',
    't = tarfile.open(fileobj=sys.stdout.buffer, mode="w|")',
    'for name, data in (("f.txt", b"mine"), (".wh.f.txt", b"")):',
    '    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))',
    'i = tarfile.TarInfo("copy"); i.type = tarfile.LNKTYPE; i.linkname = "real/data"; t.addfile(i)',
    'for name, major, minor in (("zero", 0, 0), ("null", 1, 3)):',
    '    i = tarfile.TarInfo(name); i.type = tarfile.CHRTYPE; i.devmajor = major; i.devminor = minor; t.addfile(i)',
    't.close()',
  ].join('\n');
  const both = Buffer.from((await execa('python3', ['-c', script], { encoding: 'buffer' })).stdout);
  const applied = await applyGzip(upperDir, both, [lowerDir]);
  // A 0/0 device carried as a plain member is a whiteout to overlayfs: listed for the copy snapshotter.
  assert.deepEqual(applied.markers, { whiteouts: ['zero'], opaques: [] });
  assert.deepEqual((await readdir(upperDir)).sort(), ['copy', 'f.txt', 'null', 'zero']);
  assert.equal(await readFile(join(upperDir, 'f.txt'), 'utf8'), 'mine');
  assert.equal(await readFile(join(upperDir, 'copy'), 'utf8'), 'lower data');
  // The copy snapshotter shows what overlayfs shows: the lower f.txt replaced, zero hidden, null a device.
  const target = join(dir, 'copy-same');
  const base = dir;
  await new CopySnapshotter().prepare({ base, lowers: ['upper-same', 'lower-same'], markers: [applied.markers, { whiteouts: [], opaques: [] }] }, target);
  assert.deepEqual((await readdir(target)).sort(), ['copy', 'f.txt', 'null', 'real']);
  assert.equal(await readFile(join(target, 'f.txt'), 'utf8'), 'mine');
  assert.ok((await lstat(join(target, 'null'))).isCharacterDevice());
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
