// image.postPull where Pouch calls it: after fetch and unpack, before the reference is stored.
// The example plugin examples/node-pull-policy admits images by label: an admitted pull stores
// its reference; a refused one ends the client's progress stream with the plugin's error, stores
// no reference, and keeps the content, so a retry downloads nothing.

import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir, REPO } from './daemon-process.ts';
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
  await writeBusyboxRootfs(join(work.dir, 'busybox'));
  await writeOciLayout(join(work.dir, 'team'), 'v1', [{ architecture: HOST_ARCH, layerDirs: [join(work.dir, 'busybox')], labels: { team: 'infra' } }]);
  await writeOciLayout(join(work.dir, 'orphan'), 'v1', [{ architecture: HOST_ARCH, layerDirs: [join(work.dir, 'busybox')], labels: {} }]);
  registry = await startRegistry();
  await pushLayout(join(work.dir, 'team'), 'v1', `${registry.host}/owned:v1`);
  await pushLayout(join(work.dir, 'orphan'), 'v1', `${registry.host}/unowned:v1`);
  const example = join(REPO, 'examples/node-pull-policy');
  daemon = await DaemonProcess.start({
    dir: join(work.dir, 'daemon'),
    manifests: {
      'pull-policy.json': {
        name: 'pull-policy', launch: { command: process.execPath, args: ['--import', 'tsx', join(example, 'src/main.ts')], cwd: example },
        startTimeoutMs: 30_000, config: { requiredLabels: ['team'], extraSnapshotters: [] },
      },
    },
  });
});

after(async () => {
  await daemon?.stop();
  await registry?.stop();
  await work?.remove();
});

test('an image the plugin admits is stored under its reference', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const image = `${registry!.host}/owned:v1`;
  const pulled = await daemon!.cli(['pull', image]);
  assert.equal(pulled.exitCode, 0, pulled.stderr);
  assert.equal((await daemon!.cli(['image', 'inspect', image])).exitCode, 0);
  await daemon!.waitForLog((line) => line.msg === 'image admitted' || JSON.stringify(line).includes('image admitted'), 0, 'the plugin\'s "image admitted" log');
});

test('a plugin failure fails the pull at the end of the stream; no reference, content kept, a retry downloads nothing', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const image = `${registry!.host}/unowned:v1`;
  const refused = await daemon!.cli(['pull', image]);
  assert.notEqual(refused.exitCode, 0);
  // The busybox layer is the admitted image's too: the layer store has it, so it is not unpacked again.
  assert.match(refused.stdout, /Pull complete|Already exists/, 'the layers were fetched and unpacked (or found) before the hook ran');
  assert.match(refused.stderr, /pull-policy.*lacks the required label\(s\) team/s);
  assert.notEqual((await daemon!.cli(['image', 'inspect', image])).exitCode, 0, 'the reference is not stored');
  const listed = await daemon!.docker().listImages();
  assert.ok(!listed.some((entry) => (entry.RepoTags ?? []).includes(image)));
  const blobs = await readdir(join(daemon!.dataRoot, 'content', 'blobs', 'sha256'));
  assert.ok(blobs.length >= 3, `manifest, config and layer blobs kept, found ${blobs.length}`);
  const from = registry!.requests().length;
  const again = await daemon!.cli(['pull', image]);
  assert.notEqual(again.exitCode, 0);
  assert.deepEqual(registry!.requests().slice(from).filter((line) => line.startsWith('GET ') && line.includes('/blobs/')), []);
});
