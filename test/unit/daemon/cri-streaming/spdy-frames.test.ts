import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { SPDY3_HEADER_DICTIONARY } from '../../../../src/daemon/cri/streaming/spdy-dictionary.ts';
import {
  decodeFrames, decodeHeaderBlock, encodeData, encodeGoAway, encodeHeaderBlock, encodePing, encodeRstStream, encodeSynReply, FLAG_FIN,
} from '../../../../src/daemon/cri/streaming/spdy-frames.ts';
import { SpdyHeaderCodec } from '../../../../src/daemon/cri/streaming/spdy-header-codec.ts';

test('the header dictionary is the SPDY/3 one, byte for byte', () => {
  assert.equal(SPDY3_HEADER_DICTIONARY.length, 1423);
  assert.equal(createHash('sha256').update(SPDY3_HEADER_DICTIONARY).digest('hex'), '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
});

test('frames split across reads decode once whole, in order', () => {
  const wire = Buffer.concat([encodeData(1, Buffer.from('abc'), FLAG_FIN), encodePing(7), encodeRstStream(3, 5), encodeGoAway(9)]);
  const first = decodeFrames(wire.subarray(0, 13));
  assert.deepEqual(first.frames.map((f) => f.kind), ['data']);
  const rest = decodeFrames(Buffer.concat([first.rest, wire.subarray(13)]));
  assert.deepEqual(rest.frames, [
    { kind: 'ping', id: 7 },
    { kind: 'rst-stream', streamId: 3, status: 5 },
    { kind: 'goaway', lastStreamId: 9, status: 0 },
  ]);
  assert.equal(rest.rest.length, 0);
  const data = first.frames[0]!;
  assert.ok(data.kind === 'data' && data.streamId === 1 && data.flags === FLAG_FIN && data.data.toString() === 'abc');
});

test('a control frame of another SPDY version is refused, naming the version', () => {
  const frame = encodePing(1);
  frame.writeUInt16BE(0x8002, 0);
  assert.throws(() => decodeFrames(frame), /version 2; only SPDY\/3/);
});

test('a SYN_REPLY carries the stream id and the header block', () => {
  const [frame] = decodeFrames(encodeSynReply(5, Buffer.from('hdr'))).frames;
  assert.deepEqual(frame, { kind: 'syn-reply', streamId: 5, flags: 0, headerBlock: Buffer.from('hdr') });
});

test('header blocks round-trip with lowercased names; a truncated block is an error', () => {
  const block = encodeHeaderBlock({ streamType: 'data', port: '80', requestID: '0' });
  assert.deepEqual([...decodeHeaderBlock(block)], [['streamtype', 'data'], ['port', '80'], ['requestid', '0']]);
  assert.throws(() => decodeHeaderBlock(block.subarray(0, block.length - 1)), /truncated/);
});

test('header compression keeps one context per direction across blocks', async () => {
  const sender = new SpdyHeaderCodec();
  const receiver = new SpdyHeaderCodec();
  // The receiver inflates what the sender deflates: the second block only decodes after the first.
  const blocks = [{ streamtype: 'error' }, { streamtype: 'stdout' }, { streamtype: 'stdout' }];
  for (const headers of blocks) {
    const compressed = await sender.deflate(encodeHeaderBlock(headers));
    assert.deepEqual(Object.fromEntries(decodeHeaderBlock(await receiver.inflate(compressed))), headers);
  }
  sender.close();
  receiver.close();
});
