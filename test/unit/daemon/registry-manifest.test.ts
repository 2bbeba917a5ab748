import assert from 'node:assert/strict';
import { test } from 'node:test';
import { manifestKind, MEDIA, parseImageManifest, parsePlatform, selectPlatform } from '../../../src/daemon/registry/manifest.ts';

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

const index = json({
  schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: [
    { mediaType: MEDIA.ociManifest, digest: d('1'), size: 10, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { mediaType: MEDIA.ociManifest, digest: d('2'), size: 10, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { mediaType: MEDIA.ociManifest, digest: d('3'), size: 10, platform: { os: 'linux', architecture: 'amd64' } },
  ],
});

test('selects the manifest of the asked platform from an index, variant included', () => {
  assert.equal(selectPlatform(index, 'idx', { os: 'linux', architecture: 'amd64' }).digest, d('3'));
  assert.equal(selectPlatform(index, 'idx', { os: 'linux', architecture: 'arm64', variant: 'v8' }).digest, d('2'));
  assert.throws(() => selectPlatform(index, 'idx', { os: 'linux', architecture: 's390x' }),
    (error: Error & { code?: string }) => error.code === 'ERR_REGISTRY_NO_PLATFORM' && /offers linux\/arm\/v7, linux\/arm64\/v8, linux\/amd64/.test(error.message));
});

test('tells indexes from image manifests and refuses schema 1', () => {
  assert.equal(manifestKind(index, '', 'm'), 'index');
  assert.equal(manifestKind(json({ schemaVersion: 2, mediaType: MEDIA.dockerList, manifests: [] }), '', 'm'), 'index');
  assert.equal(manifestKind(json({ schemaVersion: 2, config: {}, layers: [] }), MEDIA.dockerManifest, 'm'), 'manifest');
  assert.throws(() => manifestKind(json({ schemaVersion: 1, fsLayers: [] }), 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'm'), /schema 1/);
});

test('an image manifest names its config and its layers with their compression; bad entries are named', () => {
  const manifest = parseImageManifest(json({
    schemaVersion: 2, config: { mediaType: MEDIA.ociConfig, digest: d('c'), size: 5 },
    layers: [
      { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: d('a'), size: 1 },
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: d('b'), size: 2 },
    ],
  }), 'manifest m');
  assert.deepEqual(manifest.layers.map((layer) => layer.compression), ['gzip', 'zstd']);
  assert.throws(() => parseImageManifest(json({ config: { digest: d('c'), size: 1 }, layers: [{ mediaType: 'application/x-foo', digest: d('a'), size: 1 }] }), 'manifest m'),
    /manifest m layer 1 has the media type "application\/x-foo"/);
  assert.throws(() => parseImageManifest(json({ config: { digest: 'md5:x', size: 1 }, layers: [] }), 'manifest m'), /manifest m config needs a sha256 "digest"/);
});

test('parses the platform parameter as os[/architecture[/variant]], with Docker\'s aliases, and names a bad one', () => {
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.deepEqual(parsePlatform('Linux/x86_64'), { os: 'linux', architecture: 'amd64' });
  assert.equal(parsePlatform('linux').os, 'linux');
  for (const bad of ['', 'linux/arm64/v8/x', 'linux/../etc', '/amd64']) {
    assert.throws(() => parsePlatform(bad), (error: Error & { code?: string }) => error.code === 'ERR_REGISTRY_BAD_PLATFORM' && error.message.includes(`"${bad}"`));
  }
});
