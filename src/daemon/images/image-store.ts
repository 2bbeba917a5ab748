// The seam between the daemon and its local image store (implemented in images/*.ts). Images
// come from `docker import` (a rootfs tarball), `docker load` (a `docker save` tarball) and a
// registry pull (pull/pull-image.ts). Each layer is kept unpacked once and shared by the images
// that have it (layer-store.ts), and a container's rootfs is a snapshot over its image's layers
// (snapshots/), so containers never change their image.

import type { Readable, Writable } from 'node:stream';
import type { HealthcheckConfig } from '../containers/health-config.ts';
import type { RootDir } from '../rootfs/in-root.ts';
import type { LayerMarkers } from './layer-markers.ts';

/** What GET /images/{name}/json shows, in Docker's field names, plus where the rootfs lives. */
export interface ImageRecord {
  Id: string; // "sha256:<hex>"
  RepoTags: string[];
  Created: string; // RFC 3339
  Size: number;
  Architecture: string;
  Os: string;
  Comment: string;
  Config: ImageConfig;
  /**
   * An image stored before per-layer snapshots: the host directory holding its flattened root
   * filesystem, its single lower. "" for a layered image (one with chainIds). Not in Docker's JSON.
   */
  rootfsDir: string;
  /** The image's layers in the layer store (layer-store.ts), as chainIDs, bottom first. Not in Docker's JSON. */
  chainIds?: string[];
  /** "name@sha256:<manifest digest>" for each repository the image was pulled from. */
  RepoDigests?: string[];
  /** Pulled and loaded images: the layer blobs, bottom first (imported images have none in the content store). */
  layers?: LayerRecord[];
  /** Pulled images: the config blob's digest ("sha256:<hex>" = Id) and the manifest's. */
  configDigest?: string;
  manifestDigest?: string;
}

export interface LayerRecord {
  /** The blob as the registry stores it (compressed). */
  digest: string;
  mediaType: string;
  size: number;
  /** sha256 of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: string;
}

/** What a registry pull found, before the image is stored. Id = sha256:<hex> of the config. */
export interface PulledImage {
  hex: string;
  configDigest: string;
  manifestDigest: string;
  layers: LayerRecord[];
  fields: Pick<ImageRecord, 'Created' | 'Architecture' | 'Os' | 'Comment' | 'Config'>;
}

export interface ImageConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  StopSignal?: string;
  /** HEALTHCHECK; a container's Config.Healthcheck inherits it (containers/health-config.ts). */
  Healthcheck?: HealthcheckConfig;
}

export interface ImportOptions {
  /** "name:tag" (tag defaults to "latest"); optional. */
  repoTag?: string;
  /** Dockerfile-like instructions from `docker import --change` ("CMD ["/bin/sh"]", "ENV A=b"). */
  changes?: string[];
  message?: string;
}

export interface ImageStore {
  importRootfs(tarball: Readable, options: ImportOptions): Promise<ImageRecord>;
  /** Loads every image in a `docker save` tarball; returns them in order. */
  load(tarball: Readable): Promise<ImageRecord[]>;
  list(): ImageRecord[];
  /** By id, id prefix, "name:tag", or "name" (= name:latest). */
  resolve(reference: string): ImageRecord | undefined;
  tag(reference: string, repoTag: string): Promise<void>;
  /** Removes a tag, or the image when no tag is left; refuses (409) when a container uses it unless forced. */
  remove(reference: string, options: { force: boolean; isInUse: (imageId: string) => boolean }): Promise<{ untagged: string[]; deleted: string[] }>;
  /**
   * `docker image prune`: removes the images the filters select (image-prune.ts) that no container
   * uses, then collects unreferenced blobs and staged trees. Bad filters throw before anything goes.
   */
  prune?(options: { filters: Record<string, string[]>; isInUse: (imageId: string) => boolean }): Promise<PruneResult>;
  /**
   * `docker save`: writes a tarball `docker load` reads (image-save.ts) of the images `references`
   * name to `out` (not ended). Every reference is resolved first: an unknown one throws
   * ERR_IMAGE_NOT_FOUND before anything is written.
   */
  save?(references: string[], out: Writable): Promise<void>;
  /** Bytes held by the content store (compressed blobs), for `docker system df`. */
  contentSize?(): Promise<number>;
  /** Bytes of the unpacked layers, each counted once however many images share it (plus pre-layer trees). */
  unpackedSize?(): number;
  /** Bytes of `image`'s layers that another image has too (Docker's SharedSize). */
  sharedSize?(image: ImageRecord): number;
  /** Makes `targetDir` (created) a container rootfs over the image: a snapshot (overlayfs) or a copy. */
  prepareRootfs(image: ImageRecord, targetDir: string): Promise<void>;
  /** Unmounts what prepareRootfs mounted (idempotent); call before removing the container dir. */
  releaseRootfs?(targetDir: string): Promise<void>;
  /** Mounts a recorded container's rootfs again when it is not mounted (after a reboot). */
  ensureRootfs?(imageId: string, targetDir: string): Promise<void>;
  /** The snapshotter containers get ("overlayfs" or "copy"), shown as the container's Driver. */
  readonly snapshotterName?: string;
}

export interface PruneResult {
  /** The removed images, with the tags they had. */
  deleted: ImageRecord[];
  /** Unpacked trees' sizes plus the bytes of the blobs collected. */
  spaceReclaimed: number;
}

export type PulledLayerApply = (index: number, root: RootDir, lowers: readonly RootDir[]) => Promise<LayerMarkers>;

/** What a registry pull needs besides the ImageStore basics (LocalImageStore has both). */
export interface PulledImageStore {
  /** True when a pulled image's tree is unpacked but its reference was never stored (postPull failed). */
  isStaged(hex: string): boolean;
  /**
   * Unpacks a pulled image's layers that the layer store lacks, bottom first: `apply` fills the
   * empty layer dir of layer `index` (the lower layers given top first); a layer that throws is
   * not kept. Concurrent calls for one image share one run; layers other images have are reused.
   */
  unpackPulled(pulled: PulledImage, apply: PulledLayerApply): Promise<void>;
  /** The record the image will have once committed (what image.postPull is shown). */
  draftPulled(pulled: PulledImage, repoDigest: string): ImageRecord;
  /** Stores the image record and its tags; the reference is visible from here on. */
  commitPulled(pulled: PulledImage, tags: string[], repoDigest: string): Promise<ImageRecord>;
}
