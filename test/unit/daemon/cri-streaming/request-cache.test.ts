import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PENDING_REQUESTS, RequestCache, type StreamingRequest } from '../../../../src/daemon/cri/streaming/request-cache.ts';
import { exitCodeStatus, encodeStatus, internalErrorStatus, successStatus } from '../../../../src/daemon/cri/streaming/exit-status.ts';
import { negotiateProtocol } from '../../../../src/daemon/cri/streaming/protocols.ts';
import { parseAddress } from '../../../../src/daemon/cri/streaming/address.ts';

const EXEC: StreamingRequest = { kind: 'exec', containerId: 'c', cmd: ['true'], tty: false, stdin: false, stdout: true, stderr: true };

test('a token is single-use', () => {
  const cache = new RequestCache();
  const token = cache.insert(EXEC);
  assert.deepEqual(cache.consume(token), EXEC);
  assert.equal(cache.consume(token), undefined);
});

test('a token expires after the TTL, used or not', () => {
  let now = 1000;
  const cache = new RequestCache({ ttlMs: 50, now: () => now });
  const late = cache.insert(EXEC);
  const forgotten = cache.insert(EXEC);
  now += 50;
  assert.equal(cache.consume(late), undefined);
  assert.equal(cache.size, 0);
  assert.equal(cache.consume(forgotten), undefined);
});

test('tokens are distinct and unguessable from each other', () => {
  const cache = new RequestCache();
  const tokens = new Set(Array.from({ length: 100 }, () => cache.insert(EXEC)));
  assert.equal(tokens.size, 100);
  for (const token of tokens) assert.match(token, /^[A-Za-z0-9_-]{22}$/);
});

test('too many unused tokens are refused with a reason, not grown without bound', () => {
  const cache = new RequestCache();
  for (let i = 0; i < MAX_PENDING_REQUESTS; i += 1) cache.insert(EXEC);
  assert.throws(() => cache.insert(EXEC), /too many streaming requests/);
});

test('the status of a non-zero exit is what client-go decodes into an exit code', () => {
  const status = JSON.parse(encodeStatus(exitCodeStatus(3, ['sh']), 'v4.channel.k8s.io').toString()) as Record<string, unknown>;
  assert.equal(status.status, 'Failure');
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details, { causes: [{ reason: 'ExitCode', message: '3' }] });
  assert.equal(JSON.parse(encodeStatus(successStatus(), 'v5.channel.k8s.io').toString()).status, 'Success');
  assert.equal(exitCodeStatus(300, []).details?.causes[0]?.message, '255');
  assert.equal(internalErrorStatus('boom').code, 500);
});

test('protocol negotiation takes the client\'s first choice the server speaks', () => {
  assert.equal(negotiateProtocol('v5.channel.k8s.io, v4.channel.k8s.io', ['v4.channel.k8s.io', 'v5.channel.k8s.io']), 'v5.channel.k8s.io');
  assert.equal(negotiateProtocol(['v3.channel.k8s.io', 'v4.channel.k8s.io'], ['v4.channel.k8s.io']), 'v4.channel.k8s.io');
  assert.equal(negotiateProtocol(undefined, ['v4.channel.k8s.io']), undefined);
});

test('the streaming address is host:port; a bad one names the config field', () => {
  assert.deepEqual(parseAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseAddress('[::1]:10010'), { host: '::1', port: 10010 });
  assert.throws(() => parseAddress('localhost'), /cri\.streamingAddress "localhost": want host:port/);
  assert.throws(() => parseAddress('1.2.3.4:70000'), /cri\.streamingAddress/);
});
