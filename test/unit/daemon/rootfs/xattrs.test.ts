import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withRootDir } from '../../../../src/daemon/rootfs/in-root.ts';
import { isRootfsError } from '../../../../src/daemon/rootfs/rootfs-errors.ts';
import { setXattr, setXattrs, setXattrsInDir } from '../../../../src/daemon/rootfs/xattrs.ts';
import { tempDirRemovedAtExit } from '../../../fixtures/temp-dir.ts';

// `setcap cap_net_raw+ep` writes these 20 bytes (VFS_CAP_REVISION_2, effective, permitted bit 13).
const CAP_NET_RAW_EP = Buffer.from('0100000200200000000000000000000000000000', 'hex');

function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const skip = !hasTool('setfattr') || !hasTool('getfattr') ? 'needs setfattr/getfattr (apt-get install attr)' : process.getuid?.() !== 0 ? 'needs root (security.* and trusted.* xattrs)' : false;
if (skip) console.log(`# skipping xattrs tests: ${skip}`);

/** Every xattr of the host path itself (not following a link), name → hex value. */
function xattrsOf(hostPath: string): Record<string, string> {
  const out = execFileSync('getfattr', ['-h', '--absolute-names', '-d', '-m', '-', '-e', 'hex', hostPath], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter((line) => line.includes('=') && !line.startsWith('#')).map((line) => {
    const at = line.indexOf('=');
    return [line.slice(0, at), line.slice(at + 3)];
  }));
}

async function freshRoot(): Promise<{ root: string; outside: string }> {
  const dir = tempDirRemovedAtExit('hookd-xattrs-');
  const root = join(dir, 'root');
  const outside = join(dir, 'host-file');
  await mkdir(join(root, 'bin'), { recursive: true });
  await writeFile(outside, 'host');
  return { root, outside };
}

test('sets binary and text values with their exact bytes', { skip }, async () => {
  const { root } = await freshRoot();
  await writeFile(join(root, 'bin/ping'), 'binary');
  await withRootDir(root, async (r) => {
    await setXattr(r, '/bin/ping', 'security.capability', CAP_NET_RAW_EP);
    await setXattrs(r, 'bin/ping', [{ name: 'user.x', value: Buffer.from('text value') }, { name: 'user.a=b c', value: Buffer.from([0, 0xff, 0x0a, 0x5c]) }, { name: 'user.empty', value: Buffer.alloc(0) }]);
  });
  assert.deepEqual(xattrsOf(join(root, 'bin/ping')), {
    'security.capability': CAP_NET_RAW_EP.toString('hex'),
    'user.x': Buffer.from('text value').toString('hex'),
    'user.a\\075b c': '00ff0a5c',
    'user.empty': '',
  });
});

test('a symlink in the final component gets the attribute itself; its target outside the root is untouched', { skip }, async () => {
  const { root, outside } = await freshRoot();
  await symlink(outside, join(root, 'bin/escape'));
  await withRootDir(root, async (r) => {
    await setXattr(r, 'bin/escape', 'trusted.overlay.opaque', Buffer.from('y'));
    // user.* is not allowed on a symlink (xattr(7)): refused, and still not followed to the target.
    await assert.rejects(setXattr(r, 'bin/escape', 'user.x', Buffer.from('1')), (e) => isRootfsError(e, 'ERR_ROOTFS_IO') && e.errno === 'EPERM' && e.message.includes('user.x'));
  });
  assert.deepEqual(xattrsOf(join(root, 'bin/escape')), { 'trusted.overlay.opaque': '79' });
  assert.deepEqual(xattrsOf(outside), {});
});

test('a symlinked directory on the way is resolved inside the root', { skip }, async () => {
  const { root, outside } = await freshRoot();
  await symlink(join(outside, '..'), join(root, 'etc'));
  await mkdir(join(root, outside, '..'), { recursive: true });
  await writeFile(join(root, outside), 'inside');
  await withRootDir(root, (r) => setXattr(r, `/etc/host-file`, 'user.x', Buffer.from('1')));
  assert.deepEqual(xattrsOf(outside), {});
  assert.deepEqual(xattrsOf(join(root, outside)), { 'user.x': '31' });
});

test('a batch sets what it can and reports each refused attribute with its errno', { skip }, async () => {
  const { root, outside } = await freshRoot();
  await writeFile(join(root, 'bin/a'), 'a');
  await symlink(outside, join(root, 'bin/l'));
  await withRootDir(root, async (r) => {
    const dir = await r.openDir('bin');
    try {
      const failures = await setXattrsInDir(dir.fd, [
        { name: 'l', xattrs: [{ name: 'user.no', value: Buffer.from('1') }, { name: 'trusted.yes', value: Buffer.from('2') }] },
        { name: 'a', xattrs: [{ name: 'user.yes', value: Buffer.from('3') }] },
      ]);
      assert.deepEqual(failures.map(({ entry, name, errno }) => ({ entry, name, errno })), [{ entry: 'l', name: 'user.no', errno: 'EPERM' }]);
    } finally {
      await dir.close();
    }
  });
  assert.deepEqual(xattrsOf(join(root, 'bin/l')), { 'trusted.yes': '32' });
  assert.deepEqual(xattrsOf(join(root, 'bin/a')), { 'user.yes': '33' });
  assert.deepEqual(xattrsOf(outside), {});
});

test('a missing entry, a malformed name and a missing setfattr are errors that say so', { skip }, async () => {
  const { root } = await freshRoot();
  await writeFile(join(root, 'bin/a'), 'a');
  await withRootDir(root, async (r) => {
    await assert.rejects(setXattr(r, 'bin/none', 'user.x', Buffer.from('1')), (e) => isRootfsError(e, 'ERR_ROOTFS_NOT_FOUND') && e.message.includes('bin/none'));
    await assert.rejects(setXattr(r, 'bin/a', 'nonamespace', Buffer.from('1')), (e) => isRootfsError(e, 'ERR_ROOTFS_BAD_XATTR') && e.message.includes('nonamespace'));
    const path = process.env.PATH;
    process.env.PATH = tempDirRemovedAtExit('hookd-empty-path-');
    try {
      await assert.rejects(setXattr(r, 'bin/a', 'user.x', Buffer.from('1')), (e) => isRootfsError(e, 'ERR_ROOTFS_TOOL_MISSING') && /setfattr/.test(e.message) && /"attr"/.test(e.message));
    } finally {
      process.env.PATH = path;
    }
  });
  assert.deepEqual(xattrsOf(join(root, 'bin/a')), {});
});
