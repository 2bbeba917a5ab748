// A layer blob as the registry sent it (gzip, zstd or plain tar) → the stream stages that turn it
// into the plain tar the layer applier reads, hashing the tar on the way: that hash is the layer's
// diff_id, which the image config lists and which must match, or the layer is not the one the
// image was built from. The caller reads the digest once the stages have ended.
//
// zstd: Node 20's zlib has no zstd (it arrives in Node 22.15/23.8). fzstd is a small, pure-JS,
// dependency-free streaming decoder, kept up by the author of fflate; a native addon would need a
// compiler on every install and a shell-out would need the zstd binary on every host.

import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import type { LayerCompression } from '../registry/manifest.ts';
import { READ_CHUNK_BYTES } from './tar-archive.ts';

export interface DecompressStages {
  /** The decompressor (if any) then the hasher: pipe the blob's bytes into the first. */
  stages: Transform[];
  /** "sha256:<hex>" of every uncompressed byte; call after the last stage has ended. */
  diffId(): string;
}

export function decompressStages(compression: LayerCompression): DecompressStages {
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const decompressor = compression === 'gzip' ? [createGunzip({ chunkSize: READ_CHUNK_BYTES })] : compression === 'zstd' ? [zstdStream()] : [];
  return { stages: [...decompressor, hasher], diffId: () => `sha256:${hash.digest('hex')}` };
}

/** fzstd's push decoder as a Node Transform (it may emit several chunks per push). */
function zstdStream(): Transform {
  const state: { decoder?: Decompress } = {};
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        state.decoder!.push(chunk);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        state.decoder!.push(new Uint8Array(0), true);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  // The decoder reuses its window buffer, so each chunk is copied before it is queued.
  state.decoder = new Decompress((data) => stream.push(Buffer.from(data)));
  return stream;
}
