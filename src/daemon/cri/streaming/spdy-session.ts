// The server side of one SPDY/3 session after the HTTP upgrade: the client opens every stream
// (SYN_STREAM with a `streamtype` header), hookd replies to each and then reads and writes it as a
// Duplex. What spdystream (the Go client) needs and nothing more:
// - every SYN_STREAM gets a SYN_REPLY (its CreateStream waits for one);
// - a stream's end is a DATA frame with FLAG_FIN; RST_STREAM drops it; PING is echoed;
// - no flow control: spdystream neither sends nor honours WINDOW_UPDATE, so none is sent and
//   SETTINGS/WINDOW_UPDATE from the client are ignored. Backpressure is the socket's.
// Frames are handled strictly in arrival order and written strictly in the order queued, because
// header blocks share one compression context per direction (spdy-header-codec.ts).

import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { SpdyHeaderCodec } from './spdy-header-codec.ts';
import {
  decodeFrames, decodeHeaderBlock, encodeData, encodeGoAway, encodeHeaderBlock, encodePing, encodeRstStream, encodeSynReply,
  FLAG_FIN, RST_CANCEL, type SpdyFrame,
} from './spdy-frames.ts';

/** Larger writes are split: spdystream reads whole frames into memory. */
const MAX_DATA_BYTES = 32 * 1024;

export class SpdyStream extends Duplex {
  readonly id: number;
  /** The SYN_STREAM's headers, names lowercased (`streamtype`, `port`, `requestid`). */
  readonly headers: ReadonlyMap<string, string>;
  readonly #session: SpdySession;
  #isRemoteEnded = false;
  #isReset = false;

  constructor(session: SpdySession, id: number, headers: ReadonlyMap<string, string>) {
    super({ allowHalfOpen: true });
    this.#session = session;
    this.id = id;
    this.headers = headers;
  }

  get isReset(): boolean {
    return this.#isReset;
  }

  override _read(): void {
    // Data is pushed as frames arrive; the client has no flow control to pause.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#isReset) { callback(); return; } // the client dropped the stream: its data has nowhere to go
    this.#session.sendData(this.id, chunk, false).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#isReset) { callback(); return; }
    this.#session.sendData(this.id, Buffer.alloc(0), true).then(() => callback(), callback);
  }

  /** Abandons the stream: RST_STREAM CANCEL to the client, and both sides end here. */
  reset(): void {
    if (this.#isReset) return;
    this.#session.sendReset(this.id, RST_CANCEL);
    this.remoteReset();
  }

  /** @internal the session delivers the client's frames through these. */
  remoteData(data: Buffer): void {
    if (!this.#isRemoteEnded && data.length > 0) this.push(data);
  }

  remoteFin(): void {
    if (this.#isRemoteEnded) return;
    this.#isRemoteEnded = true;
    this.push(null);
  }

  remoteReset(): void {
    this.#isReset = true;
    this.remoteFin();
    this.emit('reset');
  }
}

export interface SpdySessionEvents {
  stream: [SpdyStream];
  close: [];
}

export class SpdySession extends EventEmitter<SpdySessionEvents> {
  readonly #socket: Duplex;
  readonly #codec = new SpdyHeaderCodec();
  readonly #streams = new Map<number, SpdyStream>();
  #pending: Buffer = Buffer.alloc(0);
  #inbound: Promise<void> = Promise.resolve();
  #outbound: Promise<void> = Promise.resolve();
  #lastStreamId = 0;
  #isClosed = false;

  /** `head`: bytes the HTTP server read past the upgrade request (the first frames, maybe). */
  constructor(socket: Duplex, head: Buffer = Buffer.alloc(0)) {
    super();
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => this.#teardown()); // a client gone mid-stream; the close below ends everything
    socket.on('close', () => this.#teardown());
    socket.on('end', () => this.#teardown());
    if (head.length > 0) this.#receive(head);
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  sendData(streamId: number, data: Buffer, isFin: boolean): Promise<void> {
    const frames: Buffer[] = [];
    for (let offset = 0; offset < data.length; offset += MAX_DATA_BYTES) {
      const last = offset + MAX_DATA_BYTES >= data.length;
      frames.push(encodeData(streamId, data.subarray(offset, offset + MAX_DATA_BYTES), last && isFin ? FLAG_FIN : 0));
    }
    if (data.length === 0) frames.push(encodeData(streamId, data, isFin ? FLAG_FIN : 0));
    return this.#enqueue(async () => Buffer.concat(frames));
  }

  sendReset(streamId: number, status: number): void {
    void this.#enqueue(async () => encodeRstStream(streamId, status));
  }

  /** Ends the session after everything queued is written: GOAWAY, then the socket's end. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    await this.#enqueue(async () => encodeGoAway(this.#lastStreamId));
    this.#socket.end();
    this.#teardown();
  }

  #receive(chunk: Buffer): void {
    let frames: SpdyFrame[];
    try {
      const decoded = decodeFrames(this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk);
      frames = decoded.frames;
      this.#pending = Buffer.from(decoded.rest);
    } catch {
      this.#socket.destroy(); // not SPDY/3: nothing sensible can be answered
      return;
    }
    for (const frame of frames) {
      this.#inbound = this.#inbound.then(() => this.#handle(frame)).catch(() => { this.#socket.destroy(); });
    }
  }

  async #handle(frame: SpdyFrame): Promise<void> {
    switch (frame.kind) {
      case 'syn-stream': {
        const headers = decodeHeaderBlock(await this.#codec.inflate(frame.headerBlock));
        this.#lastStreamId = Math.max(this.#lastStreamId, frame.streamId);
        const stream = new SpdyStream(this, frame.streamId, headers);
        this.#streams.set(frame.streamId, stream);
        stream.once('close', () => this.#streams.delete(frame.streamId));
        void this.#enqueue(async () => encodeSynReply(frame.streamId, await this.#codec.deflate(encodeHeaderBlock({}))));
        if ((frame.flags & FLAG_FIN) !== 0) stream.remoteFin();
        this.emit('stream', stream);
        return;
      }
      case 'data': {
        const stream = this.#streams.get(frame.streamId);
        stream?.remoteData(Buffer.from(frame.data));
        if ((frame.flags & FLAG_FIN) !== 0) stream?.remoteFin();
        return;
      }
      case 'syn-reply':
      case 'headers':
        await this.#codec.inflate(frame.headerBlock); // keeps the context in step; the headers mean nothing here
        return;
      case 'rst-stream':
        this.#streams.get(frame.streamId)?.remoteReset();
        return;
      case 'ping':
        void this.#enqueue(async () => encodePing(frame.id));
        return;
      case 'goaway':
        this.#teardown();
        this.#socket.end();
        return;
      case 'ignored':
        return;
    }
  }

  #enqueue(make: () => Promise<Buffer>): Promise<void> {
    const next = this.#outbound.then(async () => {
      if (this.#socket.destroyed || this.#socket.writableEnded) return;
      const bytes = await make();
      if (!this.#socket.write(bytes)) await waitForDrain(this.#socket);
    });
    this.#outbound = next.catch(() => undefined);
    return next;
  }

  #teardown(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    for (const stream of this.#streams.values()) stream.remoteReset();
    this.#codec.close();
    this.emit('close');
  }
}

function waitForDrain(socket: Duplex): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}
