// SPDY/3 header compression (§2.6.10.1): each direction of a session keeps ONE zlib context,
// primed with the SPDY dictionary, across all its header blocks, and every block ends with a
// sync flush. So a block can only be decoded after all earlier ones: callers run these one at a
// time, in frame order (spdy-session.ts queues them).
//
// Node's zlib streams keep the context; after `flush(Z_SYNC_FLUSH)` calls back, the output of
// everything written before it has been pushed into the readable buffer, where read() takes it.

import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_HEADER_DICTIONARY } from './spdy-dictionary.ts';

/** Larger than any header block the Kubernetes clients send, so a block's output never waits for a read. */
const BUFFER_BYTES = 1 << 20;

export class SpdyHeaderCodec {
  readonly #inflate: Inflate = createInflate({ dictionary: SPDY3_HEADER_DICTIONARY, readableHighWaterMark: BUFFER_BYTES } as object);
  readonly #deflate: Deflate = createDeflate({ dictionary: SPDY3_HEADER_DICTIONARY, readableHighWaterMark: BUFFER_BYTES } as object);

  constructor() {
    // Errors surface through the pending operation's rejection (below); these keep an error
    // after close from being an uncaught 'error' event.
    this.#inflate.on('error', () => undefined);
    this.#deflate.on('error', () => undefined);
  }

  /** The uncompressed block of the peer's next compressed header block. */
  inflate(compressed: Buffer): Promise<Buffer> {
    return runThrough(this.#inflate, compressed);
  }

  /** Our next header block, compressed in this session's context. */
  deflate(block: Buffer): Promise<Buffer> {
    return runThrough(this.#deflate, block);
  }

  close(): void {
    this.#inflate.destroy();
    this.#deflate.destroy();
  }
}

function runThrough(stream: Inflate | Deflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(new Error(`SPDY header block: ${error.message}`));
    stream.once('error', onError);
    stream.write(input);
    stream.flush(constants.Z_SYNC_FLUSH, () => {
      stream.off('error', onError);
      const chunks: Buffer[] = [];
      for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) chunks.push(chunk);
      resolve(Buffer.concat(chunks));
    });
  });
}
