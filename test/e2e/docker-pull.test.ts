// docker pull through hookd from Debian's docker-registry on 127.0.0.1, populated by skopeo from
// images built here: OCI and Docker schema 2 manifests, gzip and zstd layers, a multi-platform
// index, pull by digest, a re-pull that downloads nothing, two concurrent pulls that download each
// blob once, and a container that runs from the pulled image.

import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from './daemon-process.ts';
import { registryMissingReason, startRegistry, type LocalRegistry } from './registry/local-registry.ts';
import { pushLayout, writeBusyboxRootfs, writeOciLayout } from './registry/oci-layout.ts';
import { hostPlatform } from '../../src/daemon/registry/manifest.ts';

const HOST_ARCH = hostPlatform().architecture;
const OTHER_ARCH = HOST_ARCH === 'amd64' ? 'arm64' : 'amd64';

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
  for (const arch of [HOST_ARCH, OTHER_ARCH]) {
    await mkdir(join(dir, `hello-${arch}`));
    await writeFile(join(dir, `hello-${arch}`, 'hello.txt'), `hello from ${arch}\n`);
  }
  await writeOciLayout(join(dir, 'gzip'), 'v1', [{ architecture: HOST_ARCH, layerDirs: [join(dir, 'busybox'), join(dir, `hello-${HOST_ARCH}`)] }]);
  await writeOciLayout(join(dir, 'zstd'), 'v1', [{ architecture: HOST_ARCH, layerDirs: [join(dir, 'busybox'), join(dir, `hello-${HOST_ARCH}`)] }], 'zstd');
  await writeOciLayout(join(dir, 'multi'), 'v1', [
    { architecture: OTHER_ARCH, layerDirs: [join(dir, `hello-${OTHER_ARCH}`)] },
    { architecture: HOST_ARCH, layerDirs: [join(dir, 'busybox'), join(dir, `hello-${HOST_ARCH}`)] },
  ]);
  registry = await startRegistry();
  await pushLayout(join(dir, 'gzip'), 'v1', `${registry.host}/app:oci`);
  await pushLayout(join(dir, 'gzip'), 'v1', `${registry.host}/app-v2:v2s2`, ['--format', 'v2s2']);
  await pushLayout(join(dir, 'gzip'), 'v1', `${registry.host}/app-again:oci`);
  await pushLayout(join(dir, 'zstd'), 'v1', `${registry.host}/app-zstd:v1`);
  await pushLayout(join(dir, 'multi'), 'v1', `${registry.host}/multi:v1`, ['--all']);
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

function blobGets(from: number): string[] {
  return registry!.requests().slice(from).filter((line) => line.startsWith('GET ') && line.includes('/blobs/'));
}

test('docker pull fetches an OCI image with per-layer progress, and a container runs from it', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const image = `${registry!.host}/app:oci`;
  const pulled = await daemon!.cli(['pull', image]);
  assert.equal(pulled.exitCode, 0, pulled.stderr);
  assert.match(pulled.stdout, /Pull complete/);
  assert.match(pulled.stdout, /Digest: sha256:[0-9a-f]{64}/);
  assert.match(pulled.stdout, new RegExp(`Downloaded newer image for ${image.replace(/[.]/g, '\\.')}`));
  const inspect = JSON.parse((await daemon!.cli(['image', 'inspect', image])).stdout)[0];
  assert.equal(inspect.RootFS.Layers.length, 2);
  assert.match(inspect.RepoDigests[0], new RegExp(`^${registry!.host}/app@sha256:`));
  const ran = await daemon!.cli(['run', '--rm', image, 'cat', '/hello.txt']);
  assert.equal(ran.exitCode, 0, ran.stderr);
  assert.equal(ran.stdout.trim(), `hello from ${HOST_ARCH}`);
});

test('a second pull of a present image downloads no blob and says it is up to date', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const image = `${registry!.host}/app:oci`;
  await daemon!.cli(['pull', image]);
  const from = registry!.requests().length;
  const again = await daemon!.cli(['pull', image]);
  assert.equal(again.exitCode, 0, again.stderr);
  assert.match(again.stdout, /Image is up to date/);
  assert.deepEqual(blobGets(from), []);
});

test('Docker schema 2 and zstd-compressed OCI images pull and unpack', async (t) => {
  if (skipReason) return t.skip(skipReason);
  for (const image of [`${registry!.host}/app-v2:v2s2`, `${registry!.host}/app-zstd:v1`]) {
    const pulled = await daemon!.cli(['pull', image]);
    assert.equal(pulled.exitCode, 0, `${image}: ${pulled.stderr}`);
    const ran = await daemon!.cli(['run', '--rm', image, 'cat', '/hello.txt']);
    assert.equal(ran.stdout.trim(), `hello from ${HOST_ARCH}`, `${image}: ${ran.stderr}`);
  }
});

test('a multi-platform index pulls the manifest of this machine\'s platform', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const image = `${registry!.host}/multi:v1`;
  const pulled = await daemon!.cli(['pull', image]);
  assert.equal(pulled.exitCode, 0, pulled.stderr);
  const inspect = JSON.parse((await daemon!.cli(['image', 'inspect', image])).stdout)[0];
  assert.equal(inspect.Architecture, HOST_ARCH);
  assert.equal(inspect.Config.Labels['org.hookd.test'], HOST_ARCH);
});

test('docker pull --platform picks that platform from an index, and names the platform when it is absent', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const image = `${registry!.host}/multi:v1`;
  const pulled = await daemon!.cli(['pull', '--platform', `linux/${OTHER_ARCH}`, image]);
  assert.equal(pulled.exitCode, 0, pulled.stderr);
  const inspect = JSON.parse((await daemon!.cli(['image', 'inspect', image])).stdout)[0];
  assert.equal(inspect.Architecture, OTHER_ARCH);
  assert.equal(inspect.Config.Labels['org.hookd.test'], OTHER_ARCH);
  const absent = await daemon!.cli(['pull', '--platform', 'linux/s390x', image]);
  assert.notEqual(absent.exitCode, 0);
  assert.match(absent.stderr, /no manifest for linux\/s390x \(it offers linux\/\w+, linux\/\w+\)/);
  const single = await daemon!.cli(['pull', '--platform', `linux/${OTHER_ARCH}`, `${registry!.host}/app:oci`]);
  assert.notEqual(single.exitCode, 0);
  assert.match(single.stderr, new RegExp(`is for linux/${HOST_ARCH}, not the requested platform linux/${OTHER_ARCH}`));
  const bad = await daemon!.cli(['pull', '--platform', 'linux/arm64/v8/extra', image]);
  assert.notEqual(bad.exitCode, 0);
  // The host platform again: the tag moves back to this machine's image.
  assert.equal((await daemon!.cli(['pull', image])).exitCode, 0);
  assert.equal(JSON.parse((await daemon!.cli(['image', 'inspect', image])).stdout)[0].Architecture, HOST_ARCH);
});

test('docker pull name@sha256:... pulls exactly that manifest and records the digest', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const tagged = `${registry!.host}/app:oci`;
  await daemon!.cli(['pull', tagged]);
  const digest = JSON.parse((await daemon!.cli(['image', 'inspect', tagged])).stdout)[0].RepoDigests[0] as string;
  const removed = await daemon!.cli(['rmi', tagged]);
  assert.equal(removed.exitCode, 0, removed.stderr);
  const pulled = await daemon!.cli(['pull', digest]);
  assert.equal(pulled.exitCode, 0, pulled.stderr);
  const inspect = JSON.parse((await daemon!.cli(['image', 'inspect', digest])).stdout)[0];
  // Other tags of the same config (same image id) stay; the removed one does not come back.
  assert.ok(!inspect.RepoTags.includes(tagged), inspect.RepoTags);
  assert.ok(inspect.RepoDigests.includes(digest));
  const wrong = await daemon!.cli(['pull', `${registry!.host}/app@sha256:${'0'.repeat(64)}`]);
  assert.notEqual(wrong.exitCode, 0);
  assert.match(wrong.stderr, /not found/);
});

test('two concurrent pulls of one new image download each blob once (dockerode)', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const docker = daemon!.docker();
  const image = `${registry!.host}/app-again:oci`;
  const from = registry!.requests().length;
  const pullOnce = async (): Promise<unknown[]> => {
    const stream = await docker.pull(image);
    return new Promise((resolve, reject) => docker.modem.followProgress(stream, (error, output) => (error ? reject(error) : resolve(output ?? []))));
  };
  const [first, second] = await Promise.all([pullOnce(), pullOnce()]);
  for (const output of [first, second]) assert.ok(!output.some((line) => (line as { error?: string }).error), JSON.stringify(output));
  const gets = blobGets(from);
  assert.equal(new Set(gets).size, gets.length, `a blob was fetched twice: ${gets.join(', ')}`);
  const contentIngest = await readdir(join(daemon!.dataRoot, 'content', 'ingest'));
  assert.deepEqual(contentIngest, []);
});

test('a pull of a missing repository fails with 404 before any progress', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const response = await daemon!.http('POST', `/images/create?fromImage=${encodeURIComponent(`${registry!.host}/nope`)}&tag=v1`);
  assert.equal(response.status, 404);
  assert.match(response.body, /not found/);
});
