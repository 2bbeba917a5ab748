// Garbage collection of staged pulls, layers and the content store. A staged pull (its
// image.postPull failed, kept so that a retry unpacks nothing) goes when no pull leases its config
// digest. A layer is kept while an image record or a staged pull names it, or an unpack holds it
// (layer-store.ts). A blob is kept while an image record names it (its manifest, config or a
// layer) or a pull or load holds a lease on it (they store blobs well before they write the
// record); everything else goes.
//
// Runs at daemon start (after a crash: what a pull that never got its record left, or an image
// whose record was deleted just before the crash), after `docker rmi` deletes an image and after
// `docker image prune`. Callers serialise it with record changes (LocalImageStore's queue).

import type { BlobStore } from '../content/blob-store.ts';
import type { ImageRecord } from './image-store.ts';
import type { LayerStore } from './layer-store.ts';

export interface GarbageCollected {
  /** Digests of the blobs removed. */
  blobs: string[];
  /** Hex ids of the staged pulls dropped. */
  staged: string[];
  /** ChainIDs of the layers removed. */
  layers: string[];
  /** Bytes of the removed blobs and layers. */
  bytes: number;
}

export interface GcInput {
  /** The content store; without one, no pull happens and only layers are collected. */
  blobs: BlobStore | undefined;
  records: Iterable<ImageRecord>;
  /** The store's staged pulls (hex → chainIDs); the ones dropped are deleted from the map. */
  staged: Map<string, string[]>;
  layers: LayerStore;
}

export async function collectGarbage(input: GcInput): Promise<GarbageCollected> {
  const records = [...input.records];
  const result: GarbageCollected = { blobs: [], staged: [], layers: [], bytes: 0 };
  for (const hex of [...input.staged.keys()]) {
    if (input.blobs?.isLeased(`sha256:${hex}`)) continue;
    input.staged.delete(hex);
    result.staged.push(hex);
  }
  const used = new Set([...records.flatMap((record) => record.chainIds ?? []), ...[...input.staged.values()].flat()]);
  const layers = await input.layers.collect(used);
  result.layers = layers.layers;
  result.bytes += layers.bytes;
  if (!input.blobs) return result;
  const referenced = referencedBlobs(records);
  for (const digest of await input.blobs.list()) {
    if (referenced.has(digest) || input.blobs.isLeased(digest)) continue;
    const size = await input.blobs.size(digest).catch(() => 0); // gone meanwhile: nothing to count
    await input.blobs.remove(digest);
    result.blobs.push(digest);
    result.bytes += size;
  }
  return result;
}

/** Every blob an image record names: manifest, config, layers. */
export function referencedBlobs(records: Iterable<ImageRecord>): Set<string> {
  const digests = new Set<string>();
  for (const record of records) {
    if (record.manifestDigest) digests.add(record.manifestDigest);
    if (record.configDigest) digests.add(record.configDigest);
    for (const layer of record.layers ?? []) digests.add(layer.digest);
  }
  return digests;
}
