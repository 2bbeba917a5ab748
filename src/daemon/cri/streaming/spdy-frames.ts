// SPDY/3 frames (draft-mbelshe-httpbis-spdy-00 §2.2-2.6), the subset the Kubernetes streaming
// clients speak: k8s.io/streaming's spdy round tripper over github.com/moby/spdystream. Pure
// encode/decode; header blocks travel compressed (spdy-header-codec.ts), so frames carry them as
// opaque bytes here.
//
// Why not an npm SPDY library: spdy-transport (the only maintained-looking one, last released
// 2018) enforces SPDY/3.1 flow-control windows and waits for WINDOW_UPDATE before sending past
// 64 KiB on a stream, but spdystream never sends WINDOW_UPDATE (it ignores flow control both
// ways), so any exec printing more than 64 KiB would stall. It also imposes HTTP request semantics
// (:method, :path) on streams that here carry only a `streamType` header. The frame layer is small
// and fully specified; the zlib context is Node's.

export const SPDY_VERSION = 3;

export const FLAG_FIN = 0x01;

export const enum ControlType {
  SynStream = 1,
  SynReply = 2,
  RstStream = 3,
  Settings = 4,
  Ping = 6,
  GoAway = 7,
  Headers = 8,
  WindowUpdate = 9,
}

/** RST_STREAM status codes (§2.6.3) hookd sends. */
export const RST_PROTOCOL_ERROR = 1;
export const RST_REFUSED_STREAM = 3;
export const RST_CANCEL = 5;

export type SpdyFrame =
  | { kind: 'data'; streamId: number; flags: number; data: Buffer }
  | { kind: 'syn-stream'; streamId: number; flags: number; headerBlock: Buffer }
  | { kind: 'syn-reply' | 'headers'; streamId: number; flags: number; headerBlock: Buffer }
  | { kind: 'rst-stream'; streamId: number; status: number }
  | { kind: 'ping'; id: number }
  | { kind: 'goaway'; lastStreamId: number; status: number }
  | { kind: 'ignored'; type: number }; // SETTINGS, WINDOW_UPDATE and unknown control types

const HEADER_BYTES = 8;
const MAX_FRAME_LENGTH = 0xffffff;
const STREAM_ID_MASK = 0x7fffffff;

/**
 * Splits `buffer` into whole frames; `rest` is an incomplete tail to prepend to the next read.
 * Throws on a control frame of another SPDY version (the peer is not speaking SPDY/3).
 */
export function decodeFrames(buffer: Buffer): { frames: SpdyFrame[]; rest: Buffer } {
  const frames: SpdyFrame[] = [];
  let offset = 0;
  while (buffer.length - offset >= HEADER_BYTES) {
    const length = buffer.readUInt32BE(offset + 4) & MAX_FRAME_LENGTH;
    if (buffer.length - offset < HEADER_BYTES + length) break;
    const flags = buffer[offset + 4]!;
    const body = buffer.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length);
    const first = buffer.readUInt32BE(offset);
    if ((first & 0x80000000) === 0) {
      frames.push({ kind: 'data', streamId: first & STREAM_ID_MASK, flags, data: body });
    } else {
      const version = (first >>> 16) & 0x7fff;
      if (version !== SPDY_VERSION) throw new Error(`SPDY control frame of version ${version}; only SPDY/3 is spoken here`);
      frames.push(decodeControl(first & 0xffff, flags, body));
    }
    offset += HEADER_BYTES + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

function decodeControl(type: number, flags: number, body: Buffer): SpdyFrame {
  const need = (bytes: number): void => {
    if (body.length < bytes) throw new Error(`SPDY control frame type ${type} is ${body.length} bytes, shorter than ${bytes}`);
  };
  switch (type) {
    case ControlType.SynStream:
      need(10);
      return { kind: 'syn-stream', streamId: body.readUInt32BE(0) & STREAM_ID_MASK, flags, headerBlock: body.subarray(10) };
    case ControlType.SynReply:
    case ControlType.Headers:
      need(4);
      return { kind: type === ControlType.SynReply ? 'syn-reply' : 'headers', streamId: body.readUInt32BE(0) & STREAM_ID_MASK, flags, headerBlock: body.subarray(4) };
    case ControlType.RstStream:
      need(8);
      return { kind: 'rst-stream', streamId: body.readUInt32BE(0) & STREAM_ID_MASK, status: body.readUInt32BE(4) };
    case ControlType.Ping:
      need(4);
      return { kind: 'ping', id: body.readUInt32BE(0) };
    case ControlType.GoAway:
      need(4);
      return { kind: 'goaway', lastStreamId: body.readUInt32BE(0) & STREAM_ID_MASK, status: body.length >= 8 ? body.readUInt32BE(4) : 0 };
    default:
      return { kind: 'ignored', type };
  }
}

function controlFrame(type: ControlType, flags: number, body: Buffer): Buffer {
  if (body.length > MAX_FRAME_LENGTH) throw new Error(`SPDY frame body of ${body.length} bytes exceeds the 24-bit length`);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE((0x80000000 | (SPDY_VERSION << 16) | type) >>> 0, 0);
  header.writeUInt32BE(((flags << 24) | body.length) >>> 0, 4);
  return Buffer.concat([header, body]);
}

export function encodeData(streamId: number, data: Buffer, flags = 0): Buffer {
  if (data.length > MAX_FRAME_LENGTH) throw new Error(`SPDY data frame of ${data.length} bytes exceeds the 24-bit length`);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  header.writeUInt32BE(((flags << 24) | data.length) >>> 0, 4);
  return Buffer.concat([header, data]);
}

export function encodeSynReply(streamId: number, compressedHeaders: Buffer, flags = 0): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId & STREAM_ID_MASK);
  return controlFrame(ControlType.SynReply, flags, Buffer.concat([id, compressedHeaders]));
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32BE(streamId & STREAM_ID_MASK, 0);
  body.writeUInt32BE(status, 4);
  return controlFrame(ControlType.RstStream, 0, body);
}

export function encodePing(id: number): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt32BE(id >>> 0);
  return controlFrame(ControlType.Ping, 0, body);
}

export function encodeGoAway(lastStreamId: number, status = 0): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt32BE(lastStreamId & STREAM_ID_MASK, 0);
  body.writeUInt32BE(status, 4);
  return controlFrame(ControlType.GoAway, 0, body);
}

/** The uncompressed name/value block (§2.6.10): names lowercased; several values NUL-joined. */
export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(4);
  count.writeUInt32BE(Object.keys(headers).length);
  parts.push(count);
  for (const [name, value] of Object.entries(headers)) {
    for (const text of [name.toLowerCase(), value]) {
      const bytes = Buffer.from(text, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      parts.push(length, bytes);
    }
  }
  return Buffer.concat(parts);
}

/** Decodes an uncompressed name/value block; names are lowercased, repeated values NUL-joined stay joined. */
export function decodeHeaderBlock(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  let offset = 0;
  const take = (): string => {
    if (block.length - offset < 4) throw new Error('SPDY header block is truncated');
    const length = block.readUInt32BE(offset);
    offset += 4;
    if (block.length - offset < length) throw new Error('SPDY header block is truncated');
    const text = block.toString('utf8', offset, offset + length);
    offset += length;
    return text;
  };
  if (block.length < 4) throw new Error('SPDY header block is truncated');
  const count = block.readUInt32BE(0);
  offset = 4;
  for (let i = 0; i < count; i += 1) {
    const name = take().toLowerCase();
    headers.set(name, take());
  }
  return headers;
}
