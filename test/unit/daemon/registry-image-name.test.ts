import assert from 'node:assert/strict';
import { test } from 'node:test';
import { familiarRepository, familiarTag, parseImageName } from '../../../src/daemon/registry/image-name.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

test('parses names as Docker does: Hub defaults, registry hosts, tags and digests', () => {
  const table: Array<[string, ReturnType<typeof parseImageName>]> = [
    ['busybox', { domain: 'docker.io', repository: 'library/busybox', tag: 'latest' }],
    ['me/app:1.2', { domain: 'docker.io', repository: 'me/app', tag: '1.2' }],
    ['127.0.0.1:5000/team/app', { domain: '127.0.0.1:5000', repository: 'team/app', tag: 'latest' }],
    ['localhost/app:v1', { domain: 'localhost', repository: 'app', tag: 'v1' }],
    [`registry.k8s.io/pause@${DIGEST}`, { domain: 'registry.k8s.io', repository: 'pause', digest: DIGEST }],
    [`host:5000/app:v1@${DIGEST}`, { domain: 'host:5000', repository: 'app', tag: 'v1', digest: DIGEST }],
    ['index.docker.io/library/busybox:1', { domain: 'docker.io', repository: 'library/busybox', tag: '1' }],
  ];
  for (const [text, expected] of table) assert.deepEqual(parseImageName(text), expected, text);
});

test('refuses invalid names with ERR_IMAGE_BAD_REFERENCE naming the input', () => {
  for (const text of ['Busybox', 'app@sha256:short', 'app:bad tag', 'a//b', '']) {
    assert.throws(() => parseImageName(text), (error: Error & { code?: string }) => error.code === 'ERR_IMAGE_BAD_REFERENCE' && error.message.includes(`"${text}"`), text);
  }
});

test('familiar forms drop Docker Hub\'s implicit parts and keep other hosts', () => {
  assert.equal(familiarTag(parseImageName('docker.io/library/busybox')), 'busybox:latest');
  assert.equal(familiarTag(parseImageName('127.0.0.1:5000/app:v1')), '127.0.0.1:5000/app:v1');
  assert.equal(familiarTag(parseImageName(`app@${DIGEST}`)), undefined);
  assert.equal(familiarRepository(parseImageName('me/app')), 'me/app');
});
