// The SPDY session's server side over a real loopback socket, driven frame by frame from the test
// (what client-go does in bulk is in test/integration/cri-streaming): replies, FIN, RST, PING,
// and a peer that does not speak SPDY/3.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { ControlType, decodeFrames, encodeData, encodeHeaderBlock, encodePing, encodeRstStream, FLAG_FIN, type SpdyFrame } from '../../../../src/daemon/cri/streaming/spdy-frames.ts';
import { SpdyHeaderCodec } from '../../../../src/daemon/cri/streaming/spdy-header-codec.ts';
import { SpdySession, type SpdyStream } from '../../../../src/daemon/cri/streaming/spdy-session.ts';

let server: Server;
const sessions: SpdySession[] = [];

before(async () => {
  server = createServer({ allowHalfOpen: true }, (socket) => sessions.push(new SpdySession(socket)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
after(() => server.close());

/** The test's side: writes frames, collects the frames the server sends back. */
async function openClient(): Promise<{ socket: Socket; session: SpdySession; codec: SpdyHeaderCodec; nextFrame: () => Promise<SpdyFrame> }> {
  const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(socket, 'connect');
  const frames: SpdyFrame[] = [];
  let waiting: (() => void) | undefined;
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const decoded = decodeFrames(Buffer.concat([pending, chunk]));
    pending = Buffer.from(decoded.rest);
    frames.push(...decoded.frames);
    waiting?.();
  });
  while (sessions.length === 0) await new Promise((resolve) => setImmediate(resolve));
  const session = sessions.shift()!;
  const nextFrame = async (): Promise<SpdyFrame> => {
    while (frames.length === 0) await new Promise<void>((resolve) => { waiting = resolve; });
    return frames.shift()!;
  };
  return { socket, session, codec: new SpdyHeaderCodec(), nextFrame };
}

async function synStream(codec: SpdyHeaderCodec, streamId: number, headers: Record<string, string>, flags = 0): Promise<Buffer> {
  const block = await codec.deflate(encodeHeaderBlock(headers));
  const body = Buffer.alloc(10);
  body.writeUInt32BE(streamId, 0);
  const header = Buffer.alloc(8);
  header.writeUInt32BE((0x80000000 | (3 << 16) | ControlType.SynStream) >>> 0, 0);
  header.writeUInt32BE(((flags << 24) | (body.length + block.length)) >>> 0, 4);
  return Buffer.concat([header, body, block]);
}

test('each SYN_STREAM gets a SYN_REPLY; its headers reach the stream; DATA with FIN ends what the server reads', async () => {
  const { socket, session, codec, nextFrame } = await openClient();
  const streams: SpdyStream[] = [];
  session.on('stream', (stream) => streams.push(stream));
  socket.write(await synStream(codec, 1, { streamType: 'stdin' }));
  socket.write(await synStream(codec, 3, { streamType: 'stdout' }));
  assert.deepEqual([(await nextFrame()).kind, (await nextFrame()).kind], ['syn-reply', 'syn-reply']);
  assert.deepEqual(streams.map((s) => [s.id, s.headers.get('streamtype')]), [[1, 'stdin'], [3, 'stdout']]);
  socket.write(encodeData(1, Buffer.from('typed'), FLAG_FIN));
  const chunks: Buffer[] = [];
  for await (const chunk of streams[0]!) chunks.push(chunk as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), 'typed');
  streams[1]!.end('printed');
  const data = await nextFrame();
  assert.ok(data.kind === 'data' && data.streamId === 3 && data.data.toString() === 'printed');
  const fin = await nextFrame();
  assert.ok(fin.kind === 'data' && fin.streamId === 3 && fin.flags === FLAG_FIN);
  socket.destroy();
});

test('PING comes back with its id; RST_STREAM resets the stream and later writes go nowhere', async () => {
  const { socket, session, codec, nextFrame } = await openClient();
  const streamed = once(session, 'stream');
  socket.write(await synStream(codec, 5, { streamType: 'data' }));
  const [stream] = (await streamed) as [SpdyStream];
  assert.equal((await nextFrame()).kind, 'syn-reply');
  const reset = once(stream, 'reset');
  socket.write(encodeRstStream(5, 5));
  await reset;
  assert.equal(stream.isReset, true);
  stream.write('dropped');
  socket.write(encodePing(41));
  assert.deepEqual(await nextFrame(), { kind: 'ping', id: 41 }); // and no DATA for the reset stream before it
  socket.destroy();
});

test('a peer that does not speak SPDY/3 is disconnected', async () => {
  const { socket, session } = await openClient();
  const closed = once(session, 'close');
  const frame = encodePing(1);
  frame.writeUInt16BE(0x8002, 0); // a SPDY/2 control frame
  socket.write(frame);
  await closed;
  assert.equal(session.isClosed, true);
  socket.destroy();
});
