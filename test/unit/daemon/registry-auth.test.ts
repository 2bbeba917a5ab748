import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { credentialsFromFile, decodeRegistryAuth, parseChallenge } from '../../../src/daemon/registry/registry-auth.ts';
import { endpointsFor, defaultRegistryConfig } from '../../../src/daemon/registry/registry-config.ts';

test('parses Bearer and Basic challenges, quoted values with commas included', () => {
  assert.deepEqual(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"'), {
    scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
  });
  assert.deepEqual(parseChallenge('Basic realm="hookd-test"'), { scheme: 'basic', params: { realm: 'hookd-test' } });
});

test('decodes X-Registry-Auth as the docker CLI sends it (base64url JSON); empty means anonymous', () => {
  const header = Buffer.from(JSON.stringify({ username: 'u', password: 'p?>', serveraddress: 'h' })).toString('base64url');
  assert.deepEqual(decodeRegistryAuth(header), { username: 'u', password: 'p?>' });
  assert.equal(decodeRegistryAuth(Buffer.from('{}').toString('base64')), undefined);
  assert.equal(decodeRegistryAuth(undefined), undefined);
  assert.throws(() => decodeRegistryAuth('!!!'), (error: Error & { code?: string }) => error.code === 'ERR_REGISTRY_BAD_AUTH');
});

test('reads credentials for a host from a Docker-style auth file, URL keys included', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hookd-auth-'));
  try {
    const file = join(dir, 'auth.json');
    await writeFile(file, JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:secret').toString('base64') }, '127.0.0.1:5000': { username: 'a', password: 'b' } } }));
    assert.deepEqual(await credentialsFromFile(file, 'docker.io'), { username: 'hub', password: 'secret' });
    assert.deepEqual(await credentialsFromFile(file, '127.0.0.1:5000'), { username: 'a', password: 'b' });
    assert.equal(await credentialsFromFile(file, 'other:1'), undefined);
    assert.equal(await credentialsFromFile(join(dir, 'missing.json'), 'docker.io'), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('plain HTTP is offered only for loopback and insecure hosts; a mirror comes first', () => {
  const config = { ...defaultRegistryConfig(), insecure: ['lab:5000'], mirrors: { 'registry.k8s.io': 'http://127.0.0.1:5001' } };
  assert.deepEqual(endpointsFor(config, 'example.com').map((e) => [e.baseUrl, e.canFallBackToHttp]), [['https://example.com', false]]);
  assert.deepEqual(endpointsFor(config, 'lab:5000').map((e) => [e.baseUrl, e.canFallBackToHttp]), [['https://lab:5000', true]]);
  assert.deepEqual(endpointsFor(config, '127.0.0.1:5000').map((e) => e.canFallBackToHttp), [true]);
  assert.deepEqual(endpointsFor(config, 'registry.k8s.io').map((e) => [e.baseUrl, e.isMirror]), [['http://127.0.0.1:5001', true], ['https://registry.k8s.io', false]]);
  assert.equal(endpointsFor(config, 'docker.io')[0]!.baseUrl, 'https://registry-1.docker.io');
});
