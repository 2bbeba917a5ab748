// Per-layer snapshots through the real docker CLI and a local registry: two images on the same
// two base layers unpack them once (one layer dir each, counted on disk) and containers of both
// run; a file deleted and a dir made opaque in an upper layer look right inside containers with
// overlayfs and with copy; a restart keeps everything; rmi of one image keeps the shared layers
// and the last rmi frees them; a daemon start sweeps what a crash-cut unpack left; and a data root
// written before per-layer snapshots (an image record pointing at a flattened tree) still runs its
// image and its container, also after a reboot unmounted it.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, stat, watch, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from './daemon-process.ts';
import { layerDirsOf } from './image-layer-dirs.ts';
import { registryMissingReason, startRegistry, type LocalRegistry } from './registry/local-registry.ts';
import { pushLayout, writeBusyboxRootfs, writeOciLayout } from './registry/oci-layout.ts';
import { hostPlatform } from '../../src/daemon/registry/manifest.ts';

const HOST_ARCH = hostPlatform().architecture;

let work: { dir: string; remove: () => Promise<void> };
let registry: LocalRegistry | undefined;
let overlay: DaemonProcess | undefined;
let copy: DaemonProcess | undefined;
let skipReason: string | undefined;
let overlaySkip: string | undefined;

const image = (name: string): string => `${registry!.host}/layers-${name}:v1`;

before(async () => {
  skipReason = (await registryMissingReason()) ?? (await dockerCliMissingReason());
  if (skipReason) return;
  work = await makeWorkDir();
  const dir = work.dir;
  await writeBusyboxRootfs(join(dir, 'busybox'));
  // The second shared layer: a dir with files an upper layer deletes or hides.
  await mkdir(join(dir, 'data', 'data', 'dir'), { recursive: true });
  for (const [path, text] of [['data/keep', 'keep'], ['data/gone', 'gone'], ['data/dir/old', 'old']] as const) await writeFile(join(dir, 'data', path), text);
  // Upper layer of "a": whiteout data/gone, opaque data/dir with a new file in it.
  await mkdir(join(dir, 'upper-a', 'data', 'dir'), { recursive: true });
  await writeFile(join(dir, 'upper-a', 'data', '.wh.gone'), '');
  await writeFile(join(dir, 'upper-a', 'data', 'dir', '.wh..wh..opq'), '');
  await writeFile(join(dir, 'upper-a', 'data', 'dir', 'new'), 'new');
  await mkdir(join(dir, 'upper-b'));
  await writeFile(join(dir, 'upper-b', 'b.txt'), 'b');
  // Image "c": a big third layer (5,000 files), so that its unpack is long enough to be cut.
  await mkdir(join(dir, 'many', 'many'), { recursive: true });
  for (let i = 0; i < 5000; i += 1) await writeFile(join(dir, 'many', 'many', `f${i}`), `file ${i}\n`);
  await writeOciLayout(join(dir, 'layout-c'), 'v1', [{ architecture: HOST_ARCH, layerDirs: [join(dir, 'busybox'), join(dir, 'data'), join(dir, 'many')] }]);
  for (const name of ['a', 'b']) {
    await writeOciLayout(join(dir, `layout-${name}`), 'v1', [{ architecture: HOST_ARCH, layerDirs: [join(dir, 'busybox'), join(dir, 'data'), join(dir, `upper-${name}`)] }]);
  }
  registry = await startRegistry();
  for (const name of ['a', 'b', 'c']) await pushLayout(join(dir, `layout-${name}`), 'v1', image(name));
  overlay = await DaemonProcess.start({ dir: join(dir, 'overlay') });
  const chosen = await overlay.waitForLog((line) => line.msg === 'container rootfs snapshotter', 0, 'the snapshotter choice');
  if (chosen.snapshotter !== 'overlayfs') overlaySkip = `overlayfs is not usable here (${String(chosen.reason)})`;
  copy = await DaemonProcess.start({ dir: join(dir, 'copy'), config: { snapshotter: 'copy' } });
});

after(async () => {
  for (const daemon of [overlay, copy]) {
    if (!daemon || daemon.exitInfo !== undefined) continue;
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true });
    await daemon.stop();
  }
  await registry?.stop();
  await work?.remove();
});

/** The numeric layer dirs of the daemon's layer store. */
async function layerDirs(daemon: DaemonProcess): Promise<string[]> {
  return (await readdir(join(daemon.dataRoot, 'images', 'layers'))).filter((entry) => /^\d+$/.test(entry)).sort();
}

async function imageId(daemon: DaemonProcess, name: string): Promise<string> {
  return (JSON.parse((await daemon.cli(['image', 'inspect', name])).stdout) as Array<{ Id: string }>)[0]!.Id;
}

async function run(daemon: DaemonProcess, name: string, script: string): Promise<string> {
  const ran = await daemon.cli(['run', '--rm', '--network', 'none', name, 'sh', '-c', script]);
  assert.equal(ran.exitCode, 0, ran.stderr);
  return ran.stdout.trim();
}

test('two images on the same base layers unpack them once, into one dir each, and containers of both run', async (t) => {
  if (skipReason) return t.skip(skipReason);
  for (const name of ['a', 'b']) assert.equal((await overlay!.cli(['pull', image(name)])).exitCode, 0);
  const [dirsA, dirsB] = [await layerDirsOf(overlay!.dataRoot, await imageId(overlay!, image('a'))), await layerDirsOf(overlay!.dataRoot, await imageId(overlay!, image('b')))];
  assert.equal(dirsA.length, 3);
  assert.deepEqual(dirsA.slice(0, 2), dirsB.slice(0, 2), 'the busybox and data layers are the same dirs');
  assert.notEqual(dirsA[2], dirsB[2]);
  assert.equal((await layerDirs(overlay!)).length, 4, '2 shared + 2 own layers on disk');
  const inspect = JSON.parse((await overlay!.cli(['image', 'inspect', image('a')])).stdout)[0] as { RootFS: { Layers: string[] } };
  assert.equal(inspect.RootFS.Layers.length, 3);
  assert.equal(await run(overlay!, image('b'), 'cat /b.txt /data/gone'), 'bgone');
  // docker system df counts each shared layer once: LayersSize = a + b - shared, plus the blobs.
  const df = await overlay!.docker().df() as { LayersSize: number; Images: Array<{ RepoTags: string[]; Size: number; SharedSize: number }> };
  const [a, b] = ['a', 'b'].map((name) => df.Images.find((entry) => entry.RepoTags.includes(image(name)))!);
  assert.ok(a!.SharedSize > 0 && a!.SharedSize === b!.SharedSize && a!.SharedSize < a!.Size, JSON.stringify(df.Images));
  const blobsDir = join(overlay!.dataRoot, 'content', 'blobs', 'sha256');
  let blobBytes = 0;
  for (const blob of await readdir(blobsDir)) blobBytes += (await stat(join(blobsDir, blob))).size;
  assert.equal(df.LayersSize, a!.Size + b!.Size - a!.SharedSize + blobBytes);
});

test('a whiteout and an opaque dir of an upper layer look right inside containers, with overlayfs and with copy', async (t) => {
  if (skipReason) return t.skip(skipReason);
  assert.equal((await copy!.cli(['pull', image('a')])).exitCode, 0);
  const daemons = overlaySkip ? [copy!] : [overlay!, copy!];
  if (overlaySkip) t.diagnostic(`overlayfs part skipped: ${overlaySkip}`);
  for (const daemon of daemons) {
    const seen = await run(daemon, image('a'), 'ls -A /data; echo --; ls -A /data/dir; echo --; cat /data/keep /data/dir/new');
    assert.equal(seen, 'dir\nkeep\n--\nnew\n--\nkeepnew', `as ${daemon === copy ? 'copy' : 'overlayfs'} shows it`);
  }
  const driver = JSON.parse((await copy!.cli(['image', 'inspect', image('a')])).stdout)[0].GraphDriver.Name as string;
  assert.equal(driver, 'copy');
});

test('a restart keeps images, layers and containers; rmi keeps shared layers until the last image goes', async (t) => {
  if (skipReason || overlaySkip) return t.skip(skipReason ?? overlaySkip);
  const before = await layerDirs(overlay!);
  const created = await overlay!.cli(['create', '--network', 'none', image('a'), 'cat', '/data/dir/new']);
  assert.equal(created.exitCode, 0, created.stderr);
  await overlay!.stop();
  await overlay!.spawn();
  await overlay!.listening();
  assert.deepEqual(await layerDirs(overlay!), before);
  const started = await overlay!.cli(['start', '-a', created.stdout.trim()]);
  assert.equal(started.exitCode, 0, started.stderr);
  assert.equal(started.stdout.trim(), 'new');
  assert.equal((await overlay!.cli(['rm', created.stdout.trim()])).exitCode, 0);
  const shared = (await layerDirsOf(overlay!.dataRoot, await imageId(overlay!, image('b')))).map((path) => path.split('/').at(-1)!);
  assert.equal((await overlay!.cli(['rmi', image('a')])).exitCode, 0);
  assert.deepEqual(await layerDirs(overlay!), [...shared].sort(), 'a\'s own layer is gone, b\'s three stay');
  assert.equal(await run(overlay!, image('b'), 'cat /b.txt'), 'b');
  assert.equal((await overlay!.cli(['rmi', image('b')])).exitCode, 0);
  assert.deepEqual(await layerDirs(overlay!), [], 'the last image gone, no layer is left');
});

test('docker load keeps the archive\'s layer list: RootFS.Layers, present layers reused, saved back with the same id', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const id = await imageId(copy!, image('a'));
  const layersOfA = (JSON.parse((await copy!.cli(['image', 'inspect', image('a')])).stdout)[0] as { RootFS: { Layers: string[] } }).RootFS.Layers;
  const archive = join(work.dir, 'a.tar');
  assert.equal((await copy!.cli(['save', '-o', archive, image('a')])).exitCode, 0);
  assert.equal((await copy!.cli(['pull', image('b')])).exitCode, 0);
  assert.equal((await copy!.cli(['rmi', image('a')])).exitCode, 0);
  assert.equal((await layerDirs(copy!)).length, 3, 'b\'s layers stay');
  const loaded = await copy!.cli(['load', '-i', archive]);
  assert.equal(loaded.exitCode, 0, loaded.stderr);
  assert.equal(await imageId(copy!, image('a')), id);
  const inspect = JSON.parse((await copy!.cli(['image', 'inspect', image('a')])).stdout)[0] as { RootFS: { Layers: string[] } };
  assert.deepEqual(inspect.RootFS.Layers, layersOfA);
  assert.equal((await layerDirs(copy!)).length, 4, 'the shared base layers are reused, only a\'s own is unpacked');
  assert.equal(await run(copy!, image('a'), 'ls -A /data; cat /data/dir/new'), 'dir\nkeep\nnew');
  const again = join(work.dir, 'a-again');
  await mkdir(again);
  assert.equal((await copy!.cli(['save', '-o', join(again, 'a.tar'), image('a')])).exitCode, 0);
  await execa('tar', ['-C', again, '-xf', join(again, 'a.tar'), 'manifest.json']);
  const manifest = JSON.parse(await readFile(join(again, 'manifest.json'), 'utf8')) as Array<{ Config: string; Layers: string[] }>;
  // The config file is named by its sha256, the image id (`<hex>.json` or `blobs/sha256/<hex>`).
  assert.equal(manifest[0]!.Config.replace(/\.json$/, '').split('/').at(-1), id.slice('sha256:'.length), 'saved back with the same id');
  assert.equal(manifest[0]!.Layers.length, 3);
});

test('an image with no layers (FROM scratch with nothing) gets an empty lower: a container of it is created, with overlayfs and with copy', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const dir = join(work.dir, 'scratch-archive');
  await mkdir(dir);
  const config = JSON.stringify({ architecture: HOST_ARCH, os: 'linux', config: { Cmd: ['/nothing'] }, rootfs: { type: 'layers', diff_ids: [] } });
  const hex = createHash('sha256').update(config).digest('hex');
  await writeFile(join(dir, `${hex}.json`), config);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify([{ Config: `${hex}.json`, RepoTags: ['scratch:1'], Layers: [] }]));
  await execa('tar', ['-C', dir, '-cf', join(work.dir, 'scratch.tar'), 'manifest.json', `${hex}.json`]);
  for (const daemon of overlaySkip ? [copy!] : [overlay!, copy!]) {
    const loaded = await daemon.cli(['load', '-i', join(work.dir, 'scratch.tar')]);
    assert.equal(loaded.exitCode, 0, loaded.stderr);
    const created = await daemon.cli(['create', '--network', 'none', 'scratch:1']);
    assert.equal(created.exitCode, 0, created.stderr);
    const rootfs = join(daemon.dataRoot, 'containers', created.stdout.trim(), 'rootfs');
    assert.ok((await readdir(rootfs)).every((entry) => !['bin', 'data'].includes(entry)), 'nothing of another image in it');
    if (daemon === overlay) assert.ok((await readFile('/proc/self/mountinfo', 'utf8')).split('\n').some((line) => line.split(' ')[4] === rootfs), 'an overlay mount over the empty lower');
    assert.equal((await daemon.cli(['rm', created.stdout.trim()])).exitCode, 0);
    assert.equal((await daemon.cli(['rmi', 'scratch:1'])).exitCode, 0);
  }
});

test('an image of 120 layers mounts: relative lowerdir names keep the options under one page', async (t) => {
  if (skipReason || overlaySkip) return t.skip(skipReason ?? overlaySkip);
  const dir = join(work.dir, 'deep-archive');
  const layers: string[] = [];
  const diffIds: string[] = [];
  const busyboxTar = join(dir, 'busybox', 'layer.tar');
  await mkdir(join(dir, 'busybox'), { recursive: true });
  await execa('tar', ['--numeric-owner', '-C', join(work.dir, 'busybox'), '-cf', busyboxTar, '.']);
  for (let n = 0; n < 120; n++) {
    const src = join(dir, `src-${n}`, 'deep');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, `layer-${n}`), `${n}`);
    await mkdir(join(dir, `l${n}`));
    await execa('tar', ['--numeric-owner', '-C', join(dir, `src-${n}`), '-cf', join(dir, `l${n}`, 'layer.tar'), '.']);
  }
  for (const path of [busyboxTar, ...Array.from({ length: 120 }, (_, n) => join(dir, `l${n}`, 'layer.tar'))]) {
    layers.push(path.slice(dir.length + 1));
    diffIds.push(`sha256:${createHash('sha256').update(await readFile(path)).digest('hex')}`);
  }
  const config = JSON.stringify({ architecture: HOST_ARCH, os: 'linux', config: { Env: ['PATH=/bin'] }, rootfs: { type: 'layers', diff_ids: diffIds } });
  const hex = createHash('sha256').update(config).digest('hex');
  await writeFile(join(dir, `${hex}.json`), config);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify([{ Config: `${hex}.json`, RepoTags: ['deep:1'], Layers: layers }]));
  await execa('tar', ['-C', dir, '-cf', join(work.dir, 'deep.tar'), 'manifest.json', `${hex}.json`, ...layers]);
  const loaded = await overlay!.cli(['load', '-i', join(work.dir, 'deep.tar')]);
  assert.equal(loaded.exitCode, 0, loaded.stderr);
  assert.equal(await run(overlay!, 'deep:1', 'ls /deep | wc -l; cat /deep/layer-0 /deep/layer-119'), '120\n0119');
  assert.equal((await overlay!.cli(['rmi', 'deep:1'])).exitCode, 0);
});

test('a daemon killed while it unpacks a layer starts clean: the half layer is swept, nothing half is trusted, a re-pull works', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const layers = join(copy!.dataRoot, 'images', 'layers');
  const kept = await layerDirs(copy!);
  // Killed as soon as the unpack of c's own layer (the only one the store lacks) has begun.
  const stop = new AbortController();
  const unpacking = (async () => {
    for await (const event of watch(layers, { signal: stop.signal })) if (event.filename?.startsWith('tmp-')) return;
  })().catch((error: unknown) => { if ((error as Error).name !== 'AbortError') throw error; });
  const pulling = copy!.cli(['pull', image('c')]);
  await unpacking;
  copy!.child!.kill('SIGKILL');
  stop.abort();
  await copy!.exited;
  assert.notEqual((await pulling).exitCode, 0, 'the pull was cut short');
  assert.ok((await readdir(layers)).some((entry) => entry.startsWith('tmp-')), 'the kill left a half-unpacked layer');
  await copy!.spawn();
  await copy!.listening();
  assert.deepEqual((await readdir(layers)).filter((entry) => entry.startsWith('tmp-')), [], 'swept at start');
  assert.deepEqual(await layerDirs(copy!), kept, 'no layer of the cut pull is trusted');
  assert.notEqual((await copy!.cli(['image', 'inspect', image('c')])).exitCode, 0);
  assert.equal((await copy!.cli(['pull', image('c')])).exitCode, 0);
  assert.equal(await run(copy!, image('c'), 'ls /many | wc -l; cat /many/f4999'), '5000\nfile 4999');
  assert.equal((await copy!.cli(['rmi', image('c')])).exitCode, 0);
});

test('a daemon start sweeps a crash-cut unpack (a tmp dir, a layer dir without its record)', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const kept = await layerDirs(copy!);
  copy!.child!.kill('SIGKILL');
  await copy!.exited;
  const layers = join(copy!.dataRoot, 'images', 'layers');
  await mkdir(join(layers, 'tmp-cut', 'bin'), { recursive: true });
  await writeFile(join(layers, 'tmp-cut', 'bin', 'half'), 'half a layer');
  await mkdir(join(layers, '999', 'etc'), { recursive: true }); // renamed, record never written
  await copy!.spawn();
  await copy!.listening();
  assert.deepEqual(await layerDirs(copy!), kept);
  assert.ok(!(await readdir(layers)).includes('tmp-cut'));
  assert.equal(await run(copy!, image('a'), 'cat /data/keep'), 'keep');
});

test('a data root from before per-layer snapshots: its image (one flattened tree) and its container still run, also after a reboot', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const daemon = overlaySkip ? copy! : overlay!;
  await daemon.stop();
  // An image record as the store wrote it before: rootfsDir = images/<hex>/rootfs, no chainIds.
  const hex = 'c0ffee'.repeat(10) + 'c0ff';
  const tree = join(daemon.dataRoot, 'images', hex, 'rootfs');
  await mkdir(tree, { recursive: true });
  await cp(join(work.dir, 'busybox'), tree, { recursive: true, verbatimSymlinks: true });
  await writeFile(join(tree, 'legacy.txt'), 'from before');
  const record = {
    Id: `sha256:${hex}`, RepoTags: ['legacy:1'], Created: '2024-01-01T00:00:00Z', Size: 1, Architecture: HOST_ARCH, Os: 'linux', Comment: '',
    Config: { Env: ['PATH=/bin'], Cmd: ['/bin/sh'] }, rootfsDir: tree,
  };
  await writeFile(join(daemon.dataRoot, 'images', 'records', `${hex}.json`), JSON.stringify(record));
  await daemon.spawn();
  await daemon.listening();
  assert.equal(await run(daemon, 'legacy:1', 'cat /legacy.txt'), 'from before');
  const created = await daemon.cli(['create', '--network', 'none', 'legacy:1', 'cat', '/legacy.txt']);
  assert.equal(created.exitCode, 0, created.stderr);
  const id = created.stdout.trim();
  daemon.child!.kill('SIGKILL');
  await daemon.exited;
  const rootfs = join(daemon.dataRoot, 'containers', id, 'rootfs');
  if (!overlaySkip) await execa('umount', [rootfs]); // what a reboot does
  await daemon.spawn();
  await daemon.listening();
  const started = await daemon.cli(['start', '-a', id]);
  assert.equal(started.exitCode, 0, started.stderr);
  assert.equal(started.stdout.trim(), 'from before');
  assert.equal(await readFile(join(tree, 'legacy.txt'), 'utf8'), 'from before', 'the legacy tree is still the image\'s');
  assert.equal((await daemon.cli(['rm', id])).exitCode, 0);
  assert.equal((await daemon.cli(['rmi', 'legacy:1'])).exitCode, 0);
  await assert.rejects(readFile(join(tree, 'legacy.txt')), 'rmi removes the legacy tree');
});
