// The CRI ImageService of the real daemon (bin/hookd.js, runc), driven over its socket by a
// grpc-js client built from the vendored proto, pulling critest's stand-in images by their
// upstream names through the registry mirror config: ids, tags and digests as the kubelet reads
// them, the image's user, "not present" answers, removal of every name, ImageFsInfo, pull
// credentials from the request's AuthConfig, and image.postPull deciding a CRI pull.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { runcMissingReason } from '../e2e/daemon-per-runtime.ts';
import { DaemonProcess, makeWorkDir, REPO } from '../e2e/daemon-process.ts';
import { criClient, criSocketOf, type CriClient } from '../e2e/cri-client.ts';
import { startRegistry, type LocalRegistry } from '../e2e/registry/local-registry.ts';
import { pushLayout, writeBusyboxRootfs, writeOciLayout } from '../e2e/registry/oci-layout.ts';
import { standInsMissingReason, startStandInRegistry, type StandInRegistry } from './stand-in-registry.ts';
import { hostPlatform } from '../../src/daemon/registry/manifest.ts';

const GCR = 'gcr.io/k8s-staging-cri-tools';
const HOST_ARCH = hostPlatform().architecture;

let work: { dir: string; remove: () => Promise<void> } | undefined;
let standIns: StandInRegistry | undefined;
let daemon: DaemonProcess | undefined;
let client: CriClient | undefined;
let skipReason: string | undefined;

before(async () => {
  skipReason = (await runcMissingReason()) ?? (await standInsMissingReason());
  if (skipReason) return;
  work = await makeWorkDir();
  standIns = await startStandInRegistry();
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc', registries: standIns.registriesConfig } });
  client = criClient(criSocketOf(daemon.dataRoot));
});

after(async () => {
  client?.close();
  await daemon?.stop();
  await standIns?.stop();
  await work?.remove();
});

async function status(reference: string): Promise<Record<string, any> | null> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const answer = await client!.image.ImageStatus!({ image: { image: reference } });
  return answer.image ?? null;
}

describe('CRI ImageService', () => {
  test('PullImage by an upstream name answers the image id, and every name of the image finds the same image', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const reference = `${GCR}/test-image-tag:all`;
    const pulled = await client!.image.PullImage!({ image: { image: reference } });
    assert.match(pulled.image_ref, /^sha256:[0-9a-f]{64}$/);
    const byTag = await status(reference);
    assert.ok(byTag, 'ImageStatus by the pulled tag finds it');
    assert.equal(byTag.id, pulled.image_ref);
    assert.deepEqual(byTag.repo_tags, [reference]);
    assert.equal(byTag.repo_digests.length, 1);
    assert.match(byTag.repo_digests[0], new RegExp(`^${GCR}/test-image-tag@sha256:[0-9a-f]{64}$`));
    assert.ok(Number(byTag.size) > 0, `size ${byTag.size}`);
    assert.deepEqual(await status(byTag.id), byTag, 'by id');
    assert.deepEqual(await status(byTag.repo_digests[0]), byTag, 'by digest reference');
    const listed = await client!.image.ListImages!({});
    assert.ok(listed.images.some((image: { id: string }) => image.id === byTag.id));
    const filtered = await client!.image.ListImages!({ filter: { image: { image: reference } } });
    assert.deepEqual(filtered.images.map((image: { id: string }) => image.id), [byTag.id]);
    const verbose = await client!.image.ImageStatus!({ image: { image: reference }, verbose: true });
    assert.deepEqual(JSON.parse(verbose.info.info).imageSpec.config.Cmd, ['sh']);
  });

  test('the image user is split as the CRI wants it: a uid, or a user name, group ignored', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const expected: Array<[string, string | null, string]> = [
      ['test-image-user-uid', '1002', ''],
      ['test-image-user-username', null, 'www-data'],
      ['test-image-user-uid-group', '1003', ''],
      ['test-image-user-username-group', null, 'www-data'],
    ];
    for (const [name, uid, username] of expected) {
      const reference = `${GCR}/${name}:latest`;
      await client!.image.PullImage!({ image: { image: reference } });
      const image = await status(reference);
      assert.equal(image?.uid?.value ?? null, uid, `${name} uid`);
      assert.equal(image?.username, username, `${name} username`);
    }
  });

  test('an unknown image is "not present" for ImageStatus and ListImages, and RemoveImage of it succeeds', async (t) => {
    if (skipReason) return t.skip(skipReason);
    assert.equal(await status(`${GCR}/never-pulled:1`), null);
    assert.equal(await status(`sha256:${'0'.repeat(64)}`), null);
    assert.deepEqual((await client!.image.ListImages!({ filter: { image: { image: `${GCR}/never-pulled:1` } } })).images, []);
    await client!.image.RemoveImage!({ image: { image: `sha256:${'0'.repeat(64)}` } });
    await client!.image.RemoveImage!({ image: { image: `${GCR}/never-pulled:1` } });
  });

  test('RemoveImage by one of three tags removes the image with all its names', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const tags = ['1', '2', '3'].map((tag) => `${GCR}/test-image-tags:${tag}`);
    const ids = new Set<string>();
    for (const tag of tags) ids.add((await client!.image.PullImage!({ image: { image: tag } })).image_ref as string);
    assert.equal(ids.size, 1, 'three tags of one image are one image');
    const [id] = [...ids];
    assert.deepEqual([...(await status(id!))!.repo_tags].sort(), tags);
    await client!.image.RemoveImage!({ image: { image: tags[1] } });
    for (const name of [...tags, id!]) assert.equal(await status(name), null, `${name} is gone`);
  });

  test('simultaneous RemoveImage calls of one image all succeed', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const reference = `${GCR}/test-image-latest:latest`;
    const { image_ref: id } = await client!.image.PullImage!({ image: { image: reference } });
    await Promise.all([reference, id, reference, id].map((image) => client!.image.RemoveImage!({ image: { image } })));
    assert.equal(await status(reference), null);
  });

  test('one image from two registries is one image id with both names', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const first = await client!.image.PullImage!({ image: { image: 'registry.k8s.io/pause:3.9' } });
    const second = await client!.image.PullImage!({ image: { image: 'k8s.gcr.io/pause:3.9' } });
    assert.equal(first.image_ref, second.image_ref);
    assert.deepEqual([...(await status(first.image_ref))!.repo_tags].sort(), ['k8s.gcr.io/pause:3.9', 'registry.k8s.io/pause:3.9']);
  });

  test('a Docker Hub name is reported fully qualified', async (t) => {
    if (skipReason) return t.skip(skipReason);
    await client!.image.PullImage!({ image: { image: 'busybox' } });
    const image = await status('docker.io/library/busybox:latest');
    assert.deepEqual(image?.repo_tags, ['docker.io/library/busybox:latest']);
    assert.deepEqual(await status('busybox'), image);
  });

  test('ImageFsInfo reports the image store directory and what it uses', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const info = await client!.image.ImageFsInfo!({});
    assert.equal(info.image_filesystems.length, 1);
    const [usage] = info.image_filesystems;
    assert.equal(usage.fs_id.mountpoint, join(daemon!.dataRoot, 'images'));
    assert.ok(Number(usage.used_bytes.value) > 1_000_000, `used ${usage.used_bytes.value} bytes`);
    // The stand-in images share their layers (each unpacked once), so a few dozen inodes, not hundreds.
    assert.ok(Number(usage.inodes_used.value) > 20, `used ${usage.inodes_used.value} inodes`);
    assert.ok(Number(usage.timestamp) > 0);
  });

  test('bad requests are INVALID_ARGUMENT naming the field; a bad reference names it', async (t) => {
    if (skipReason) return t.skip(skipReason);
    await assert.rejects(client!.image.PullImage!({ image: { image: '' } }), (error: grpc.ServiceError) =>
      error.code === grpc.status.INVALID_ARGUMENT && /PullImage: image\.image is empty/.test(error.details));
    await assert.rejects(client!.image.ImageStatus!({}), (error: grpc.ServiceError) =>
      error.code === grpc.status.INVALID_ARGUMENT && /image\.image/.test(error.details));
    await assert.rejects(client!.image.PullImage!({ image: { image: 'UPPER/Case:1' } }), (error: grpc.ServiceError) =>
      error.code === grpc.status.INVALID_ARGUMENT && /UPPER\/Case:1/.test(error.details));
  });
});

describe('CRI PullImage credentials and image.postPull', () => {
  let guarded: LocalRegistry | undefined;
  let policed: DaemonProcess | undefined;
  let policedClient: CriClient | undefined;

  before(async () => {
    if (skipReason) return;
    await writeBusyboxRootfs(join(work!.dir, 'busybox'));
    await writeOciLayout(join(work!.dir, 'labelled'), 'v1', [{ architecture: HOST_ARCH, layerDirs: [join(work!.dir, 'busybox')], labels: { team: 'infra' } }]);
    await writeOciLayout(join(work!.dir, 'plain'), 'v1', [{ architecture: HOST_ARCH, layerDirs: [join(work!.dir, 'busybox')], labels: {} }]);
    guarded = await startRegistry({ kind: 'basic', username: 'kubelet', password: 's3cret' });
    const creds = ['--dest-creds', 'kubelet:s3cret'];
    await pushLayout(join(work!.dir, 'labelled'), 'v1', `${guarded.host}/team/app:v1`, creds);
    await pushLayout(join(work!.dir, 'plain'), 'v1', `${guarded.host}/team/plain:v1`, creds);
    const example = join(REPO, 'examples/node-pull-policy');
    policed = await DaemonProcess.start({
      dir: join(work!.dir, 'p'),
      config: { runtime: 'runc' },
      manifests: {
        'pull-policy.json': {
          name: 'pull-policy', launch: { command: process.execPath, args: ['--import', 'tsx', join(example, 'src/main.ts')], cwd: example },
          startTimeoutMs: 30_000, config: { requiredLabels: ['team'], extraSnapshotters: [] },
        },
      },
    });
    policedClient = criClient(criSocketOf(policed.dataRoot));
  });

  after(async () => {
    policedClient?.close();
    await policed?.stop();
    await guarded?.stop();
  });

  test('the AuthConfig of the request authenticates the pull; without it the registry refuses', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const reference = `${guarded!.host}/team/app:v1`;
    await assert.rejects(policedClient!.image.PullImage!({ image: { image: reference } }), (error: grpc.ServiceError) => /needs a user name and password/.test(error.details));
    await assert.rejects(policedClient!.image.PullImage!({ image: { image: reference }, auth: { username: 'kubelet', password: 'wrong' } }), /refused access/);
    const auth = Buffer.from('kubelet:s3cret').toString('base64');
    const pulled = await policedClient!.image.PullImage!({ image: { image: reference }, auth: { auth } });
    assert.match(pulled.image_ref, /^sha256:/);
  });

  test('image.postPull sees a CRI pull and its refusal fails PullImage naming the plugin; nothing is stored', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const admitted = `${guarded!.host}/team/app:v1`;
    const from = policed!.logs.length;
    await policedClient!.image.PullImage!({ image: { image: admitted }, auth: { username: 'kubelet', password: 's3cret' } });
    await policed!.waitForLog((line) => JSON.stringify(line).includes('image admitted') && JSON.stringify(line).includes('team/app:v1'), from, 'pull-policy admitting the CRI pull');
    const refused = `${guarded!.host}/team/plain:v1`;
    await assert.rejects(policedClient!.image.PullImage!({ image: { image: refused }, auth: { username: 'kubelet', password: 's3cret' } }),
      (error: grpc.ServiceError) => /pull-policy/.test(error.details) && /lacks the required label\(s\) team/.test(error.details));
    const image = await policedClient!.image.ImageStatus!({ image: { image: refused } });
    assert.equal(image.image ?? null, null, 'the refused reference is not stored');
  });
});
