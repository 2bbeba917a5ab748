// Issue 13, attack 3 and its variants: `docker load` archives whose layers plant links to host
// files and directories, against the real daemon. Whatever the load answers, the host files keep
// their content and link count, no file of the daemon's data root shares an inode with them, and
// no error message shows their content.

import assert from 'node:assert/strict';
import { readdir, lstat, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from '../e2e/daemon-process.ts';
import { pathInImage } from '../e2e/image-layer-dirs.ts';
import { tarBytes, writeSaveArchive, type CraftedImage } from './fixtures/crafted-archive.ts';

const SECRET = 'HOST-SECRET-CONTENT: root:$6$salt$hash';

let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess | undefined;
let skipReason: string | undefined;
/** A host directory the archives aim at, with one file and one layer tarball in it. */
let hostDir: string;
let archiveCount = 0;

before(async () => {
  work = await makeWorkDir();
  skipReason = await dockerCliMissingReason();
  if (skipReason) return void console.log(`# skipping the docker load attacks: ${skipReason}`);
  hostDir = join(work.dir, 'host');
  await mkdir(hostDir);
  await writeFile(join(hostDir, 'secret'), SECRET);
  await writeFile(join(hostDir, 'keep'), 'keep');
  await writeFile(join(hostDir, 'host-layer.tar'), await tarBytes([{ name: 'from-host', file: 'read from the host' }]));
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'process' } });
});

after(async () => {
  if (daemon?.exitInfo === undefined) await daemon?.stop();
  await work?.remove();
});

async function hostState(): Promise<Record<string, { content: string; nlink: number }>> {
  const state: Record<string, { content: string; nlink: number }> = {};
  for (const name of (await readdir(hostDir)).sort()) {
    state[name] = { content: (await readFile(join(hostDir, name))).toString('latin1'), nlink: (await stat(join(hostDir, name))).nlink };
  }
  return state;
}

/** Every path under `dir` whose inode is one of the host files' (never descending into symlinks). */
async function sharedInodes(dir: string, inodes: Set<string>): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, entry);
    const stats = await lstat(path).catch(() => undefined);
    if (!stats) continue;
    if (inodes.has(`${stats.dev}:${stats.ino}`)) found.push(path);
    if (stats.isDirectory()) found.push(...(await sharedInodes(path, inodes)));
  }
  return found;
}

/** Loads the crafted image and checks the host side; returns the CLI result for more checks. */
async function loadAndCheck(image: CraftedImage): Promise<{ exitCode: number | undefined; output: string }> {
  const before = await hostState();
  const inodes = new Set<string>();
  for (const name of Object.keys(before)) {
    const stats = await stat(join(hostDir, name));
    inodes.add(`${stats.dev}:${stats.ino}`);
  }
  const archive = join(work.dir, `crafted-${++archiveCount}.tar`);
  await writeSaveArchive(archive, image);
  const result = await daemon!.cli(['load', '-i', archive]);
  const output = `${result.stdout}\n${result.stderr}`;
  assert.deepEqual(await hostState(), before, 'the host files keep their content and link count');
  assert.deepEqual(await sharedInodes(daemon!.dataRoot, inodes), [], 'no file in the data root is a hard link to a host file');
  assert.ok(!output.includes('HOST-SECRE'), `the answer shows no host content: ${output}`);
  return { exitCode: result.exitCode, output };
}

/** The host path of `path` as the image tagged `tag` shows it, from its layers on disk. */
async function pathIn(tag: string, path: string): Promise<string> {
  const image = await daemon!.docker().getImage(tag).inspect();
  const found = await pathInImage(daemon!.dataRoot, image.Id, path);
  assert.ok(found, `${path} is in the image ${tag}`);
  return found;
}

test('layer 1 links a dir to the host, layer 2 hard-links a host file through it: refused, no host file in the image', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const { exitCode, output } = await loadAndCheck({ tag: 'evil:hardlink', layers: [[{ name: 'hostdir', symlink: hostDir }], [{ name: 'stolen', hardlink: 'hostdir/secret' }]] });
  assert.notEqual(exitCode, 0, 'a hard link to a file the image does not have is a bad archive');
  assert.match(output, /stolen/);
});

test('the same with a relative ".." link climbing out of the rootfs', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const climb = `${'../'.repeat(30)}${hostDir.slice(1)}`;
  const { exitCode } = await loadAndCheck({ tag: 'evil:relative', layers: [[{ name: 'a/b/hostdir', symlink: climb }], [{ name: 'stolen', hardlink: 'a/b/hostdir/secret' }]] });
  assert.notEqual(exitCode, 0);
});

test('a hard link whose target name itself climbs with ".." resolves inside the image', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const { exitCode } = await loadAndCheck({ tag: 'evil:climbing-target', layers: [[{ name: 'stolen', hardlink: `${'../'.repeat(30)}${hostDir.slice(1)}/secret` }]] });
  assert.notEqual(exitCode, 0);
});

test('a hard link across layers to a file of a lower layer, through a link inside the image, works and stays inside', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const { exitCode, output } = await loadAndCheck({
    tag: 'fine:hardlink',
    layers: [[{ name: 'real/data', file: 'image data' }, { name: 'alias', symlink: '/real' }], [{ name: 'copy', hardlink: 'alias/data' }]],
  });
  assert.equal(exitCode, 0, output);
  assert.equal(await readFile(await pathIn('fine:hardlink', 'copy'), 'utf8'), 'image data');
  // Layers are separate dirs: the lower layer's file is copied up under the link's name (as overlayfs does).
  assert.notEqual(await pathIn('fine:hardlink', 'copy'), await pathIn('fine:hardlink', 'real/data'));
});

test('files, whiteouts and opaque markers written through a lower layer link to a host dir stay inside the image', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const { exitCode, output } = await loadAndCheck({
    tag: 'evil:through-link',
    layers: [
      [{ name: 'etc', symlink: hostDir }, { name: 'victim', symlink: hostDir }, { name: 'opaque', symlink: hostDir }],
      // Markers first: `opaque` leads to the same dir as `etc`, and a layer is applied in one pass in
      // member order, so an opaque marker after etc/planted would empty that dir again.
      [{ name: 'victim/.wh.keep', file: '' }, { name: 'opaque/.wh..wh..opq', file: '' }, { name: 'etc/planted', file: 'planted' }],
    ],
  });
  assert.equal(exitCode, 0, output);
  // Each layer is its own dir (as Docker's and containerd's): layer 2's etc is a directory of its
  // own, shown over layer 1's link, so the member is the image's /etc/planted.
  assert.equal(await readFile(await pathIn('evil:through-link', 'etc/planted'), 'utf8'), 'planted', 'the member landed inside the image');
});

test('an archive whose layer.tar is a symlink to a host tarball never reads it', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const { exitCode, output } = await loadAndCheck({
    tag: 'evil:layer-link', layers: [], layerNames: ['evil/layer.tar'],
    extra: [{ name: 'evil/layer.tar', symlink: join(hostDir, 'host-layer.tar') }],
  });
  assert.notEqual(exitCode, 0, output);
  assert.equal((await daemon!.docker().listImages()).some((image) => image.RepoTags?.includes('evil:layer-link')), false);
});

test('an archive whose config is a symlink to a host file does not show its content in the error', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const { exitCode } = await loadAndCheck({
    tag: 'evil:config-link', layers: [[{ name: 'x', file: 'x' }]], configName: 'evil.json',
    extra: [{ name: 'evil.json', symlink: join(hostDir, 'secret') }],
  });
  assert.notEqual(exitCode, 0);
});

test('docker import of a tarball with an escaping symlink, a member through it and an escaping hard link writes nothing outside', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const before = await hostState();
  const tarball = join(work.dir, 'import-escape.tar');
  await writeFile(tarball, await tarBytes([
    { name: 'esc', symlink: hostDir },
    { name: 'esc/planted', file: 'planted' },
    { name: 'hl', hardlink: `${'../'.repeat(20)}${hostDir.slice(1)}/secret` },
  ]));
  const result = await daemon.cli(['import', tarball, 'evil:import']);
  assert.notEqual(result.exitCode, 0, 'the hard link names a file the tarball does not have');
  assert.match(result.stderr, /"hl"/);
  assert.deepEqual(await hostState(), before);
  assert.equal((await daemon.docker().listImages()).some((image) => image.RepoTags?.includes('evil:import')), false);
});
