// `docker import` (a rootfs tarball becomes a one-layer image) and `docker load` (a `docker save`
// tarball, its images and their layers), on top of the store's work dirs, layer store and commit
// step (LocalImageStore gives them through ImportSink). Both read an untrusted tarball: it is saved
// to the work dir first, then unpacked and applied through the in-root module (src/daemon/rootfs).
//
// A loaded image keeps its layer list: each layer tarball and the config file are stored in the
// content store as they are in the archive (so `docker save` writes them back byte for byte and
// the image keeps its id), and each layer is unpacked into the layer store, where a layer another
// image already has is reused. The layers' diff_ids are computed, and must match the config's.

import { createHash } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { BlobStore } from '../content/blob-store.ts';
import type { ImageConfig, ImageRecord, ImportOptions, LayerRecord } from './image-store.ts';
import { applyChanges } from './image-changes.ts';
import { ImageError } from './image-errors.ts';
import { normalizeRepoTag, requireRepoTag } from './image-reference.ts';
import { readDockerArchive, type ArchivedImage } from './docker-archive.ts';
import { withRootDir, type RootDir } from '../rootfs/in-root.ts';
import { chainIds, type LayerStore } from './layer-store.ts';
import { applyLayer, unpackTar } from './layer-apply.ts';
import { saveStream } from './tar-archive.ts';
import { hostPlatform } from '../registry/manifest.ts';

/** The record fields an import or load decides; the store adds Id, RepoTags, Size and the layers. */
export type CommitFields = Omit<ImageRecord, 'Id' | 'RepoTags' | 'Size' | 'rootfsDir' | 'chainIds' | 'Config'> & { Config: ImageConfig };

/** What import and load need from the store. */
export interface ImportSink {
  /** True when an image with this hex id is stored (its content is not unpacked again). */
  has(hex: string): boolean;
  /** Runs `run` in a fresh work dir under the store, removed afterwards whatever happens. */
  inWorkDir<T>(run: (work: string) => Promise<T>): Promise<T>;
  layers: LayerStore;
  /** Where a loaded image's layer tarballs and config are kept; without it, only the layer store. */
  blobs?: BlobStore;
  /** Makes the layers `ids` (present, held) image `hex` (or re-tags the existing one) and gives it `tags`. */
  commit(hex: string, ids: string[], fields: CommitFields, tags: string[]): Promise<ImageRecord>;
}

export async function importRootfs(sink: ImportSink, tarball: Readable, options: ImportOptions): Promise<ImageRecord> {
  // Validate what the caller said before reading a possibly large body.
  const repoTag = options.repoTag ? requireRepoTag(options.repoTag) : undefined;
  const config = applyChanges({}, options.changes ?? []);
  return sink.inWorkDir(async (work) => {
    const tarPath = join(work, 'rootfs.tar');
    const { sha256 } = await saveStream(tarball, tarPath);
    const base = { architecture: hostPlatform().architecture, os: 'linux', comment: options.message ?? '', config };
    // Deterministic id: the same tarball with the same changes is the same image (re-tagged).
    // The tarball's own sha256 keys its layer (a compressed one's too: the same bytes, the same layer).
    const diffId = `sha256:${sha256}`;
    const hex = sha256Hex(JSON.stringify({ ...base, rootfs: { type: 'layers', diff_ids: [diffId] } }));
    const fields = { Created: new Date().toISOString(), Architecture: base.architecture, Os: base.os, Comment: base.comment, Config: config };
    const tags = repoTag ? [repoTag] : [];
    if (sink.has(hex)) return sink.commit(hex, [], fields, tags);
    const release = sink.layers.hold([diffId]);
    try {
      // Docker applies an imported tarball as a layer: every path stays in the root.
      await sink.layers.ensure(undefined, diffId, (root) => applyLayer(root, { hostPath: tarPath }, 'the imported tarball'));
      return await sink.commit(hex, [diffId], fields, tags);
    } finally {
      release();
    }
  });
}

export async function loadArchive(sink: ImportSink, tarball: Readable): Promise<ImageRecord[]> {
  return sink.inWorkDir(async (work) => {
    const tarPath = join(work, 'archive.tar');
    await saveStream(tarball, tarPath);
    const archiveDir = join(work, 'archive');
    await mkdir(archiveDir);
    return withRootDir(archiveDir, async (archive) => {
      await unpackTar(archive, () => open(tarPath, 'r'), 'the loaded tarball');
      const loaded: ImageRecord[] = [];
      for (const [index, image] of (await readDockerArchive(archive)).entries()) {
        const tags = image.repoTags.map((tag) => {
          const normal = normalizeRepoTag(tag);
          if (!normal) throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `manifest.json entry ${index}: invalid RepoTag "${tag}"`);
          return normal;
        });
        const fields = { Created: image.created, Architecture: image.architecture, Os: image.os, Comment: image.comment, Config: image.config };
        loaded.push(sink.has(image.hex) ? await sink.commit(image.hex, [], fields, tags) : await loadImage(sink, archive, image, fields, tags));
      }
      return loaded;
    });
  });
}

/** One image of the archive: its layers stored and unpacked (reusing present ones), then its record. */
async function loadImage(sink: ImportSink, archive: RootDir, image: ArchivedImage, fields: CommitFields, tags: string[]): Promise<ImageRecord> {
  const name = tags[0] ?? image.hex.slice(0, 12);
  const lease = sink.blobs?.lease();
  try {
    const layers: LayerRecord[] = [];
    for (const [n, path] of image.layers.entries()) {
      const label = `layer ${n + 1}/${image.layers.length} (${path}) of image ${name}`;
      const hashed = await hashLayer(archive, path, label);
      if (image.diffIds && image.diffIds.length === image.layers.length && image.diffIds[n] !== hashed.diffId) {
        throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label}: its content hashes to ${hashed.diffId}, but the image config says ${image.diffIds[n]!}`);
      }
      if (sink.blobs) {
        lease!.add(hashed.digest);
        await sink.blobs.ingest(hashed.digest, hashed.size, async () => (await archive.openFile(path)).createReadStream());
      }
      layers.push({ digest: hashed.digest, mediaType: hashed.gzip ? MEDIA_TAR_GZIP : MEDIA_TAR, size: hashed.size, diffId: hashed.diffId });
    }
    const ids = chainIds(layers.map((layer) => layer.diffId));
    const release = sink.layers.hold(ids);
    try {
      for (const [n, layer] of layers.entries()) {
        const source = sink.blobs ? { hostPath: sink.blobs.path(layer.digest) } : { archive, path: image.layers[n]! };
        await sink.layers.ensure(ids[n - 1], layer.diffId, (root, lowers) => applyLayer(root, source, `layer ${n + 1}/${layers.length} of image ${name}`, lowers));
      }
      const configDigest = `sha256:${image.hex}`;
      if (sink.blobs) {
        lease!.add(configDigest);
        await sink.blobs.writeBuffer(configDigest, image.configBytes);
      }
      return await sink.commit(image.hex, ids, { ...fields, layers, ...(sink.blobs ? { configDigest } : {}) }, tags);
    } finally {
      release();
    }
  } finally {
    lease?.release();
  }
}

const MEDIA_TAR = 'application/vnd.docker.image.rootfs.diff.tar';
const MEDIA_TAR_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** One read of a layer tarball in the archive: its digest and size as stored, and its diff_id (of the tar, gzip undone). */
async function hashLayer(archive: RootDir, path: string, label: string): Promise<{ digest: string; size: number; diffId: string; gzip: boolean }> {
  let file;
  try {
    file = await archive.openFile(path);
  } catch (error) {
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label}: ${path} cannot be read from the archive: ${(error as Error).message}`, { cause: error });
  }
  const { buffer, bytesRead } = await file.read(Buffer.alloc(2), 0, 2, 0);
  const gzip = bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  const raw = createHash('sha256');
  const plain = createHash('sha256');
  let size = 0;
  const source = file.createReadStream({ start: 0 }); // closes the file when it ends or fails
  source.on('data', (chunk: string | Buffer) => {
    raw.update(chunk);
    size += chunk.length;
  });
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => { plain.update(chunk); done(); } });
  try {
    await pipeline(gzip ? [source, createGunzip(), sink] : [source, sink]);
  } catch (error) {
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label} is not a readable layer: ${(error as Error).message}`, { cause: error });
  }
  const digest = `sha256:${raw.digest('hex')}`;
  return { digest, size, diffId: `sha256:${plain.digest('hex')}`, gzip };
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
