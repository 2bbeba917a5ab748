// The CRI's view of a stored image (image-fields.ts) and PullImage's AuthConfig (image-auth.ts):
// pure translations, table-driven.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { imageUser, qualifiedName, toCriImage } from '../../../../src/daemon/cri/image-fields.ts';
import { credentialsFromAuthConfig } from '../../../../src/daemon/cri/image-auth.ts';
import { CriError } from '../../../../src/daemon/cri/status.ts';
import type { ImageRecord } from '../../../../src/daemon/images/image-store.ts';

const EMPTY_AUTH = { username: '', password: '', auth: '', server_address: '', identity_token: '', registry_token: '' };

describe('qualifiedName', () => {
  const table: Array<[string, string]> = [
    ['busybox:latest', 'docker.io/library/busybox:latest'],
    ['me/app:1', 'docker.io/me/app:1'],
    ['busybox@sha256:' + 'a'.repeat(64), `docker.io/library/busybox@sha256:${'a'.repeat(64)}`],
    ['gcr.io/k8s-staging-cri-tools/test-image-tag:test', 'gcr.io/k8s-staging-cri-tools/test-image-tag:test'],
    ['127.0.0.1:5000/app:v1', '127.0.0.1:5000/app:v1'],
    ['NOT A NAME', 'NOT A NAME'],
  ];
  for (const [stored, expected] of table) it(`${stored} → ${expected}`, () => assert.equal(qualifiedName(stored), expected));
});

describe('imageUser', () => {
  const table: Array<[string | undefined, { uid?: number; username: string }]> = [
    [undefined, { username: '' }],
    ['', { username: '' }],
    ['1002', { uid: 1002, username: '' }],
    ['1003:1004', { uid: 1003, username: '' }],
    ['www-data', { username: 'www-data' }],
    ['www-data:1004', { username: 'www-data' }],
    ['0', { uid: 0, username: '' }],
  ];
  for (const [user, expected] of table) it(`User ${JSON.stringify(user)}`, () => assert.deepEqual(imageUser(user), expected));
});

describe('toCriImage', () => {
  it('reports the id, qualified names, size and user of a stored image', () => {
    const record: ImageRecord = {
      Id: `sha256:${'b'.repeat(64)}`, RepoTags: ['busybox:latest', 'busybox:1'], RepoDigests: [`busybox@sha256:${'c'.repeat(64)}`],
      Created: '2026-01-01T00:00:00Z', Size: 2048, Architecture: 'amd64', Os: 'linux', Comment: '', Config: { User: '1002' }, rootfsDir: '/x',
    };
    assert.deepEqual(toCriImage(record), {
      id: record.Id, repo_tags: ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1'],
      repo_digests: [`docker.io/library/busybox@sha256:${'c'.repeat(64)}`], size: 2048, uid: { value: 1002 }, username: '', spec: { image: record.Id }, pinned: false,
    });
  });
});

describe('credentialsFromAuthConfig', () => {
  it('takes user name and password, Docker\'s auth, and tokens; nothing given is undefined', () => {
    assert.equal(credentialsFromAuthConfig(null), undefined);
    assert.equal(credentialsFromAuthConfig(EMPTY_AUTH), undefined);
    assert.deepEqual(credentialsFromAuthConfig({ ...EMPTY_AUTH, username: 'u', password: 'p' }), { username: 'u', password: 'p' });
    assert.deepEqual(credentialsFromAuthConfig({ ...EMPTY_AUTH, auth: Buffer.from('u:p:with:colons').toString('base64') }), { username: 'u', password: 'p:with:colons' });
    assert.deepEqual(credentialsFromAuthConfig({ ...EMPTY_AUTH, identity_token: 'refresh' }), { identityToken: 'refresh' });
    assert.deepEqual(credentialsFromAuthConfig({ ...EMPTY_AUTH, registry_token: 'bearer' }), { registryToken: 'bearer' });
  });

  it('refuses an auth that is not base64 of user:password, naming the field', () => {
    assert.throws(() => credentialsFromAuthConfig({ ...EMPTY_AUTH, auth: Buffer.from('no-colon').toString('base64') }),
      (error: unknown) => error instanceof CriError && error.grpcCode === grpc.status.INVALID_ARGUMENT && /auth\.auth/.test(error.message));
  });
});
