import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RootDir, withRootDir } from '../../../../src/daemon/rootfs/in-root.ts';
import { isRootfsError } from '../../../../src/daemon/rootfs/rootfs-errors.ts';

let dir: string;
let outside: string;
let n = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookd-in-root-'));
  outside = join(dir, 'host');
  await mkdir(outside);
  await writeFile(join(outside, 'secret'), 'host secret');
});
after(() => rm(dir, { recursive: true, force: true }));

/** A fresh root per test, so one test's links cannot help another. */
async function freshRoot(): Promise<string> {
  const root = join(dir, `root-${++n}`);
  await mkdir(join(root, 'etc'), { recursive: true });
  return root;
}

async function assertHostUntouched(): Promise<void> {
  assert.deepEqual((await readdir(outside)).sort(), ['secret']);
  assert.equal(await readFile(join(outside, 'secret'), 'utf8'), 'host secret');
}

test('a write through an absolute symlinked directory lands inside the root, not on the host', async () => {
  const root = await freshRoot();
  await symlink(outside, join(root, 'etc/profile.d'));
  await withRootDir(root, (r) => r.writeFileAtomic('/etc/profile.d/hookd-env.sh', 'export A=1\n', { createParents: true }));
  await assertHostUntouched();
  assert.equal(await readFile(join(root, outside, 'hookd-env.sh'), 'utf8'), 'export A=1\n');
  assert.equal((await stat(join(root, outside, 'hookd-env.sh'))).mode & 0o777, 0o644);
});

test('relative links with ".." stop at the root, as chroot would', async () => {
  const root = await freshRoot();
  const up = '../'.repeat(20);
  await symlink(`${up}${outside.slice(1)}`, join(root, 'etc/up'));
  await withRootDir(root, async (r) => {
    await r.writeFileAtomic('etc/up/new', 'x', { createParents: true });
    await r.writeFileAtomic('/../../etc/../../direct', 'y');
  });
  await assertHostUntouched();
  assert.equal(await readFile(join(root, outside, 'new'), 'utf8'), 'x');
  assert.equal(await readFile(join(root, 'direct'), 'utf8'), 'y');
});

test('a final symlink is followed inside the root for reads; an atomic write replaces the link itself', async () => {
  const root = await freshRoot();
  await symlink(join(outside, 'secret'), join(root, 'etc/leak'));
  await withRootDir(root, async (r) => {
    assert.equal(await r.readFileIfExists('/etc/leak'), undefined);
    await assert.rejects(r.readFile('/etc/leak'), (e) => isRootfsError(e, 'ERR_ROOTFS_NOT_FOUND') && e.message.includes('/etc/leak'));
    await r.writeFileAtomic(`${outside}/secret`, 'inside', { createParents: true });
    assert.equal((await r.readFile('/etc/leak')).toString(), 'inside');
    assert.equal(await r.readlink('/etc/leak'), join(outside, 'secret'));
    await r.writeFileAtomic('/etc/leak', 'mine');
  });
  await assertHostUntouched();
  assert.equal(await readFile(join(root, 'etc/leak'), 'utf8'), 'mine');
  assert.ok(!(await lstat(join(root, 'etc/leak'))).isSymbolicLink());
  assert.equal(await readFile(join(root, outside, 'secret'), 'utf8'), 'inside');
});

test('a hard link whose source path crosses an escaping link links the file inside the root, never the host file', async () => {
  const root = await freshRoot();
  await symlink(outside, join(root, 'hostdir'));
  await withRootDir(root, async (r) => {
    await assert.rejects(r.hardlink('/hostdir/secret', '/etc/stolen'), (e) => isRootfsError(e, 'ERR_ROOTFS_NOT_FOUND'));
    await r.writeFileAtomic(`${outside}/secret`, 'decoy', { createParents: true });
    await r.hardlink('/hostdir/secret', '/etc/stolen');
  });
  assert.equal(await readFile(join(root, 'etc/stolen'), 'utf8'), 'decoy');
  assert.equal((await stat(join(outside, 'secret'))).nlink, 1);
  await assertHostUntouched();
});

test('removeAll and removeChildren remove links, never what they point at', async () => {
  const root = await freshRoot();
  await mkdir(join(root, 'd/sub'), { recursive: true });
  await symlink(outside, join(root, 'd/sub/to-host'));
  await symlink(outside, join(root, 'link-to-host'));
  await withRootDir(root, async (r) => {
    await r.removeAll('/link-to-host/secret');
    await r.removeChildren('/d');
    await r.removeAll('/link-to-host');
    await r.removeAll('/never/was');
  });
  await assertHostUntouched();
  assert.deepEqual(await readdir(join(root, 'd')), []);
  await assert.rejects(lstat(join(root, 'link-to-host')), { code: 'ENOENT' });
});

test('chmod, chown and utimes act on a symlink itself, not on its target', async () => {
  const root = await freshRoot();
  await symlink(join(outside, 'secret'), join(root, 'etc/l'));
  const before = await stat(join(outside, 'secret'));
  await withRootDir(root, async (r) => {
    await r.chmod('/etc/l', 0o777);
    await r.chown('/etc/l', 1234, 1234);
    await r.utimes('/etc/l', new Date(0), new Date(0));
  });
  const afterwards = await stat(join(outside, 'secret'));
  assert.equal(afterwards.mode, before.mode);
  assert.equal(afterwards.uid, before.uid);
  assert.equal(afterwards.mtimeMs, before.mtimeMs);
});

test('readFile refuses a FIFO instead of hanging on it', async () => {
  const root = await freshRoot();
  await withRootDir(root, async (r) => {
    await r.mknod('/etc/pipe', 'fifo', 0o644);
    assert.ok((await r.lstat('/etc/pipe'))?.isFIFO());
    await assert.rejects(r.readFile('/etc/pipe'), (e) => isRootfsError(e, 'ERR_ROOTFS_NOT_A_FILE'));
  });
});

test('a symlink loop fails with ERR_ROOTFS_TOO_MANY_LINKS', async () => {
  const root = await freshRoot();
  await symlink('b', join(root, 'a'));
  await symlink('a', join(root, 'b'));
  await withRootDir(root, async (r) => {
    await assert.rejects(r.writeFileAtomic('/a/x', 'x'), (e) => isRootfsError(e, 'ERR_ROOTFS_TOO_MANY_LINKS'));
  });
});

test('createFile is exclusive and never follows a planted link; rename and mkdirAll stay inside', async () => {
  const root = await freshRoot();
  await symlink(join(outside, 'created'), join(root, 'etc/planted'));
  await withRootDir(root, async (r) => {
    await assert.rejects(r.createFile('/etc/planted'), (e) => isRootfsError(e) && e.errno === 'EEXIST');
    const handle = await r.createFile('/etc/new', { mode: 0o600 });
    await handle.writeFile('n');
    await handle.close();
    await r.mkdirAll(`/etc/planted-dir/a/b`);
    await r.rename('/etc/new', '/etc/planted-dir/a/b/new');
    assert.deepEqual(await r.readdir('/etc/planted-dir/a/b'), ['new']);
  });
  await assertHostUntouched();
  assert.equal((await stat(join(root, 'etc/planted-dir/a/b/new'))).mode & 0o777, 0o600);
});

test('a closed RootDir refuses further operations', async () => {
  const root = await RootDir.open(await freshRoot());
  await root.close();
  await assert.rejects(root.lstat('/etc'), (e) => isRootfsError(e, 'ERR_ROOTFS_CLOSED'));
});
