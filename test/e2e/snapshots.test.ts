// Container rootfs as overlayfs snapshots over the image's layers: the container writes
// to its own upper dir and the image never changes; rm unmounts; after a daemon SIGKILL and a
// "reboot" (the rootfs unmounted behind its back) the restart mounts recorded containers again
// and unmounts a rootfs mount no record owns.

import assert from 'node:assert/strict';
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from './daemon-process.ts';
import { layerDirsOf } from './image-layer-dirs.ts';

let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess | undefined;
let skipReason: string | undefined;

async function mounted(path: string): Promise<boolean> {
  const table = await readFile('/proc/self/mountinfo', 'utf8');
  return table.split('\n').some((line) => line.split(' ')[4] === path);
}

before(async () => {
  skipReason = await dockerCliMissingReason();
  if (skipReason) return;
  work = await makeWorkDir();
  const tarball = await buildBusyboxRootfsTarball(work.dir);
  if (!tarball) {
    skipReason = 'busybox-static is not installed';
    return;
  }
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'daemon') });
  const chosen = await daemon.waitForLog((line) => line.msg === 'container rootfs snapshotter', 0, 'the snapshotter choice');
  if (chosen.snapshotter !== 'overlayfs') {
    skipReason = `overlayfs is not usable here (${String(chosen.reason)})`;
    return;
  }
  const imported = await daemon.cli(['import', tarball, 'box:1']);
  assert.equal(imported.exitCode, 0, imported.stderr);
});

after(async () => {
  if (daemon?.exitInfo === undefined && daemon) {
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true });
    await daemon.stop();
  }
  await work?.remove();
});

test('a container\'s rootfs is an overlayfs mount; its writes never reach the image; rm unmounts it', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const id = (await daemon!.cli(['create', '--name', 'snap', 'box:1', 'sh', '-c', 'echo new > /bin/added && rm /bin/ls'])).stdout.trim();
  const inspect = JSON.parse((await daemon!.cli(['inspect', id])).stdout)[0];
  assert.equal(inspect.Driver, 'overlayfs');
  const rootfs = join(daemon!.dataRoot, 'containers', id, 'rootfs');
  assert.ok(await mounted(rootfs), `${rootfs} is a mount point`);
  const started = await daemon!.cli(['start', '-a', id]);
  assert.equal(started.exitCode, 0, started.stderr);
  const imageId = JSON.parse((await daemon!.cli(['image', 'inspect', 'box:1'])).stdout)[0].Id as string;
  const [imageTree] = await layerDirsOf(daemon!.dataRoot, imageId); // an import is one layer
  await access(join(imageTree!, 'bin', 'ls'));
  await assert.rejects(access(join(imageTree!, 'bin', 'added')));
  await access(join(daemon!.dataRoot, 'containers', id, 'overlay', 'upper', 'bin', 'added'));
  assert.equal((await daemon!.cli(['rm', id])).exitCode, 0);
  assert.equal(await mounted(rootfs), false);
});

test('after SIGKILL and a lost mount, the restart mounts recorded rootfs again and unmounts one no record owns', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const id = (await daemon!.cli(['create', '--name', 'survivor', 'box:1', 'cat', '/etc/passwd'])).stdout.trim();
  const rootfs = join(daemon!.dataRoot, 'containers', id, 'rootfs');
  daemon!.child!.kill('SIGKILL');
  await daemon!.exited;
  await execa('umount', [rootfs]); // what a reboot does
  // A mount left by a crash between mount and record: same layout, no record.
  const stray = join(daemon!.dataRoot, 'containers', 'f'.repeat(64));
  for (const sub of ['rootfs', 'overlay/upper', 'overlay/work', 'lower']) await mkdir(join(stray, sub), { recursive: true });
  await execa('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${stray}/lower,upperdir=${stray}/overlay/upper,workdir=${stray}/overlay/work`, join(stray, 'rootfs')]);
  await daemon!.spawn();
  await daemon!.listening();
  assert.ok(await mounted(rootfs), 'the recorded container\'s rootfs is mounted again');
  assert.equal(await mounted(join(stray, 'rootfs')), false, 'the stray mount is gone');
  const ran = await daemon!.cli(['start', '-a', id]);
  assert.equal(ran.exitCode, 0, ran.stderr);
  assert.match(ran.stdout, /root:x:0:0/);
});

test('docker system df reports the images, which containers use them, and the layers\' size', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const id = (await daemon!.cli(['create', 'box:1', 'true'])).stdout.trim();
  const df = JSON.parse((await daemon!.http('GET', '/system/df')).body) as { LayersSize: number; Images: Array<{ RepoTags: string[]; Containers: number; Size: number }>; Containers: Array<{ Id: string }> };
  const box = df.Images.find((image) => image.RepoTags.includes('box:1'));
  assert.ok(box && box.Size > 0 && box.Containers >= 1, JSON.stringify(df.Images));
  assert.ok(df.LayersSize >= box.Size);
  assert.ok(df.Containers.some((container) => container.Id === id));
  const cli = await daemon!.cli(['system', 'df']);
  assert.equal(cli.exitCode, 0, cli.stderr);
  assert.match(cli.stdout, /^Images\s+\d+\s+\d+/m);
});
