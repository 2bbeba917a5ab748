// docker save's OCI image layout (oci-layout, index.json, blobs/sha256), as Docker 25+ writes it
// beside manifest.json, read by skopeo (which checks every blob it copies against its digest), by
// a private containerd (`ctr images import`, which names images by the index annotations), by
// hookd's `docker load` and by a private dockerd: a pulled image keeps its registry manifest (OCI
// or Docker schema 2; the manifest digest is the RepoDigest); a zstd one too, with manifest.json
// naming its layers decompressed; an imported or loaded image gets an OCI manifest written for it;
// one asked for by id has an index entry without names.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { startPrivateDockerd } from '../fixtures/private-dockerd.ts';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from './daemon-process.ts';
import { registryMissingReason, startRegistry, type LocalRegistry } from './registry/local-registry.ts';
import { pushLayout, writeBusyboxRootfs, writeOciLayout } from './registry/oci-layout.ts';
import { hostPlatform } from '../../src/daemon/registry/manifest.ts';

const HOST_ARCH = hostPlatform().architecture;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

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
  await writeFile(join(dir, 'top', 'saved.txt'), 'saved as oci\n');
  const image = { architecture: HOST_ARCH, layerDirs: [join(dir, 'busybox'), join(dir, 'top')], cmd: ['cat', '/saved.txt'] };
  await writeOciLayout(join(dir, 'gzip'), 'v1', [image]);
  await writeOciLayout(join(dir, 'zstd'), 'v1', [{ ...image, labels: { 'org.hookd.test': 'zstd' } }], 'zstd'); // its own config, so its own id
  await writeOciLayout(join(dir, 'v2s2'), 'v1', [{ ...image, labels: { 'org.hookd.test': 'v2s2' } }]);
  registry = await startRegistry();
  await pushLayout(join(dir, 'gzip'), 'v1', `${registry.host}/oci-gzip:v1`);
  await pushLayout(join(dir, 'zstd'), 'v1', `${registry.host}/oci-zstd:v1`);
  await pushLayout(join(dir, 'v2s2'), 'v1', `${registry.host}/oci-v2s2:v1`, ['--format', 'v2s2']);
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

interface IndexEntry { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Unpacks the archive and checks the layout's own invariants: every blob hashes to its name, every path manifest.json gives is a blob. */
/** A containerd of the test's own (root, state and socket under `dir`, no CRI plugin); stop() ends it. */
async function startPrivateContainerd(dir: string): Promise<{ socket: string; stop: () => Promise<void> }> {
  await mkdir(dir, { recursive: true });
  const socket = join(dir, 'containerd.sock');
  const config = join(dir, 'config.toml');
  await writeFile(config, [
    'version = 2', `root = "${join(dir, 'root')}"`, `state = "${join(dir, 'state')}"`, 'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]', `  address = "${socket}"`, '[ttrpc]', `  address = "${join(dir, 'ttrpc.sock')}"`, '[debug]', '  address = ""',
  ].join('\n'));
  const child = execa('containerd', ['--config', config], { reject: false, stdout: 'ignore', stderr: 'pipe', buffer: false });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('containerd successfully booted')) resolve();
    });
    void child.then((result) => reject(new Error(`private containerd exited (${result.exitCode}): ${log.slice(-2000)}`)));
  });
  return {
    socket,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

async function readArchive(archive: string): Promise<{ dir: string; index: IndexEntry[]; manifest: Array<{ Config: string; RepoTags: string[]; Layers: string[] }> }> {
  const dir = `${archive}.d`;
  await mkdir(dir);
  await execa('tar', ['-C', dir, '-xf', archive]);
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
  for (const hex of await readdir(join(dir, 'blobs', 'sha256'))) assert.equal(sha256(await readFile(join(dir, 'blobs', 'sha256', hex))), `sha256:${hex}`);
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { schemaVersion: number; mediaType: string; manifests: IndexEntry[] };
  assert.equal(index.schemaVersion, 2);
  assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
  for (const entry of manifest) for (const path of [entry.Config, ...entry.Layers]) assert.match(path, /^blobs\/sha256\/[0-9a-f]{64}$/);
  return { dir, index: index.manifests, manifest };
}

const skopeo = (args: string[]) => execa('skopeo', args, { reject: false });

const inspect = async (cli: (args: string[]) => Promise<{ stdout: string }>, name: string): Promise<{ Id: string; RepoDigests: string[]; RootFS: { Layers: string[] } }> =>
  JSON.parse((await cli(['image', 'inspect', name])).stdout)[0];

test('a pulled image saves with its registry manifest: the index names it as Docker does, skopeo inspects and copies it with digests checked', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const name = `${registry!.host}/oci-gzip:v1`;
  assert.equal((await daemon!.cli(['pull', name])).exitCode, 0);
  const pulled = await inspect((args) => daemon!.cli(args), name);
  const repoDigest = pulled.RepoDigests[0]!.split('@')[1]!;
  const archive = join(work.dir, 'gzip.tar');
  const saved = await daemon!.cli(['save', '-o', archive, name]);
  assert.equal(saved.exitCode, 0, saved.stderr);

  const { dir, index, manifest } = await readArchive(archive);
  assert.deepEqual(index, [{
    mediaType: OCI_MANIFEST, digest: repoDigest, size: (await readFile(join(dir, 'blobs', 'sha256', repoDigest.slice(7)))).length,
    annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': 'v1' },
  }]);
  const ociManifest = JSON.parse(await readFile(join(dir, 'blobs', 'sha256', repoDigest.slice(7)), 'utf8')) as { config: { digest: string }; layers: Array<{ digest: string }> };
  assert.equal(ociManifest.config.digest, pulled.Id, 'the config blob is the image id');
  assert.deepEqual(manifest, [{ Config: `blobs/sha256/${pulled.Id.slice(7)}`, RepoTags: [name], Layers: ociManifest.layers.map((layer) => `blobs/sha256/${layer.digest.slice(7)}`) }]);

  const inspected = await skopeo(['inspect', `oci-archive:${archive}`]);
  assert.equal(inspected.exitCode, 0, inspected.stderr);
  assert.equal(JSON.parse(inspected.stdout).Digest, repoDigest);
  const copied = await skopeo(['copy', '--quiet', `oci-archive:${archive}`, `dir:${join(work.dir, 'gzip-dir')}`]);
  assert.equal(copied.exitCode, 0, copied.stderr);
  assert.equal(sha256(await readFile(join(work.dir, 'gzip-dir', 'manifest.json'))), repoDigest);
});

test('one image saved under two tags: one manifest.json entry with both, two index entries for the one manifest', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const name = `${registry!.host}/oci-gzip:v1`;
  assert.equal((await daemon!.cli(['tag', name, 'second:two'])).exitCode, 0);
  const archive = join(work.dir, 'two-tags.tar');
  assert.equal((await daemon!.cli(['save', '-o', archive, name, 'second:two'])).exitCode, 0);
  const { index, manifest } = await readArchive(archive);
  assert.deepEqual(manifest.map((entry) => entry.RepoTags), [[name, 'second:two']]);
  assert.deepEqual(index.map((entry) => entry.annotations), [
    { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': 'v1' },
    { 'io.containerd.image.name': 'docker.io/library/second:two', 'org.opencontainers.image.ref.name': 'two' },
  ]);
  assert.equal(index[0]!.digest, index[1]!.digest);
  const copied = await skopeo(['copy', '--quiet', `oci-archive:${archive}:two`, `dir:${join(work.dir, 'two-tags-dir')}`]);
  assert.equal(copied.exitCode, 0, copied.stderr);
  assert.equal((await daemon!.cli(['rmi', 'second:two'])).exitCode, 0);
});

test('a Docker schema 2 image saves with its registry manifest too: the index entry keeps its media type and digest, skopeo copies it', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const name = `${registry!.host}/oci-v2s2:v1`;
  assert.equal((await daemon!.cli(['pull', name])).exitCode, 0);
  const repoDigest = (await inspect((args) => daemon!.cli(args), name)).RepoDigests[0]!.split('@')[1]!;
  const archive = join(work.dir, 'v2s2.tar');
  assert.equal((await daemon!.cli(['save', '-o', archive, name])).exitCode, 0);
  const { index } = await readArchive(archive);
  assert.equal(index.length, 1);
  assert.equal(index[0]!.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.equal(index[0]!.digest, repoDigest);
  // skopeo 1.9 finds only OCI manifests by ref name; the archive's single image needs none.
  const copied = await skopeo(['copy', '--quiet', `oci-archive:${archive}`, `dir:${join(work.dir, 'v2s2-dir')}`]);
  assert.equal(copied.exitCode, 0, copied.stderr);
  assert.equal(sha256(await readFile(join(work.dir, 'v2s2-dir', 'manifest.json'))), repoDigest);
});

test('a zstd image and an imported one in one archive: skopeo copies each by its ref name, hookd loads both back', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const zstdName = `${registry!.host}/oci-zstd:v1`;
  assert.equal((await daemon!.cli(['pull', zstdName])).exitCode, 0);
  const rootfs = join(work.dir, 'import-root');
  await writeBusyboxRootfs(rootfs);
  await writeFile(join(rootfs, 'imported.txt'), 'imported\n');
  await execa('tar', ['-C', rootfs, '-cf', join(work.dir, 'import.tar'), '.']);
  assert.equal((await daemon!.cli(['import', '--change', 'CMD ["cat", "/imported.txt"]', join(work.dir, 'import.tar'), 'imported:1'])).exitCode, 0);
  const zstd = await inspect((args) => daemon!.cli(args), zstdName);
  const archive = join(work.dir, 'two.tar');
  const saved = await daemon!.cli(['save', '-o', archive, zstdName, 'imported:1']);
  assert.equal(saved.exitCode, 0, saved.stderr);

  const { dir, index, manifest } = await readArchive(archive);
  assert.deepEqual(index.map((entry) => entry.annotations), [
    { 'io.containerd.image.name': zstdName, 'org.opencontainers.image.ref.name': 'v1' },
    { 'io.containerd.image.name': 'docker.io/library/imported:1', 'org.opencontainers.image.ref.name': '1' },
  ]);
  assert.equal(index[0]!.digest, zstd.RepoDigests[0]!.split('@')[1]);
  // manifest.json names the zstd layers decompressed: each is the blob of its diff_id.
  assert.deepEqual(manifest[0]!.Layers, zstd.RootFS.Layers.map((diffId) => `blobs/sha256/${diffId.slice(7)}`));
  const zstdManifest = JSON.parse(await readFile(join(dir, 'blobs', 'sha256', index[0]!.digest.slice(7)), 'utf8')) as { layers: Array<{ mediaType: string }> };
  assert.ok(zstdManifest.layers.every((layer) => layer.mediaType === 'application/vnd.oci.image.layer.v1.tar+zstd'), 'the OCI manifest is the registry one, zstd layers and all');

  for (const ref of ['v1', '1']) {
    const copied = await skopeo(['copy', '--quiet', `oci-archive:${archive}:${ref}`, `dir:${join(work.dir, `two-${ref}`)}`]);
    assert.equal(copied.exitCode, 0, `${ref}: ${copied.stderr}`);
  }
  const importedManifest = JSON.parse(await readFile(join(work.dir, 'two-1', 'manifest.json'), 'utf8')) as { mediaType: string; layers: Array<{ mediaType: string }> };
  assert.equal(importedManifest.mediaType, OCI_MANIFEST);
  assert.deepEqual(importedManifest.layers.map((layer) => layer.mediaType), ['application/vnd.oci.image.layer.v1.tar']);

  assert.equal((await daemon!.cli(['rmi', zstdName, 'imported:1'])).exitCode, 0);
  const loaded = await daemon!.cli(['load', '-i', archive]);
  assert.equal(loaded.exitCode, 0, loaded.stderr);
  assert.equal((await inspect((args) => daemon!.cli(args), zstdName)).Id, zstd.Id);
  assert.equal((await daemon!.cli(['run', '--rm', zstdName])).stdout, 'saved as oci');
  assert.equal((await daemon!.cli(['run', '--rm', 'imported:1'])).stdout, 'imported');
});

test('images hookd loaded save again under their ids, with a manifest written for their layers that skopeo copies', async (t) => {
  if (skipReason) return t.skip(skipReason);
  // The previous test left the zstd image and imported:1 as loaded from its archive (no registry manifest).
  const zstdName = `${registry!.host}/oci-zstd:v1`;
  const ids = [(await inspect((args) => daemon!.cli(args), zstdName)).Id, (await inspect((args) => daemon!.cli(args), 'imported:1')).Id];
  const archive = join(work.dir, 'reloaded.tar');
  const saved = await daemon!.cli(['save', '-o', archive, zstdName, 'imported:1']);
  assert.equal(saved.exitCode, 0, saved.stderr);
  const { dir, index, manifest } = await readArchive(archive);
  assert.deepEqual(manifest.map((entry) => entry.Config), ids.map((id) => `blobs/sha256/${id.slice(7)}`), 'the config blobs are the images\' ids');
  for (const [i, entry] of index.entries()) {
    const written = JSON.parse(await readFile(join(dir, 'blobs', 'sha256', entry.digest.slice(7)), 'utf8')) as { mediaType: string; config: { digest: string }; layers: Array<{ mediaType: string }> };
    assert.equal(entry.mediaType, OCI_MANIFEST);
    assert.equal(written.mediaType, OCI_MANIFEST);
    assert.equal(written.config.digest, ids[i]);
    assert.ok(written.layers.every((layer) => layer.mediaType.startsWith('application/vnd.oci.image.layer.')), JSON.stringify(written.layers));
  }
  for (const ref of ['v1', '1']) {
    const copied = await skopeo(['copy', '--quiet', `oci-archive:${archive}:${ref}`, `dir:${join(work.dir, `reloaded-${ref}`)}`]);
    assert.equal(copied.exitCode, 0, `${ref}: ${copied.stderr}`);
  }
});

test('an image saved by id has one index entry without names and no RepoTags; saving it again gives the same bytes', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const name = `${registry!.host}/oci-gzip:v1`;
  const id = (await inspect((args) => daemon!.cli(args), name)).Id;
  const archive = join(work.dir, 'by-id.tar');
  assert.equal((await daemon!.cli(['save', '-o', archive, id])).exitCode, 0);
  const { index, manifest } = await readArchive(archive);
  assert.equal(index.length, 1);
  assert.equal(index[0]!.annotations, undefined);
  assert.deepEqual(manifest[0]!.RepoTags, []);
  assert.equal((await skopeo(['inspect', `oci-archive:${archive}`])).exitCode, 0);
  const again = join(work.dir, 'by-id-again.tar');
  assert.equal((await daemon!.cli(['save', '-o', again, id])).exitCode, 0);
  assert.equal(sha256(await readFile(again)), sha256(await readFile(archive)));
});

test('containerd imports the archive by its index names: the images it lists are the saved tags at the registry digests', async (t) => {
  if (skipReason) return t.skip(skipReason);
  if ((await execa('sh', ['-c', 'command -v containerd && command -v ctr'], { reject: false })).exitCode !== 0) return t.skip('containerd is not installed (Debian: apt-get install containerd)');
  const gzipName = `${registry!.host}/oci-gzip:v1`;
  const v2s2Name = `${registry!.host}/oci-v2s2:v1`;
  const digests = await Promise.all([gzipName, v2s2Name].map(async (name) => (await inspect((args) => daemon!.cli(args), name)).RepoDigests[0]!.split('@')[1]!));
  const archive = join(work.dir, 'for-containerd.tar');
  assert.equal((await daemon!.cli(['save', '-o', archive, gzipName, v2s2Name])).exitCode, 0);
  const containerd = await startPrivateContainerd(join(work.dir, 'containerd'));
  try {
    const ctr = (args: string[]) => execa('ctr', ['--address', containerd.socket, '--namespace', 'hookd-test', ...args], { reject: false });
    const imported = await ctr(['images', 'import', '--no-unpack', archive]);
    assert.equal(imported.exitCode, 0, imported.stderr);
    const listed = await ctr(['images', 'ls']);
    assert.equal(listed.exitCode, 0, listed.stderr);
    const rows = listed.stdout.split('\n').slice(1).filter(Boolean).map((line) => line.split(/\s+/));
    assert.deepEqual(rows.map(([ref, , digest]) => [ref, digest]).sort(), [[gzipName, digests[0]], [v2s2Name, digests[1]]].sort());
  } finally {
    await containerd.stop();
  }
});

test('a zstd image saved by hookd loads into a real dockerd with the same id and runs there', async (t) => {
  if (skipReason) return t.skip(skipReason);
  if ((await execa('sh', ['-c', 'command -v dockerd'], { reject: false })).exitCode !== 0) return t.skip('dockerd is not installed (Debian: apt-get install docker.io)');
  const name = `${registry!.host}/oci-zstd:v1`;
  await daemon!.cli(['rmi', name]); // a fresh pull: the loaded copy has no blobs to save as pulled
  assert.equal((await daemon!.cli(['pull', name])).exitCode, 0);
  const id = (await inspect((args) => daemon!.cli(args), name)).Id;
  const archive = join(work.dir, 'zstd-for-dockerd.tar');
  assert.equal((await daemon!.cli(['save', '-o', archive, name])).exitCode, 0);
  const dockerd = await startPrivateDockerd(join(work.dir, 'dockerd'));
  try {
    const real = (args: string[]) => execa('docker', ['-H', `unix://${dockerd.socket}`, ...args], { reject: false });
    const loaded = await real(['load', '-i', archive]);
    assert.equal(loaded.exitCode, 0, loaded.stderr);
    assert.equal((await inspect(real, name)).Id, id);
    const created = await real(['create', name]);
    assert.equal(created.exitCode, 0, created.stderr);
    const copied = await real(['cp', `${created.stdout.trim()}:/saved.txt`, '-']);
    assert.equal(copied.exitCode, 0, copied.stderr);
    assert.match(copied.stdout, /saved as oci/);
  } finally {
    await dockerd.stop();
  }
});
