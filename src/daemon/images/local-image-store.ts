// The daemon's image store on local disk:
//
//   <root>/layers/...          the layer store (layer-store.ts): each layer unpacked once, shared
//   <root>/records/<hex>.json  an image's ImageRecord (json-store: atomic, survives crashes): tags,
//                              config, and its layers as chainIDs (bottom first)
//   <root>/<hex>/rootfs        an image stored before per-layer snapshots: its one flattened tree,
//                              still used as the image's single lower (records without chainIds)
//   <root>/tmp-*               work dirs of imports, loads and saves (removed at open after a crash)
//
// A pulled image whose reference is not stored yet is staged (staged-pulls.ts). An image appears
// when its record is written, after all its layers are; tag and record changes are serialised
// through one queue, so a tag names exactly one image.

import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { writeSaveArchive } from './image-save.ts';
import type { ImageRecord, ImageStore, ImportOptions, PruneResult, PulledImage, PulledImageStore, PulledLayerApply } from './image-store.ts';
import type { BlobStore } from '../content/blob-store.ts';
import { collectGarbage, type GarbageCollected } from './image-gc.ts';
import { selectPrunable } from './image-prune.ts';
import { JsonStore } from '../store/json-store.ts';
import { CopySnapshotter } from './snapshots/copy-snapshotter.ts';
import type { Snapshotter } from './snapshots/snapshotter.ts';
import { ImageError } from './image-errors.ts';
import { normalizeRepoTag, requireRepoTag } from './image-reference.ts';
import { lookupImage } from './image-lookup.ts';
import { decideRemove } from './image-remove.ts';
import { importRootfs, loadArchive, type CommitFields, type ImportSink } from './image-import.ts';
import { chainIds, LayerStore } from './layer-store.ts';
import { StagedPulls } from './staged-pulls.ts';
import { flattenedForSave, snapshotLayers } from './image-layers.ts';

export interface ImageStoreLogger {
  warn(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
}

export interface LocalImageStoreOptions {
  /** Directory the store owns, e.g. <dataRoot>/images. */
  root: string;
  /** How containers get their rootfs from an image; copy when not given. */
  snapshotter?: Snapshotter;
  logger?: ImageStoreLogger;
  /**
   * The content store pulls fill: given, its unreferenced blobs (and staged trees) are collected at
   * open, after an image is deleted, and by prune (image-gc.ts).
   */
  blobs?: BlobStore;
}

export class LocalImageStore implements ImageStore, PulledImageStore {
  readonly #root: string;
  readonly #snapshotter: Snapshotter;
  readonly #records: JsonStore<ImageRecord>;
  /** hex → record; the in-memory truth, always equal to what is on disk once #queue drains. */
  readonly #images = new Map<string, ImageRecord>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #staged: StagedPulls;
  readonly #blobs: BlobStore | undefined;
  readonly #logger: ImageStoreLogger | undefined;
  readonly #layers: LayerStore;

  private constructor(options: LocalImageStoreOptions, layers: LayerStore) {
    this.#layers = layers;
    this.#staged = new StagedPulls(layers);
    this.#root = options.root;
    this.#blobs = options.blobs;
    this.#logger = options.logger;
    this.#snapshotter = options.snapshotter ?? new CopySnapshotter();
    this.#records = new JsonStore<ImageRecord>(join(options.root, 'records'));
  }

  /** Loads the records and removes what a crash left behind (work dirs, half layers, orphans). */
  static async open(options: LocalImageStoreOptions): Promise<LocalImageStore> {
    await mkdir(options.root, { recursive: true, mode: 0o700 });
    const layers = await LayerStore.open(join(options.root, 'layers'), (obj, msg) => options.logger?.warn(obj, msg));
    const store = new LocalImageStore(options, layers);
    const { records, corrupt } = await store.#records.load();
    for (const { file, reason } of corrupt) options.logger?.warn({ file, reason }, 'image record is corrupt and was skipped');
    for (const [hex, record] of records) {
      const missing = record.chainIds?.find((id) => !layers.get(id));
      if (missing) options.logger?.warn({ image: record.Id, layer: missing }, 'image record names a layer the layer store lacks; skipped');
      else store.#images.set(hex, record);
    }
    for (const entry of await readdir(options.root)) {
      // staged-<hex>: a staged tree of the store before per-layer snapshots (collected at start anyway).
      const orphan = entry.startsWith('tmp-') || entry.startsWith('staged-') || (/^[0-9a-f]{64}$/.test(entry) && !records.has(entry));
      if (orphan) await rm(join(options.root, entry), { recursive: true, force: true });
    }
    await store.#collect('start'); // what a crash left: layers and blobs of a pull that never got its record, or of a deleted image
    return store;
  }

  importRootfs(tarball: Readable, options: ImportOptions): Promise<ImageRecord> {
    return importRootfs(this.#sink(), tarball, options);
  }

  load(tarball: Readable): Promise<ImageRecord[]> {
    return loadArchive(this.#sink(), tarball);
  }

  #sink(): ImportSink {
    return {
      has: (hex) => this.#images.has(hex),
      inWorkDir: (run) => this.#inWorkDir(run),
      layers: this.#layers,
      ...(this.#blobs ? { blobs: this.#blobs } : {}),
      commit: (hex, ids, fields, tags) => this.#commit(hex, ids, fields, tags),
    };
  }

  isStaged(hex: string): boolean {
    return this.#staged.has(hex);
  }

  unpackPulled(pulled: PulledImage, apply: PulledLayerApply): Promise<void> {
    return this.#images.has(pulled.hex) ? Promise.resolve() : this.#staged.unpack(pulled, apply);
  }

  draftPulled(pulled: PulledImage, repoDigest: string): ImageRecord {
    const existing = this.#images.get(pulled.hex);
    const ids = existing?.chainIds ?? chainIds(pulled.layers.map((layer) => layer.diffId));
    return {
      Id: `sha256:${pulled.hex}`, RepoTags: existing?.RepoTags ?? [], Size: existing?.Size ?? this.#layersSize(ids),
      rootfsDir: existing?.rootfsDir ?? '', ...(existing && !existing.chainIds ? {} : { chainIds: ids }),
      ...pulled.fields,
      RepoDigests: [...new Set([...(existing?.RepoDigests ?? []), repoDigest])],
      layers: pulled.layers, configDigest: pulled.configDigest, manifestDigest: pulled.manifestDigest,
    };
  }

  commitPulled(pulled: PulledImage, tags: string[], repoDigest: string): Promise<ImageRecord> {
    return this.#serial(async () => {
      const draft = this.draftPulled(pulled, repoDigest);
      const existing = this.#images.get(pulled.hex);
      if (existing) {
        const updated = { ...existing, RepoDigests: draft.RepoDigests ?? [], layers: pulled.layers, configDigest: pulled.configDigest, manifestDigest: pulled.manifestDigest };
        await this.#save(updated);
        return this.#moveTags(updated, tags.map(requireRepoTag));
      }
      const staged = this.#staged.entries.get(pulled.hex);
      if (!staged) throw new ImageError('ERR_IMAGE_NOT_FOUND', `image ${pulled.hex} was collected before its reference could be stored; pull it again`);
      const record: ImageRecord = { ...draft, chainIds: staged, Size: this.#layersSize(staged) };
      await this.#save(record);
      this.#staged.take(pulled.hex);
      return this.#moveTags(record, tags.map(requireRepoTag));
    });
  }

  list(): ImageRecord[] {
    return [...this.#images.values()];
  }

  /** Tag first ("name:tag", "name" = name:latest), then full id, then a unique id prefix (image-lookup.ts). */
  resolve(reference: string): ImageRecord | undefined {
    return lookupImage(this.#images, reference);
  }

  tag(reference: string, repoTag: string): Promise<void> {
    const normal = requireRepoTag(repoTag);
    return this.#serial(async () => {
      const image = this.#require(reference);
      await this.#moveTags(image, [normal]);
    });
  }

  /** `docker rmi` by Docker's rules (image-remove.ts); a deleted image's unused layers and blobs are collected. */
  remove(reference: string, options: { force: boolean; isInUse: (imageId: string) => boolean }): Promise<{ untagged: string[]; deleted: string[] }> {
    return this.#serial(async () => {
      const image = this.#require(reference);
      const step = decideRemove(image, reference, options);
      if (step.kind === 'untag') {
        await this.#save({ ...image, RepoTags: step.keep });
        return { untagged: step.untagged, deleted: [] };
      }
      await this.#delete(image);
      await this.#collect('rmi');
      return { untagged: step.untagged, deleted: [image.Id] };
    });
  }

  prune(options: { filters: Record<string, string[]>; isInUse: (imageId: string) => boolean }): Promise<PruneResult> {
    return this.#serial(async () => {
      const chosen = selectPrunable(this.list(), options.filters, options.isInUse);
      let spaceReclaimed = 0;
      for (const image of chosen) {
        await this.#delete(image);
        if (!image.chainIds) spaceReclaimed += image.Size; // a flattened tree; layers are counted as collected
      }
      spaceReclaimed += (await this.#collect('prune')).bytes;
      return { deleted: chosen, spaceReclaimed };
    });
  }

  async save(references: string[], out: Writable): Promise<void> {
    const requests = references.map((reference) => {
      const image = this.#require(reference);
      const tag = normalizeRepoTag(reference);
      return { image, repoTags: tag !== undefined && image.RepoTags.includes(tag) ? [tag] : [] };
    });
    await this.#inWorkDir(async (work) => {
      // A layered image saved as one tree (no blobs to save it as pulled) gets a flattened copy.
      for (const request of requests) request.image = await flattenedForSave(request.image, this.#layers, this.#blobs, work);
      await writeSaveArchive(requests, this.#blobs, work, out);
    });
  }

  async contentSize(): Promise<number> {
    return this.#blobs ? this.#blobs.totalSize() : 0;
  }

  unpackedSize(): number {
    const legacy = [...this.#images.values()].filter((image) => !image.chainIds).reduce((sum, image) => sum + image.Size, 0);
    return legacy + this.#layers.list().reduce((sum, layer) => sum + layer.size, 0);
  }

  sharedSize(image: ImageRecord): number {
    const others = new Set([...this.#images.values()].filter((other) => other.Id !== image.Id).flatMap((other) => other.chainIds ?? []));
    return this.#layersSize((image.chainIds ?? []).filter((id) => others.has(id)));
  }

  /** Record first (the point of no return); a legacy tree goes with it, layers at the next collection. */
  async #delete(image: ImageRecord): Promise<void> {
    const hex = hexOf(image);
    await this.#records.delete(hex);
    this.#images.delete(hex);
    await rm(join(this.#root, hex), { recursive: true, force: true });
  }

  /** Unleased staged pulls, layers no image or staged pull names, unreferenced blobs. */
  async #collect(why: 'start' | 'rmi' | 'prune'): Promise<GarbageCollected> {
    const collected = await collectGarbage({ blobs: this.#blobs, records: this.#images.values(), staged: this.#staged.entries, layers: this.#layers });
    if (collected.blobs.length + collected.staged.length + collected.layers.length > 0) {
      this.#logger?.info?.({ why, blobs: collected.blobs.length, layers: collected.layers.length, bytes: collected.bytes, staged: collected.staged.length }, 'image garbage collected');
    }
    return collected;
  }

  get snapshotterName(): string {
    return this.#snapshotter.name;
  }

  /** A snapshot over the image's layers (overlayfs), or a copy of them (copy). */
  async prepareRootfs(image: ImageRecord, targetDir: string): Promise<void> {
    try {
      await this.#snapshotter.prepare(snapshotLayers(image, this.#layers), targetDir);
    } catch (error) {
      throw new Error(`could not prepare a rootfs from image ${image.Id} in ${targetDir}: ${(error as Error).message}`, { cause: error });
    }
  }

  releaseRootfs(targetDir: string): Promise<void> {
    return this.#snapshotter.release(targetDir);
  }

  /** After a restart: each live container's rootfs mounted again if it is not (a reboot unmounts). */
  async ensureRootfs(imageId: string, targetDir: string): Promise<void> {
    const image = this.resolve(imageId);
    if (image) await this.#snapshotter.ensure(snapshotLayers(image, this.#layers), targetDir);
  }

  /** Makes the layers `ids` (present, held by the caller) an image, or re-tags the existing one with that id. */
  #commit(hex: string, ids: string[], fields: CommitFields, tags: string[]): Promise<ImageRecord> {
    return this.#serial(async () => {
      const existing = this.#images.get(hex);
      if (existing) return this.#moveTags(existing, tags);
      const record: ImageRecord = { Id: `sha256:${hex}`, RepoTags: [], Size: this.#layersSize(ids), rootfsDir: '', chainIds: ids, ...fields };
      await this.#save(record);
      return this.#moveTags(record, tags);
    });
  }

  #layersSize(ids: readonly string[]): number {
    return ids.reduce((sum, id) => sum + (this.#layers.get(id)?.size ?? 0), 0);
  }

  /** Adds tags to `image`, taking each from whichever image had it (that one keeps its id). */
  async #moveTags(image: ImageRecord, tags: string[]): Promise<ImageRecord> {
    const fresh = tags.filter((tag) => !image.RepoTags.includes(tag));
    if (fresh.length === 0) return image;
    for (const other of this.#images.values()) {
      if (other.Id !== image.Id && other.RepoTags.some((tag) => fresh.includes(tag))) {
        await this.#save({ ...other, RepoTags: other.RepoTags.filter((tag) => !fresh.includes(tag)) });
      }
    }
    const updated = { ...image, RepoTags: [...image.RepoTags, ...fresh] };
    await this.#save(updated);
    return updated;
  }

  async #save(record: ImageRecord): Promise<void> {
    await this.#records.put(hexOf(record), record);
    this.#images.set(hexOf(record), record);
  }

  #require(reference: string): ImageRecord {
    const image = this.resolve(reference);
    if (!image) throw new ImageError('ERR_IMAGE_NOT_FOUND', `No such image: ${reference}`);
    return image;
  }

  #serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#queue.catch(() => undefined).then(step);
    this.#queue = next;
    return next;
  }

  async #inWorkDir<T>(run: (work: string) => Promise<T>): Promise<T> {
    const work = await mkdtemp(join(this.#root, 'tmp-'));
    try {
      return await run(work);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
}

function hexOf(record: ImageRecord): string {
  return record.Id.slice('sha256:'.length);
}
