// `docker save` (GET /images/{name}/get, GET /images/get?names=...): one tarball in both layouts
// Docker 25+ writes, so Docker's `docker load`, hookd's, and OCI tools (skopeo, containerd) read it:
//
//   oci-layout               {"imageLayoutVersion": "1.0.0"}
//   index.json               an OCI index: one manifest descriptor per saved tag, annotated with
//                            io.containerd.image.name ("docker.io/library/busybox:latest") and
//                            org.opencontainers.image.ref.name (the tag, "latest"); an image asked
//                            for by id only gets one descriptor without annotations
//   blobs/sha256/<hex>       manifests, configs and layers (image-save-blobs.ts)
//   manifest.json            Docker's classic list, pointing into blobs/:
//                            [{"Config": "blobs/sha256/<id hex>", "RepoTags": [...], "Layers": ["blobs/sha256/<hex>", ...]}]
//
// A pulled image keeps its manifest digest (= its RepoDigest) and its id; shared blobs are written
// once. Everything is built in a scratch dir (the store's tmp-*) and streamed out by GNU tar, with
// names sorted and times zeroed, so saving the same images twice gives the same bytes.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import type { BlobStore } from '../content/blob-store.ts';
import { MEDIA, type Descriptor } from '../registry/manifest.ts';
import { parseImageName } from '../registry/image-name.ts';
import { canSaveAsPulled, SaveBlobs, savePulled, saveTree, type SavedImage } from './image-save-blobs.ts';
import type { ImageRecord } from './image-store.ts';

export interface SaveRequest {
  image: ImageRecord;
  /** The tags to record for it (the tag asked for; none when asked by id). */
  repoTags: string[];
}

/** Annotations Docker (and containerd's export) put on a tagged manifest in index.json. */
export const IMAGE_NAME_ANNOTATION = 'io.containerd.image.name';
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

export async function writeSaveArchive(requests: SaveRequest[], store: BlobStore | undefined, work: string, out: Writable): Promise<void> {
  const blobs = new SaveBlobs(work);
  await blobs.create();
  const lease = store?.lease(); // garbage collection leaves the blobs being saved
  const saved = new Map<string, SavedImage & { repoTags: string[] }>(); // by image id: one entry however often it is named
  try {
    for (const { image, repoTags } of requests) {
      let entry = saved.get(image.Id);
      if (!entry) {
        entry = { ...(await canSaveAsPulled(image, store, lease) ? await savePulled(image, store!, blobs) : await saveTree(image, blobs)), repoTags: [] };
        saved.set(image.Id, entry);
      }
      for (const tag of repoTags) if (!entry.repoTags.includes(tag)) entry.repoTags.push(tag);
    }
  } finally {
    lease?.release();
  }
  const images = [...saved.values()];
  await writeFile(join(work, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(join(work, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: images.flatMap(indexEntries) }));
  await writeFile(join(work, 'manifest.json'), JSON.stringify(images.map((image) => ({ Config: image.configPath, RepoTags: image.repoTags, Layers: image.layerPaths }))));
  const tar = execa('tar', ['--sort=name', '--mtime=@0', '--numeric-owner', '--owner=0', '--group=0', '-C', work, '-cf', '-', 'blobs', 'index.json', 'manifest.json', 'oci-layout'], { stdout: 'pipe', buffer: false });
  await pipeline(tar.stdout!, out, { end: false });
  await tar;
}

/** One descriptor per tag, named as Docker names it; one plain descriptor for an untagged image. */
function indexEntries(image: SavedImage & { repoTags: string[] }): Array<Descriptor & { annotations?: Record<string, string> }> {
  if (image.repoTags.length === 0) return [image.manifest];
  return image.repoTags.map((tag) => {
    const name = parseImageName(tag);
    return { ...image.manifest, annotations: { [IMAGE_NAME_ANNOTATION]: `${name.domain}/${name.repository}:${name.tag!}`, [REF_NAME_ANNOTATION]: name.tag! } };
  });
}
