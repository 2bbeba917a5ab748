// A snapshotter turns an image's layers (committed, read-only snapshots every container of the
// image shares: the layer store's dirs, in the overlay format) into one container's writable root
// filesystem, and takes it away again. `overlayfs` mounts the layer dirs as lower layers under a
// per-container upper dir, so creating a container costs the same for any image size; `copy`
// applies the layer dirs one over the other into the container dir (the fallback where overlayfs
// cannot mount, e.g. without root or on a filesystem it refuses).

import type { LayerMarkers } from '../layer-markers.ts';

export type SnapshotterName = 'overlayfs' | 'copy';

/** An image's layers as a snapshotter needs them. */
export interface SnapshotLayers {
  /** The layer store's root: relative `lowers` start here, and overlayfs's mount runs here. */
  base: string;
  /**
   * The lower dirs, top first: relative to `base` (a layer's short dir name, or the empty dir for
   * an image without layers), or absolute (an image stored before per-layer snapshots: its one
   * flattened tree). Never empty.
   */
  lowers: string[];
  /** For each lower, in the same order: what it hides of the ones below it. */
  markers: LayerMarkers[];
}

export interface Snapshotter {
  readonly name: SnapshotterName;
  /** Makes `targetDir` (created) the container's rootfs over the image's layers. */
  prepare(layers: SnapshotLayers, targetDir: string): Promise<void>;
  /** Undoes prepare's mount, if any (idempotent); the caller then removes the container dir. */
  release(targetDir: string): Promise<void>;
  /** After a restart or reboot: mounts again what a live container needs and is not mounted. */
  ensure(layers: SnapshotLayers, targetDir: string): Promise<void>;
}

export const SNAPSHOTTERS: readonly SnapshotterName[] = ['overlayfs', 'copy'];
