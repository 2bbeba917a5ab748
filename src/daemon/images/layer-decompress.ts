// A layer blob as the registry sent it (gzip, zstd or plain tar) → the plain tar the layer
// applier reads, hashed on the way: that hash is the layer's diff_id, which the image config
// lists and which must match, or the layer is not the one the image was built from.
//
// zstd: Node 20's zlib has no zstd (it arrives in Node 22.15/23.8). fzstd is a small, pure-JS,
// dependency-free streaming decoder, kept up by the author of fflate; a native addon would need a
// compiler on every install and a shell-out would need the zstd binary on every host.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import type { LayerCompression } from '../registry/manifest.ts';
import { RegistryError } from '../registry/registry-errors.ts';

/** Writes the uncompressed layer to `tarPath`; resolves with its digest ("sha256:<hex>"). */
export async function decompressLayer(blobPath: string, compression: LayerCompression, tarPath: string, label: string): Promise<string> {
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const stages = compression === 'gzip' ? [createGunzip()] : compression === 'zstd' ? [zstdStream()] : [];
  try {
    await pipeline([createReadStream(blobPath), ...stages, hasher, createWriteStream(tarPath, { mode: 0o600 })]);
  } catch (error) {
    throw new RegistryError('ERR_REGISTRY_BAD_MANIFEST', `${label}: the ${compression} stream is corrupt: ${(error as Error).message}`, { cause: error });
  }
  return `sha256:${hash.digest('hex')}`;
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
