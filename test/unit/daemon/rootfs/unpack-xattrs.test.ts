import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { applyLayerStream } from '../../../../src/daemon/images/layer-apply.ts';
import { RootDir, withRootDir } from '../../../../src/daemon/rootfs/in-root.ts';
import { isImageError } from '../../../../src/daemon/images/image-errors.ts';
import { END, header, pad, paxMember, paxRecord } from '../../../fixtures/crafted-tar.ts';
import { tempDirRemovedAtExit } from '../../../fixtures/temp-dir.ts';

const CAP_NET_RAW_EP = Buffer.from('0100000200200000000000000000000000000000', 'hex');
const dir = tempDirRemovedAtExit('hookd-unpack-xattrs-');
let count = 0;

function missingTool(): string | false {
  try {
    execFileSync('sh', ['-c', 'command -v setfattr && command -v getfattr'], { stdio: 'ignore' });
  } catch {
    return 'needs setfattr/getfattr (apt-get install attr)';
  }
  return process.getuid?.() === 0 ? false : 'needs root (security.capability)';
}
const skip = missingTool();
if (skip) console.log(`# skipping: ${skip}`);

function xattrsOf(hostPath: string): Record<string, string> {
  const out = execFileSync('getfattr', ['-h', '--absolute-names', '-d', '-m', '-', '-e', 'hex', hostPath], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter((line) => line.includes('=') && !line.startsWith('#')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 3)]));
}

/** Applies `tar` into a new layer dir, over the layer dirs `lowers` (top first); returns its path. */
async function apply(tar: Buffer, lowers: string[] = []): Promise<string> {
  const root = join(dir, `root-${++count}`);
  await mkdir(root);
  const lowerRoots = await Promise.all(lowers.map((lower) => RootDir.open(lower)));
  try {
    await withRootDir(root, (r) => applyLayerStream(r, [Readable.from([tar])], 'test layer', lowerRoots));
  } finally {
    for (const lower of lowerRoots) await lower.close();
  }
  return root;
}

const xattr = (name: string, value: Buffer | string): Buffer => paxRecord(`SCHILY.xattr.${name}`, Buffer.from(value));

test('a layer\'s PAX xattrs land on files, directories and symlinks with their exact bytes, after the owner is set', { skip }, async () => {
  const tar = Buffer.concat([
    paxMember([xattr('user.dir', 'd')], header('bin/', '5', 0, { mode: 0o755 })),
    paxMember([xattr('security.capability', CAP_NET_RAW_EP), xattr('user.x', Buffer.from([0, 1, 0xfe, 0xff]))], header('bin/ping', '0', 4, { mode: 0o755 }), Buffer.from('ping')),
    header('bin/plain', '0', 0),
    paxMember([xattr('security.test', 'on-link'), xattr('user.nope', 'refused on links')], header('bin/link', '2', 0, { linkname: 'ping' })),
    END,
  ]);
  const root = await apply(tar);
  assert.deepEqual(xattrsOf(join(root, 'bin')), { 'user.dir': '64' });
  assert.deepEqual(xattrsOf(join(root, 'bin/ping')), { 'security.capability': CAP_NET_RAW_EP.toString('hex'), 'user.x': '0001feff' });
  assert.deepEqual(xattrsOf(join(root, 'bin/plain')), {});
  assert.deepEqual(xattrsOf(join(root, 'bin/link')), { 'security.test': Buffer.from('on-link').toString('hex') });
  assert.equal(await readFile(join(root, 'bin/ping'), 'utf8'), 'ping');
});

test('trusted.* xattrs are not taken from a layer (containerd refuses them too): no overlay markers planted; unknown namespaces are skipped', { skip }, async () => {
  const tar = Buffer.concat([paxMember([xattr('trusted.overlay.opaque', 'y'), xattr('user.ok', '1'), xattr('nonamespace', 'x'), xattr('other.x', 'x')], header('d/', '5', 0, { mode: 0o755 })), END]);
  const root = await apply(tar);
  assert.deepEqual(xattrsOf(join(root, 'd')), { 'user.ok': '31' });
});

test('a member replaced later in the same layer keeps only the later member\'s xattrs', { skip }, async () => {
  const tar = Buffer.concat([
    paxMember([xattr('user.first', '1')], header('f', '0', 1), Buffer.from('a')),
    paxMember([xattr('user.second', '2')], header('f', '0', 1), Buffer.from('b')),
    END,
  ]);
  const root = await apply(tar);
  assert.deepEqual(xattrsOf(join(root, 'f')), { 'user.second': '32' });
});

test('a member replaced through a symlinked alias of its directory loses the xattrs queued for it', { skip }, async () => {
  const tar = Buffer.concat([
    header('real/', '5', 0, { mode: 0o755 }),
    header('alias', '2', 0, { linkname: '/real' }),
    paxMember([xattr('user.old', '1')], header('real/f', '0', 1), Buffer.from('a')),
    header('alias/f', '0', 1), pad(Buffer.from('b')),
    END,
  ]);
  const root = await apply(tar);
  assert.equal(await readFile(join(root, 'real/f'), 'utf8'), 'b');
  assert.deepEqual(xattrsOf(join(root, 'real/f')), {});
});

test('a hard link to a lower layer\'s file, copied up into the layer, gets the xattrs its header carries (Docker puts security.capability there)', { skip }, async () => {
  const lower = await apply(Buffer.concat([header('bin/', '5', 0, { mode: 0o755 }), header('bin/ping', '0', 4, { mode: 0o755 }), pad(Buffer.from('ping')), END]));
  const upper = await apply(Buffer.concat([paxMember([xattr('security.capability', CAP_NET_RAW_EP)], header('bin/ping6', '1', 0, { linkname: 'bin/ping' })), END]), [lower]);
  assert.equal(await readFile(join(upper, 'bin/ping6'), 'utf8'), 'ping');
  assert.deepEqual(xattrsOf(join(upper, 'bin/ping6')), { 'security.capability': CAP_NET_RAW_EP.toString('hex') });
});

test('an xattr the kernel refuses for another reason than ENOTSUP fails the layer naming the member', { skip }, async () => {
  // security.capability must be a valid capability struct: the kernel answers EINVAL to 3 bytes.
  const tar = Buffer.concat([paxMember([xattr('security.capability', 'bad')], header('bin-bad', '0', 0)), END]);
  await assert.rejects(apply(tar), (error) => isImageError(error, 'ERR_IMAGE_BAD_ARCHIVE') && /bin-bad/.test(error.message) && /security\.capability/.test(error.message));
});

test('a layer with 1,000 xattrs, in one directory or one per directory (batches of 512), gets every one', { skip }, async () => {
  for (const layout of ['one', 'each']) {
    const members: Buffer[] = [];
    for (let i = 0; i < 1000; i++) {
      const dirName = layout === 'one' ? 'many' : `d${i}`;
      if (layout === 'each' || i === 0) members.push(header(`${dirName}/`, '5', 0, { mode: 0o755 }));
      members.push(paxMember([xattr('user.n', String(i))], header(`${dirName}/f${i}`, '0', 0)));
    }
    const root = await apply(Buffer.concat([...members, END]));
    for (const i of [0, 511, 512, 999]) {
      assert.deepEqual(xattrsOf(join(root, layout === 'one' ? 'many' : `d${i}`, `f${i}`)), { 'user.n': Buffer.from(String(i)).toString('hex') }, `${layout} ${i}`);
    }
  }
});
