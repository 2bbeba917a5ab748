// docker save through hookd, read back by hookd's `docker load` and by a real (private) dockerd:
// a pulled image keeps its id and layers (its config and layer blobs byte for byte, in the OCI
// layout's blobs/ that manifest.json points into), an imported one keeps its content and config;
// two images in one archive; an unknown name is a 404 before anything is written.

import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { startPrivateDockerd } from '../fixtures/private-dockerd.ts';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from './daemon-process.ts';
import { registryMissingReason, startRegistry, type LocalRegistry } from './registry/local-registry.ts';
import { pushLayout, writeBusyboxRootfs, writeOciLayout } from './registry/oci-layout.ts';
import { hostPlatform } from '../../src/daemon/registry/manifest.ts';

const HOST_ARCH = hostPlatform().architecture;

let work: { dir: string; remove: () => Promise<void> };
let registry: LocalRegistry | undefined;
let daemon: DaemonProcess | undefined;
let skipReason: string | undefined;

before(async () => {
  skipReason = (await registryMissingReason()) ?? (await dockerCliMissingReason());
  if (skipReason) return;
  work = await makeWorkDir();
  const dir = work.dir;
  await writeBusyboxRootfs(join(dir, 'busybox'));
  await mkdir(join(dir, 'top'));
  await writeFile(join(dir, 'top', 'saved.txt'), 'saved and loaded\n');
  await writeOciLayout(join(dir, 'layout'), 'v1', [{ architecture: HOST_ARCH, layerDirs: [join(dir, 'busybox'), join(dir, 'top')], cmd: ['cat', '/saved.txt'] }]);
  registry = await startRegistry();
  await pushLayout(join(dir, 'layout'), 'v1', `${registry.host}/saveme:v1`);
  daemon = await DaemonProcess.start({ dir: join(dir, 'daemon') });
});

after(async () => {
  if (daemon) {
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true });
    await daemon.stop();
  }
  await registry?.stop();
  await work?.remove();
});

const inspect = async (cli: (args: string[]) => Promise<{ stdout: string }>, name: string): Promise<{ Id: string; RootFS: { Layers: string[] }; Config: { Cmd: string[] } }> =>
  JSON.parse((await cli(['image', 'inspect', name])).stdout)[0];

test('a pulled and an imported image saved in one archive load back into hookd with the same content; the pulled one keeps its id', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const pulledName = `${registry!.host}/saveme:v1`;
  assert.equal((await daemon!.cli(['pull', pulledName])).exitCode, 0);
  const rootfs = join(work.dir, 'import-root');
  await writeBusyboxRootfs(rootfs);
  await writeFile(join(rootfs, 'imported.txt'), 'imported\n');
  await execa('tar', ['-C', rootfs, '-cf', join(work.dir, 'import.tar'), '.']);
  assert.equal((await daemon!.cli(['import', '--change', 'CMD ["cat", "/imported.txt"]', join(work.dir, 'import.tar'), 'imported:1'])).exitCode, 0);
  const before = await inspect((args) => daemon!.cli(args), pulledName);
  const archive = join(work.dir, 'both.tar');
  const saved = await daemon!.cli(['save', '-o', archive, pulledName, 'imported:1']);
  assert.equal(saved.exitCode, 0, saved.stderr);
  assert.equal((await daemon!.cli(['rmi', pulledName, 'imported:1'])).exitCode, 0);
  const loaded = await daemon!.cli(['load', '-i', archive]);
  assert.equal(loaded.exitCode, 0, loaded.stderr);
  assert.match(loaded.stdout, /Loaded image: .*saveme:v1/);
  assert.match(loaded.stdout, /Loaded image: imported:1/);
  const after = await inspect((args) => daemon!.cli(args), pulledName);
  assert.equal(after.Id, before.Id, 'the config blob is saved byte for byte, so the id is the same');
  assert.equal(before.RootFS.Layers.length, 2);
  assert.equal((await daemon!.cli(['run', '--rm', pulledName])).stdout, 'saved and loaded');
  assert.equal((await daemon!.cli(['run', '--rm', 'imported:1'])).stdout, 'imported');
});

test('an unknown name is a 404 and writes nothing', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const missing = await daemon!.cli(['save', '-o', join(work.dir, 'none.tar'), 'nosuch:1']);
  assert.notEqual(missing.exitCode, 0);
  assert.match(missing.stderr, /No such image: nosuch:1/);
});

test('the archive loads into a real dockerd with the same image id and runs there', async (t) => {
  if (skipReason) return t.skip(skipReason);
  if (!(await which('dockerd'))) return t.skip('dockerd is not installed (Debian: apt-get install docker.io)');
  const pulledName = `${registry!.host}/saveme:v1`;
  // A fresh pull (the previous test left a loaded copy, which has no layer blobs to save as pulled).
  await daemon!.cli(['rmi', pulledName]);
  assert.equal((await daemon!.cli(['pull', pulledName])).exitCode, 0);
  const archive = join(work.dir, 'for-dockerd.tar');
  assert.equal((await daemon!.cli(['save', '-o', archive, pulledName])).exitCode, 0);
  const id = (await inspect((args) => daemon!.cli(args), pulledName)).Id;
  const dockerd = await startPrivateDockerd(join(work.dir, 'dockerd'));
  try {
    const real = (args: string[]) => execa('docker', ['-H', `unix://${dockerd.socket}`, ...args], { reject: false });
    const loaded = await real(['load', '-i', archive]);
    assert.equal(loaded.exitCode, 0, loaded.stderr);
    assert.equal((await inspect(real, pulledName)).Id, id);
    // The real daemon reads the layers: its diff_ids check passed, and the files are there.
    const ran = await real(['create', pulledName]);
    assert.equal(ran.exitCode, 0, ran.stderr);
    const copied = await real(['cp', `${ran.stdout.trim()}:/saved.txt`, '-']);
    assert.equal(copied.exitCode, 0, copied.stderr);
    assert.match(copied.stdout, /saved and loaded/);
  } finally {
    await dockerd.stop();
  }
});

async function which(command: string): Promise<string | undefined> {
  const found = await execa('sh', ['-c', `command -v ${command}`], { reject: false });
  return found.exitCode === 0 ? found.stdout.trim() : undefined;
}
