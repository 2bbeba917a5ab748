// An image record's layers as the snapshotters and `docker save` need them. A record with
// chainIds is layered (its layers are in the layer store); one without is an image stored before
// per-layer snapshots, whose one flattened tree (rootfsDir) is its single lower.

import { join } from 'node:path';
import type { BlobStore } from '../content/blob-store.ts';
import type { ImageRecord } from './image-store.ts';
import { EMPTY_LOWER, type LayerStore } from './layer-store.ts';
import { CopySnapshotter } from './snapshots/copy-snapshotter.ts';
import type { SnapshotLayers } from './snapshots/snapshotter.ts';

export function snapshotLayers(image: ImageRecord, layers: LayerStore): SnapshotLayers {
  const none = { whiteouts: [], opaques: [] };
  if (!image.chainIds) return { base: layers.root, lowers: [image.rootfsDir], markers: [none] };
  if (image.chainIds.length === 0) return { base: layers.root, lowers: [EMPTY_LOWER], markers: [none] };
  const top = [...image.chainIds].reverse();
  return {
    base: layers.root,
    lowers: top.map((id) => layers.dirOf(id)),
    markers: top.map((id) => layers.get(id)!.markers),
  };
}

/**
 * The record `docker save` gets (image-save.ts saves an image without its blobs from `rootfsDir`):
 * for a layered image without every blob, `rootfsDir` is its one layer dir (a bottom layer holds no
 * markers) or, with several layers, a flattened copy made in `work`.
 */
export async function flattenedForSave(image: ImageRecord, layers: LayerStore, blobs: BlobStore | undefined, work: string): Promise<ImageRecord> {
  if (!image.chainIds || await hasEveryBlob(image, blobs)) return image;
  const snapshot = snapshotLayers(image, layers);
  if (snapshot.lowers.length === 1) return { ...image, rootfsDir: join(layers.root, snapshot.lowers[0]!) };
  const flat = join(work, `flat-${image.Id.slice('sha256:'.length)}`);
  await new CopySnapshotter().prepare(snapshot, flat);
  return { ...image, rootfsDir: flat };
}

async function hasEveryBlob(image: ImageRecord, blobs: BlobStore | undefined): Promise<boolean> {
  if (!blobs || !image.configDigest || !image.layers || image.layers.length === 0) return false;
  for (const digest of [image.configDigest, ...image.layers.map((layer) => layer.digest)]) if (!(await blobs.has(digest))) return false;
  return true;
}
