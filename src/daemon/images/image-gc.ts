// Garbage collection of the content store and of staged pulls. A blob is kept while an image
// record names it (its manifest, config or a layer) or a pull holds a lease on it (a pull stores
// blobs well before it writes the record); everything else goes. A staged tree (a pull whose
// image.postPull failed, kept so that a retry unpacks nothing) goes when no pull leases its
// config digest: its blobs are unreferenced by then too, and both would otherwise stay forever.
//
// Runs at daemon start (after a crash: blobs of a pull that never got its record, or of an image
// whose record was deleted just before the crash), after `docker rmi` deletes an image and after
// `docker image prune`. Callers serialise it with record changes (LocalImageStore's queue).

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '../content/blob-store.ts';
import type { ImageRecord } from './image-store.ts';

export interface GarbageCollected {
  /** Digests of the blobs removed. */
  blobs: string[];
  /** Hex ids of the staged trees removed. */
  staged: string[];
  /** Bytes of the removed blobs. */
  bytes: number;
}

export interface GcInput {
  blobs: BlobStore;
  records: Iterable<ImageRecord>;
  /** The store's staged hex ids; the ones removed are deleted from the set. */
  staged: Set<string>;
  /** Where staged-<hex> trees live. */
  root: string;
}

export async function collectGarbage(input: GcInput): Promise<GarbageCollected> {
  const referenced = referencedBlobs(input.records);
  const result: GarbageCollected = { blobs: [], staged: [], bytes: 0 };
  for (const hex of [...input.staged]) {
    if (input.blobs.isLeased(`sha256:${hex}`)) continue;
    input.staged.delete(hex);
    await rm(join(input.root, `staged-${hex}`), { recursive: true, force: true });
    result.staged.push(hex);
  }
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
