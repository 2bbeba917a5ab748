// The pure rules of the thin client's wire format (wire-frames.ts), one table per rule.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { status } from '@grpc/grpc-js';

import { ReplyFrameReader, decodeGrpcMessage, encodeFrame, formatGrpcTimeout, statusFromHttp, statusFromResponse } from '../../../src/host/wire-frames.ts';

describe('formatGrpcTimeout', () => {
  const table: Array<[number, string]> = [[0, '0m'], [1.2, '2m'], [2_000, '2000m'], [99_999_999, '99999999m'], [100_000_000, '100000S'], [2 ** 31 - 1, '2147484S']];
  for (const [ms, expected] of table) {
    it(`sends ${ms} ms as ${expected}: at most 8 digits, never less time than allowed`, () => assert.equal(formatGrpcTimeout(ms), expected));
  }
});

describe('decodeGrpcMessage', () => {
  const table: Array<[string, string, string]> = [
    ['leaves a message without escapes alone', 'memory above quota', 'memory above quota'],
    ['decodes escaped UTF-8', 'quota %C3%A4 %E2%9C%8B', 'quota ä ✋'],
    ['keeps a % that starts no escape', '100% used, 50%2', '100% used, 50%2'],
    ['decodes escapes beside a stray %', '%zz %C3%A4', '%zz ä'],
    ['turns a broken UTF-8 sequence into U+FFFD instead of failing', 'bad %C3 byte', 'bad \uFFFD byte'],
  ];
  for (const [title, value, expected] of table) it(title, () => assert.equal(decodeGrpcMessage(value), expected));
});

describe('statusFromResponse', () => {
  it('prefers the trailers\' grpc-status to the headers\' HTTP status', () => {
    assert.deepEqual(statusFromResponse({ ':status': 200 }, { 'grpc-status': '3', 'grpc-message': 'bad%20field' }), { code: status.INVALID_ARGUMENT, details: 'bad field' });
  });
  it('names an out-of-range grpc-status as UNKNOWN', () => {
    assert.equal(statusFromResponse({ ':status': 200, 'grpc-status': '42' }, undefined).code, status.UNKNOWN);
  });
  const http: Array<[number, status]> = [
    [400, status.INTERNAL], [401, status.UNAUTHENTICATED], [403, status.PERMISSION_DENIED], [404, status.UNIMPLEMENTED],
    [429, status.UNAVAILABLE], [502, status.UNAVAILABLE], [503, status.UNAVAILABLE], [504, status.UNAVAILABLE], [500, status.UNKNOWN],
  ];
  for (const [code, expected] of http) it(`maps HTTP ${code} to ${status[expected]}`, () => assert.equal(statusFromHttp(code), expected));
});

describe('ReplyFrameReader', () => {
  it('reads a frame split at every byte', () => {
    const reader = new ReplyFrameReader(1024);
    for (const byte of encodeFrame(Buffer.from('hello'))) assert.equal(reader.push(Buffer.from([byte])), undefined);
    assert.deepEqual(reader.message(), Buffer.from('hello'));
  });
  it('reads an empty message', () => {
    const reader = new ReplyFrameReader(1024);
    reader.push(encodeFrame(Buffer.alloc(0)));
    assert.deepEqual(reader.message(), Buffer.alloc(0));
  });
  it('refuses a second message, a cut-short frame and a missing one', () => {
    const twice = new ReplyFrameReader(1024);
    assert.equal(twice.push(Buffer.concat([encodeFrame(Buffer.from('a')), encodeFrame(Buffer.from('b'))]))?.code, status.INTERNAL);
    const cut = new ReplyFrameReader(1024);
    cut.push(encodeFrame(Buffer.from('hello')).subarray(0, 7));
    assert.match((cut.message() as { details: string }).details, /inside a message frame/);
    assert.match((new ReplyFrameReader(1024).message() as { details: string }).details, /no reply message/);
  });
  it('refuses a length above the limit from the prefix alone', () => {
    assert.equal(new ReplyFrameReader(4).push(Buffer.from([0, 0, 0, 0, 5]))?.code, status.RESOURCE_EXHAUSTED);
  });
});
