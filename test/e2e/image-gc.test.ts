// Garbage collection of pulled content, through the real docker CLI: `docker rmi` frees the blobs
// only the removed image used (a layer another image shares stays), `docker image prune` (dangling,
// -a, label and until filters; images containers use are kept) removes images and their blobs,
// `docker system df` shrinks with them, and a daemon start removes what a crash left behind.

import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
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
  for (const name of ['one', 'two', 'three']) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, `${name}.txt`), `${name}\n`.repeat(10_000));
    // Each image: the shared busybox layer plus its own.
    await writeOciLayout(join(dir, `layout-${name}`), 'v1', [{ architecture: HOST_ARCH, layerDirs: [join(dir, 'busybox'), join(dir, name)], labels: { 'org.hookd.gc': name } }]);
  }
  registry = await startRegistry();
  for (const name of ['one', 'two', 'three']) await pushLayout(join(dir, `layout-${name}`), 'v1', `${registry.host}/gc-${name}:v1`);
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

const blobsDir = (): string => join(daemon!.dataRoot, 'content', 'blobs', 'sha256');
const storedBlobs = async (): Promise<Set<string>> => new Set((await readdir(blobsDir())).map((hex) => `sha256:${hex}`));

async function pull(name: string): Promise<{ image: string; blobs: string[] }> {
  const image = `${registry!.host}/gc-${name}:v1`;
  const pulled = await daemon!.cli(['pull', image]);
  assert.equal(pulled.exitCode, 0, pulled.stderr);
  const inspect = JSON.parse((await daemon!.cli(['image', 'inspect', image])).stdout)[0] as { Id: string; RepoDigests: string[] };
  // The image's blobs, from the manifest the registry serves: config, layers and the manifest itself.
  const digest = inspect.RepoDigests[0]!.split('@')[1]!;
  const manifest = await (await fetch(`http://${registry!.host}/v2/gc-${name}/manifests/${digest}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } })).json() as { config: { digest: string }; layers: Array<{ digest: string }> };
  return { image, blobs: [digest, manifest.config.digest, ...manifest.layers.map((layer) => layer.digest)] };
}

async function layersSize(): Promise<number> {
  return ((await daemon!.docker().df()) as { LayersSize: number }).LayersSize;
}

test('docker rmi frees the blobs only that image used; a layer another image shares stays, and that image still runs', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const one = await pull('one');
  const two = await pull('two');
  const shared = one.blobs[2]!; // the busybox layer, first in both
  assert.equal(shared, two.blobs[2]);
  for (const blob of [...one.blobs, ...two.blobs]) assert.ok((await storedBlobs()).has(blob), `${blob} stored after the pulls`);
  const sizeBefore = await layersSize();
  const removed = await daemon!.cli(['rmi', one.image]);
  assert.equal(removed.exitCode, 0, removed.stderr);
  const left = await storedBlobs();
  for (const blob of one.blobs.filter((digest) => digest !== shared)) assert.ok(!left.has(blob), `${blob} of the removed image is gone`);
  for (const blob of two.blobs) assert.ok(left.has(blob), `${blob} of the remaining image stays`);
  assert.ok(await layersSize() < sizeBefore, 'docker system df shrinks');
  const ran = await daemon!.cli(['run', '--rm', two.image, 'cat', '/two.txt']);
  assert.equal(ran.exitCode, 0, ran.stderr);
  await daemon!.cli(['rmi', two.image]);
  assert.deepEqual([...await storedBlobs()], [], 'the last image gone, no blob is left');
});

test('docker image prune: dangling only by default, -a takes unused images, filters select, in-use images stay', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const one = await pull('one');
  const two = await pull('two');
  const three = await pull('three');
  const container = await daemon!.cli(['create', three.image, 'true']);
  assert.equal(container.exitCode, 0, container.stderr);
  // Nothing is dangling: the default prune removes nothing.
  const dangling = await daemon!.cli(['image', 'prune', '-f']);
  assert.equal(dangling.exitCode, 0, dangling.stderr);
  assert.equal((await daemon!.docker().listImages()).length, 3);
  const bad = await daemon!.cli(['image', 'prune', '-a', '-f', '--filter', 'colour=blue']);
  assert.notEqual(bad.exitCode, 0);
  assert.match(bad.stderr, /invalid filter "colour"/);
  // label selects "one" only.
  const byLabel = await daemon!.cli(['image', 'prune', '-a', '-f', '--filter', 'label=org.hookd.gc=one']);
  assert.equal(byLabel.exitCode, 0, byLabel.stderr);
  assert.match(byLabel.stdout, new RegExp(`untagged: ${one.image.replace(/[.]/g, '\\.')}`));
  const tags = (await daemon!.docker().listImages()).flatMap((image) => image.RepoTags ?? []).sort();
  assert.deepEqual(tags, [three.image, two.image].sort());
  // until=1h: the images were created in 2024 (the config's date), so both qualify; "three" is in use.
  const all = await daemon!.cli(['image', 'prune', '-a', '-f', '--filter', 'until=1h']);
  assert.equal(all.exitCode, 0, all.stderr);
  assert.match(all.stdout, /Total reclaimed space: [1-9]/);
  const remaining = await daemon!.docker().listImages();
  assert.deepEqual(remaining.flatMap((image) => image.RepoTags ?? []), [three.image]);
  const left = await storedBlobs();
  assert.deepEqual([...left].sort(), [...three.blobs].sort(), 'only the in-use image\'s blobs are left');
  for (const blob of two.blobs.slice(1)) if (!three.blobs.includes(blob)) assert.ok(!left.has(blob));
});

test('a daemon start removes a partial download, an unreferenced blob and a half-unpacked tree; referenced blobs stay', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const kept = await storedBlobs();
  assert.ok(kept.size > 0, 'the previous test left an image');
  await daemon!.stop();
  const strayHex = 'ab'.repeat(32);
  await writeFile(join(blobsDir(), strayHex), 'a blob no image names');
  await writeFile(join(daemon!.dataRoot, 'content', 'ingest', 'partial'), 'half a layer');
  await mkdir(join(daemon!.dataRoot, 'images', 'tmp-crashed', 'rootfs', 'etc'), { recursive: true });
  await daemon!.spawn();
  await daemon!.listening();
  assert.deepEqual([...await storedBlobs()].sort(), [...kept].sort());
  assert.deepEqual(await readdir(join(daemon!.dataRoot, 'content', 'ingest')), []);
  assert.ok(!(await readdir(join(daemon!.dataRoot, 'images'))).includes('tmp-crashed'));
  const gc = daemon!.logs.find((line) => line.msg === 'image garbage collected');
  assert.equal(gc?.why, 'start');
});
