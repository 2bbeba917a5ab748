// Where the daemon bundle's code cache may live (src/cli/code-cache-dir.ts): never in a folder that
// another user can write into or swap out, and nothing is created below one. The ownership cases
// chown to nobody (65534), so they need root; CI runs as root.

import assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkCodeCacheDir, chooseCodeCacheDir, ROOT_CODE_CACHE_DIR } from '../../../src/cli/code-cache-dir.ts';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const needsRoot = isRoot ? {} : { skip: 'needs root to chown a folder to another user' };
const work = await mkdtemp(join(tmpdir(), 'hookd-cache-dir-'));
after(() => rm(work, { recursive: true, force: true }));

test('root uses /var/cache/hookd, another user its XDG cache or ~/.cache, and the environment overrides or turns it off', () => {
  assert.deepEqual(chooseCodeCacheDir({}, 0), { dir: ROOT_CODE_CACHE_DIR });
  assert.deepEqual(chooseCodeCacheDir({ HOME: '/home/ann', XDG_CACHE_HOME: '/home/ann/.xdg' }, 0), { dir: ROOT_CODE_CACHE_DIR }, 'root ignores a HOME or XDG_CACHE_HOME that sudo kept');
  assert.deepEqual(chooseCodeCacheDir({ XDG_CACHE_HOME: '/home/ann/.xdg' }, 1000), { dir: '/home/ann/.xdg/hookd' });
  assert.deepEqual(chooseCodeCacheDir({ HOOKD_CODE_CACHE_DIR: '/srv/cache' }, 0), { dir: '/srv/cache' });
  assert.match(chooseCodeCacheDir({ HOOKD_CODE_CACHE_DIR: 'relative/dir' }, 0).reason ?? '', /HOOKD_CODE_CACHE_DIR must be an absolute path, got "relative\/dir"/);
  assert.deepEqual(chooseCodeCacheDir({ HOOKD_CODE_CACHE: 'off', HOOKD_CODE_CACHE_DIR: '/srv/cache' }, 0), { reason: 'HOOKD_CODE_CACHE=off' });
});

test('a missing folder under safe folders is created with mode 0700, even below a sticky folder such as /tmp', async () => {
  const sticky = join(work, 'sticky');
  await mkdir(sticky);
  await chmod(sticky, 0o1777);
  const dir = join(sticky, 'a', 'cache');
  assert.match(checkCodeCacheDir(dir, { create: false }) ?? '', /does not exist yet/, 'a read creates nothing');
  assert.equal(checkCodeCacheDir(dir, { create: true }), undefined);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
});

test('a folder writable by other users is refused, and so is one writable by its group', async () => {
  const open = join(work, 'open');
  await mkdir(open);
  await chmod(open, 0o777);
  assert.match(checkCodeCacheDir(open, { create: true }) ?? '', /open is writable by every user \(mode 777\)/);
  const shared = join(work, 'shared');
  await mkdir(shared);
  await chmod(shared, 0o775);
  assert.match(checkCodeCacheDir(shared, { create: true }) ?? '', /shared is (writable by other users \(mode 775\)|writable by group \d+)/);
});

test('a folder owned by another user is refused, for reading and for writing', needsRoot, async () => {
  const dir = join(work, 'theirs');
  await mkdir(dir, { mode: 0o700 });
  await chown(dir, NOBODY, NOBODY);
  for (const create of [false, true]) assert.match(checkCodeCacheDir(dir, { create }) ?? '', /theirs is owned by uid 65534, neither root nor this process's user/);
});

test('nothing is created below a folder another user owns, however deep the missing part', needsRoot, async () => {
  const theirs = join(work, 'their-home');
  await mkdir(theirs, { mode: 0o755 });
  await chown(theirs, NOBODY, NOBODY);
  assert.match(checkCodeCacheDir(join(theirs, '.cache', 'hookd'), { create: true }) ?? '', /their-home is owned by uid 65534/);
  assert.deepEqual(await readdir(theirs), []);
});

test('a symlink is followed and its target checked: one into another user\'s folder is refused', needsRoot, async () => {
  const theirs = join(work, 'their-target');
  await mkdir(theirs, { mode: 0o700 });
  await chown(theirs, NOBODY, NOBODY);
  const link = join(work, 'link');
  await symlink(theirs, link);
  assert.match(checkCodeCacheDir(link, { create: true }) ?? '', /their-target is owned by uid 65534/);
});
