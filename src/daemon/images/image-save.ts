// `docker save` (GET /images/{name}/get, GET /images/get?names=...): a tarball in the layout
// `docker load` reads, ours and Docker's:
//
//   manifest.json            [{"Config": "<id hex>.json", "RepoTags": [...], "Layers": ["<diff_id hex>/layer.tar", ...]}]
//   <id hex>.json            the image config
//   <diff_id hex>/layer.tar  each layer, uncompressed (its sha256 is its diff_id; shared layers once)
//
// A pulled image is saved as pulled: its config blob byte for byte (so it keeps its id) and each
// layer blob decompressed, checked against the config's diff_id. An imported or loaded image has no
// blobs, only its unpacked tree: that tree becomes one layer and the config is written for it, so
// `docker load` of the archive gives an image with the same content and config but a new id.
// Everything is built in a scratch dir (the store's tmp-*) and streamed out by GNU tar.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import type { BlobStore } from '../content/blob-store.ts';
import { layerCompression } from '../registry/manifest.ts';
import { decompressStages } from './layer-decompress.ts';
import { ImageError } from './image-errors.ts';
import type { ImageRecord } from './image-store.ts';

export interface SaveRequest {
  image: ImageRecord;
  /** The tags to record for it in manifest.json (the tag asked for; none when asked by id). */
  repoTags: string[];
}

export async function writeSaveArchive(requests: SaveRequest[], blobs: BlobStore | undefined, work: string, out: Writable): Promise<void> {
  const manifest: Array<{ Config: string; RepoTags: string[]; Layers: string[] }> = [];
  const written = new Set<string>();
  for (const { image, repoTags } of requests) {
    const saved = await canSaveAsPulled(image, blobs) ? await savePulled(image, blobs!, work, written) : await saveTree(image, work, written);
    const existing = manifest.find((entry) => entry.Config === saved.config);
    if (existing) existing.RepoTags.push(...repoTags.filter((tag) => !existing.RepoTags.includes(tag)));
    else manifest.push({ Config: saved.config, RepoTags: repoTags, Layers: saved.layers });
  }
  await writeFile(join(work, 'manifest.json'), JSON.stringify(manifest));
  const tar = execa('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', work, '-cf', '-', 'manifest.json', ...new Set(manifest.flatMap((entry) => [entry.Config, ...entry.Layers]))], { stdout: 'pipe', buffer: false });
  await pipeline(tar.stdout!, out, { end: false });
  await tar;
}

async function canSaveAsPulled(image: ImageRecord, blobs: BlobStore | undefined): Promise<boolean> {
  if (!blobs || !image.configDigest || !image.layers || image.layers.length === 0) return false;
  for (const digest of [image.configDigest, ...image.layers.map((layer) => layer.digest)]) if (!(await blobs.has(digest))) return false;
  return true;
}

async function savePulled(image: ImageRecord, blobs: BlobStore, work: string, written: Set<string>): Promise<{ config: string; layers: string[] }> {
  const config = `${image.configDigest!.slice('sha256:'.length)}.json`;
  await writeFile(join(work, config), await blobs.read(image.configDigest!));
  const layers: string[] = [];
  for (const [index, layer] of image.layers!.entries()) {
    const hex = layer.diffId.slice('sha256:'.length);
    layers.push(`${hex}/layer.tar`);
    if (written.has(hex)) continue;
    const compression = layerCompression(layer.mediaType) ?? 'gzip';
    const { stages, diffId } = decompressStages(compression);
    await mkdir(join(work, hex));
    await pipeline([createReadStream(blobs.path(layer.digest)), ...stages, createWriteStream(join(work, hex, 'layer.tar'), { mode: 0o600 })]);
    const actual = diffId();
    if (actual !== layer.diffId) {
      throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `image ${image.Id} layer ${index + 1}: the stored blob ${layer.digest} decompresses to ${actual}, not its diff_id ${layer.diffId}`);
    }
    written.add(hex);
  }
  return { config, layers };
}

/** The unpacked tree as one layer (GNU tar reads it without following links) and a config naming it. */
async function saveTree(image: ImageRecord, work: string, written: Set<string>): Promise<{ config: string; layers: string[] }> {
  const temp = join(work, `tree-${image.Id.slice('sha256:'.length, 'sha256:'.length + 12)}.tar`);
  await execa('tar', ['--numeric-owner', '--xattrs', '-C', image.rootfsDir, '-cf', temp, '.']);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(temp)) hash.update(chunk as Buffer);
  const hex = hash.digest('hex');
  if (!written.has(hex)) { // the same tree twice: the first copy serves both (the temp file goes with the scratch dir)
    await mkdir(join(work, hex), { recursive: true });
    await rename(temp, join(work, hex, 'layer.tar'));
    written.add(hex);
  }
  const configJson = JSON.stringify({
    architecture: image.Architecture, os: image.Os, created: image.Created, comment: image.Comment, config: image.Config,
    rootfs: { type: 'layers', diff_ids: [`sha256:${hex}`] },
  });
  const config = `${createHash('sha256').update(configJson).digest('hex')}.json`;
  await writeFile(join(work, config), configJson);
  return { config, layers: [`${hex}/layer.tar`] };
}
