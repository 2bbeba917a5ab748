// The blobs of one `docker save` archive (image-save.ts): every image becomes a config, a manifest
// and layers under `blobs/sha256/<hex>`, the OCI image layout's content store, plus the paths
// Docker's classic manifest.json gives for the config and each layer.
//
// A pulled image whose blobs are in the content store is saved as pulled: its manifest, config
// and layer blobs byte for byte, each copy checked against its digest, so the saved manifest's
// digest is the registry's (the RepoDigest) and the config's is the image id. manifest.json points
// at the same compressed layer blobs (Docker's loader and hookd's read gzip), except a zstd layer:
// Debian's dockerd and hookd's loader read only plain and gzip tars, so manifest.json names the
// layer decompressed (checked against its diff_id), an extra blob the OCI manifest does not list
// (the image-layout spec allows blobs no manifest references).
//
// An imported or loaded image has no blobs, only its unpacked tree: the tree becomes one plain tar
// layer, and its config and an OCI manifest are written for it (`docker load` of the archive gives
// an image with the same content and config but a new id).

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import type { BlobLease, BlobStore } from '../content/blob-store.ts';
import { layerCompression, MEDIA, parseImageManifest, type Descriptor } from '../registry/manifest.ts';
import { decompressStages } from './layer-decompress.ts';
import { ImageError } from './image-errors.ts';
import type { ImageRecord } from './image-store.ts';

const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';

/** Docker's layer media types and the OCI ones for the same bytes. */
const OCI_LAYER_TYPE: Record<string, string> = {
  'application/vnd.docker.image.rootfs.diff.tar': OCI_LAYER_TAR,
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
};

/** One image as saved: its manifest blob, and the manifest.json paths of its config and layers. */
export interface SavedImage {
  manifest: Descriptor;
  configPath: string;
  layerPaths: string[];
}

/** `blobs/sha256` under the archive's scratch dir; each digest is written once. */
export class SaveBlobs {
  readonly #work: string;
  readonly #dir: string;
  readonly #written = new Set<string>();

  constructor(work: string) {
    this.#work = work;
    this.#dir = join(work, 'blobs', 'sha256');
  }

  async create(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
  }

  /** A scratch file beside (never inside) `blobs/`, which the archive takes whole. */
  temp(name: string): string {
    return join(this.#work, name);
  }

  /** The path manifest.json and the tar use ("blobs/sha256/<hex>"). */
  static relative(digest: string): string {
    return `blobs/sha256/${digest.slice('sha256:'.length)}`;
  }

  has(digest: string): boolean {
    return this.#written.has(digest);
  }

  async writeBytes(bytes: Buffer): Promise<{ digest: string; size: number }> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (!this.#written.has(digest)) {
      await writeFile(this.#file(digest), bytes, { mode: 0o644 });
      this.#written.add(digest);
    }
    return { digest, size: bytes.length };
  }

  /** Copies a content-store blob, refusing bytes that no longer hash to its digest. */
  async copyFrom(store: BlobStore, digest: string, what: string): Promise<void> {
    if (this.#written.has(digest)) return;
    const { stages, diffId: sha256 } = decompressStages('none');
    await pipeline([createReadStream(store.path(digest)), ...stages, createWriteStream(this.#file(digest), { mode: 0o644 })]);
    if (sha256() !== digest) throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${what}: the stored blob ${digest} now hashes to ${sha256()}; it cannot be saved`);
    this.#written.add(digest);
  }

  /** Takes a finished file in the scratch dir as the blob `digest`. */
  async adopt(file: string, digest: string): Promise<void> {
    if (this.#written.has(digest)) return; // the same content twice: the temp file goes with the scratch dir
    await rename(file, this.#file(digest));
    this.#written.add(digest);
  }

  #file(digest: string): string {
    return join(this.#dir, digest.slice('sha256:'.length));
  }
}

/** True when the image's config and layer blobs are all in the content store (held by `lease` from here on). */
export async function canSaveAsPulled(image: ImageRecord, store: BlobStore | undefined, lease: BlobLease | undefined): Promise<boolean> {
  if (!store || !lease || !image.configDigest || !image.layers || image.layers.length === 0) return false;
  const digests = [image.configDigest, ...image.layers.map((layer) => layer.digest)];
  for (const digest of digests) lease.add(digest);
  if (image.manifestDigest) lease.add(image.manifestDigest);
  for (const digest of digests) if (!(await store.has(digest))) return false;
  return true;
}

export async function savePulled(image: ImageRecord, store: BlobStore, out: SaveBlobs): Promise<SavedImage> {
  const what = `image ${image.Id}`;
  const configDigest = image.configDigest!;
  await out.copyFrom(store, configDigest, `${what} config`);
  const layerPaths: string[] = [];
  for (const [index, layer] of image.layers!.entries()) {
    await out.copyFrom(store, layer.digest, `${what} layer ${index + 1}`);
    if (layerCompression(layer.mediaType) !== 'zstd') {
      layerPaths.push(SaveBlobs.relative(layer.digest));
      continue;
    }
    if (!out.has(layer.diffId)) {
      const temp = out.temp(`zstd-${layer.diffId.slice('sha256:'.length)}.tar`);
      const { stages, diffId } = decompressStages('zstd');
      await pipeline([createReadStream(store.path(layer.digest)), ...stages, createWriteStream(temp, { mode: 0o644 })]);
      if (diffId() !== layer.diffId) {
        throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${what} layer ${index + 1}: the stored blob ${layer.digest} decompresses to ${diffId()}, not its diff_id ${layer.diffId}`);
      }
      await out.adopt(temp, layer.diffId);
    }
    layerPaths.push(SaveBlobs.relative(layer.diffId));
  }
  return { manifest: await pulledManifest(image, store, out), configPath: SaveBlobs.relative(configDigest), layerPaths };
}

/**
 * The registry's manifest when the store still has it and it names this config and these layers;
 * otherwise an OCI manifest written for them (a loaded image has no registry manifest), Docker
 * layer media types given as their OCI equivalents: OCI tools look an index entry up by its ref
 * name only when it is an OCI manifest (skopeo 1.9 skips any other).
 */
async function pulledManifest(image: ImageRecord, store: BlobStore, out: SaveBlobs): Promise<Descriptor> {
  const layers = image.layers!;
  if (image.manifestDigest && (await store.has(image.manifestDigest))) {
    const bytes = await store.read(image.manifestDigest);
    const mediaType = manifestMediaType(bytes);
    const parsed = (() => {
      try {
        return parseImageManifest(bytes, `manifest ${image.manifestDigest}`);
      } catch {
        return undefined; // not usable as the image's manifest: one is written below
      }
    })();
    const matches = parsed !== undefined && parsed.config.digest === image.configDigest
      && parsed.layers.length === layers.length && parsed.layers.every((layer, i) => layer.digest === layers[i]!.digest);
    if (mediaType && matches) {
      const written = await out.writeBytes(bytes);
      if (written.digest === image.manifestDigest) return { mediaType, ...written };
    }
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: { mediaType: MEDIA.ociConfig, digest: image.configDigest!, size: await store.size(image.configDigest!) },
    layers: layers.map((layer) => ({ mediaType: OCI_LAYER_TYPE[layer.mediaType] ?? layer.mediaType, digest: layer.digest, size: layer.size })),
  };
  return { mediaType: manifest.mediaType, ...(await out.writeBytes(Buffer.from(JSON.stringify(manifest)))) };
}

/** An image manifest's media type: its own field, or OCI's when an OCI manifest leaves it out. */
function manifestMediaType(bytes: Buffer): string | undefined {
  try {
    const json = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown };
    if (json.mediaType === undefined) return MEDIA.ociManifest;
    return json.mediaType === MEDIA.ociManifest || json.mediaType === MEDIA.dockerManifest ? json.mediaType : undefined;
  } catch {
    return undefined;
  }
}

/** The unpacked tree as one plain tar layer (GNU tar reads it without following links), a config and an OCI manifest naming it. */
export async function saveTree(image: ImageRecord, out: SaveBlobs): Promise<SavedImage> {
  const temp = out.temp(`tree-${image.Id.slice('sha256:'.length, 'sha256:'.length + 12)}.tar`);
  await execa('tar', ['--numeric-owner', '--xattrs', '-C', image.rootfsDir, '-cf', temp, '.']);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(temp)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  const layer = { mediaType: OCI_LAYER_TAR, digest: `sha256:${hash.digest('hex')}`, size };
  await out.adopt(temp, layer.digest);
  const config = await out.writeBytes(Buffer.from(JSON.stringify({
    architecture: image.Architecture, os: image.Os, created: image.Created, comment: image.Comment, config: image.Config,
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
  })));
  const manifest = { schemaVersion: 2, mediaType: MEDIA.ociManifest, config: { mediaType: MEDIA.ociConfig, ...config }, layers: [layer] };
  return {
    manifest: { mediaType: MEDIA.ociManifest, ...(await out.writeBytes(Buffer.from(JSON.stringify(manifest)))) },
    configPath: SaveBlobs.relative(config.digest),
    layerPaths: [SaveBlobs.relative(layer.digest)],
  };
}
