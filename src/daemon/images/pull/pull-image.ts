// `docker pull` (and later CRI PullImage), as named steps:
//   resolvePull:  name → registry client → manifest (an index picks this platform's) → config,
//                 all verified by digest and stored; errors here happen before any progress is sent
//   completePull: layers download in parallel (bounded, shared with concurrent pulls, skipped when
//                 present) → each is decompressed, its diff_id checked, and applied in order as soon
//                 as it and the ones below it are there → image.postPull → the reference is stored.
// A postPull failure fails the pull and stores no reference; blobs and the unpacked layers are kept
// (Pouch's semantics), so a retry downloads nothing.

import { createReadStream } from 'node:fs';
import type { BlobLease, BlobStore } from '../../content/blob-store.ts';
import { credentialsFromFile, type RegistryCredentials } from '../../registry/registry-auth.ts';
import type { RegistryConfig } from '../../registry/registry-config.ts';
import { RegistryClient } from '../../registry/registry-client.ts';
import { RegistryError } from '../../registry/registry-errors.ts';
import { familiarRepository, familiarTag, manifestReference, parseImageName, type ImageName } from '../../registry/image-name.ts';
import { manifestKind, parseImageManifest, selectPlatform, type ImageManifest, type Platform, formatPlatform } from '../../registry/manifest.ts';
import type { ImageRecord, ImageStore, LayerRecord, PulledImage, PulledImageStore } from '../image-store.ts';
import { decompressStages } from '../layer-decompress.ts';
import { applyLayerStream } from '../layer-apply.ts';
import { READ_CHUNK_BYTES } from '../tar-archive.ts';
import type { DownloadLimit } from './download-limit.ts';
import type { ProgressSink } from './pull-progress.ts';
import { parseImageConfig, type ParsedImageConfig } from './image-config.ts';

export interface PostPullInput {
  /** The reference as stored ("busybox:latest") or, for a digest pull, "name@sha256:...". */
  reference: string;
  /** The image as it will be stored (not yet visible to GET /images). */
  image: ImageRecord;
  snapshotter: string;
}

export interface PullDeps {
  blobs: BlobStore;
  images: ImageStore & PulledImageStore;
  registries: RegistryConfig;
  limit: DownloadLimit;
  /** The snapshotter images are unpacked for (reported to postPull). */
  snapshotter: string;
  /** image.postPull and the extra snapshotters it names; throwing fails the pull. */
  postPull?: (input: PostPullInput) => Promise<void>;
}

export interface PullRequest {
  /** "busybox", "busybox:1.36", "127.0.0.1:5000/app@sha256:..." */
  reference: string;
  /** From X-Registry-Auth; otherwise the registries.authFile entry for the host, if any. */
  credentials?: RegistryCredentials;
  signal?: AbortSignal;
  /** The `platform` query parameter ("linux/arm64/v8"): chosen from an index, checked for a single manifest. */
  platform?: Platform;
}

export interface ResolvedPull {
  name: ImageName;
  client: RegistryClient;
  manifest: ImageManifest;
  manifestDigest: string;
  pulled: PulledImage;
  /** Holds every blob of this pull until completePull ends (call it, or release the lease). */
  lease: BlobLease;
}

export async function resolvePull(deps: PullDeps, request: PullRequest): Promise<ResolvedPull> {
  const lease = deps.blobs.lease();
  try {
    return await resolveLeased(deps, request, lease);
  } catch (error) {
    lease.release();
    throw error;
  }
}

/** resolvePull's steps; every blob is leased before it is stored, so garbage collection leaves it. */
async function resolveLeased(deps: PullDeps, request: PullRequest, lease: BlobLease): Promise<ResolvedPull> {
  const name = parseImageName(request.reference);
  const credentials = request.credentials ?? (deps.registries.authFile ? await credentialsFromFile(deps.registries.authFile, name.domain) : undefined);
  const client = new RegistryClient({ config: deps.registries, domain: name.domain, repository: name.repository, ...(credentials ? { credentials } : {}) });
  let fetched = await client.fetchManifest(manifestReference(name), request.signal);
  if (manifestKind(fetched.bytes, fetched.mediaType, `manifest ${manifestReference(name)} of ${client.where}`) === 'index') {
    lease.add(fetched.digest);
    await deps.blobs.writeBuffer(fetched.digest, fetched.bytes);
    const chosen = selectPlatform(fetched.bytes, `index ${fetched.digest} of ${client.where}`, request.platform);
    fetched = await client.fetchManifest(chosen.digest, request.signal);
  }
  const where = `manifest ${fetched.digest} of ${client.where}`;
  const manifest = parseImageManifest(fetched.bytes, where);
  for (const digest of [fetched.digest, manifest.config.digest, ...manifest.layers.map((layer) => layer.digest)]) lease.add(digest);
  await deps.blobs.writeBuffer(fetched.digest, fetched.bytes);
  await deps.blobs.ingest(manifest.config.digest, manifest.config.size, async () => (await client.openBlob(manifest.config.digest, request.signal)).stream);
  const config = parseImageConfig(await deps.blobs.read(manifest.config.digest), `config ${manifest.config.digest} of ${client.where}`);
  if (request.platform) checkPlatform(config, request.platform, `${familiarRepository(name)}@${fetched.digest}`);
  if (config.diffIds.length !== manifest.layers.length) {
    throw new RegistryError('ERR_REGISTRY_BAD_MANIFEST', `${where} lists ${manifest.layers.length} layer(s) but its config lists ${config.diffIds.length} diff_id(s)`);
  }
  const layers: LayerRecord[] = manifest.layers.map((layer, index) => ({ digest: layer.digest, mediaType: layer.mediaType, size: layer.size, diffId: config.diffIds[index]! }));
  const pulled: PulledImage = {
    hex: manifest.config.digest.slice('sha256:'.length),
    configDigest: manifest.config.digest,
    manifestDigest: fetched.digest,
    layers,
    fields: { Created: config.created, Architecture: config.architecture, Os: config.os, Comment: config.comment, Config: config.config },
  };
  return { name, client, manifest, manifestDigest: fetched.digest, pulled, lease };
}

/** Downloads, unpacks, runs image.postPull and stores the reference; releases the pull's lease. */
export async function completePull(deps: PullDeps, resolved: ResolvedPull, progress: ProgressSink, signal?: AbortSignal): Promise<{ image: ImageRecord; downloaded: boolean }> {
  try {
    return await completeLeased(deps, resolved, progress, signal);
  } finally {
    resolved.lease.release();
  }
}

async function completeLeased(deps: PullDeps, resolved: ResolvedPull, progress: ProgressSink, signal?: AbortSignal): Promise<{ image: ImageRecord; downloaded: boolean }> {
  const { name, manifest, pulled } = resolved;
  const tag = familiarTag(name);
  const reference = tag ?? `${familiarRepository(name)}@${name.digest!}`;
  progress.status(`Pulling from ${familiarRepository(name)}`, name.tag ?? name.digest);
  const alreadyUnpacked = deps.images.resolve(`sha256:${pulled.hex}`) !== undefined || deps.images.isStaged(pulled.hex);
  let downloaded = false;
  if (alreadyUnpacked) {
    for (const layer of manifest.layers) progress.status('Already exists', shortId(layer.digest));
  } else {
    downloaded = await downloadAndUnpack(deps, resolved, progress, signal);
  }
  const draft = deps.images.draftPulled(pulled, `${familiarRepository(name)}@${resolved.manifestDigest}`);
  if (deps.postPull) await deps.postPull({ reference, image: draft, snapshotter: deps.snapshotter });
  const image = await deps.images.commitPulled(pulled, tag ? [tag] : [], `${familiarRepository(name)}@${resolved.manifestDigest}`);
  progress.status(`Digest: ${resolved.manifestDigest}`);
  progress.status(`Status: ${downloaded ? 'Downloaded newer image' : 'Image is up to date'} for ${reference}`);
  return { image, downloaded };
}

/** Downloads the missing layer blobs (bounded, deduplicated) and applies them bottom first. */
async function downloadAndUnpack(deps: PullDeps, resolved: ResolvedPull, progress: ProgressSink, signal: AbortSignal | undefined): Promise<boolean> {
  const { client, manifest, pulled } = resolved;
  let downloadedAny = false;
  for (const layer of manifest.layers) progress.status('Pulling fs layer', shortId(layer.digest));
  const downloads = manifest.layers.map((layer) => deps.limit.run(async () => {
    const id = shortId(layer.digest);
    const outcome = await deps.blobs.ingest(layer.digest, layer.size, async () => (await client.openBlob(layer.digest, signal)).stream,
      (current, total) => progress.bar('Downloading', id, current, total));
    if (outcome === 'downloaded') downloadedAny = true;
    progress.status(outcome === 'present' ? 'Already exists' : 'Download complete', id);
  }, () => progress.status('Waiting', shortId(layer.digest))));
  // Unhandled until awaited below; mark them handled so one failure does not crash the process.
  for (const download of downloads) download.catch(() => undefined);

  // Layers the layer store has already (another image's) are not applied again.
  await deps.images.unpackPulled(pulled, async (index, root, lowers) => {
    const layer = manifest.layers[index]!;
    await downloads[index];
    const id = shortId(layer.digest);
    const label = `layer ${index + 1}/${manifest.layers.length} (${layer.digest}) of ${client.where}`;
    progress.bar('Extracting', id, 0, layer.size);
    // One pass: blob → decompressor → hasher → tar parser → the layer's scratch dir. The blob was
    // verified against its digest when it was stored; the diff_id is checked when the pass ends,
    // and a mismatch throws, which discards the scratch dir.
    const { stages, diffId } = decompressStages(layer.compression);
    const blob = createReadStream(deps.blobs.path(layer.digest), { highWaterMark: READ_CHUNK_BYTES });
    const markers = await applyLayerStream(root, [blob, ...stages], label, lowers);
    const actual = diffId();
    if (actual !== pulled.layers[index]!.diffId) {
      throw new RegistryError('ERR_REGISTRY_DIGEST_MISMATCH', `${label}: uncompressed it hashes to ${actual}, but the image config says ${pulled.layers[index]!.diffId}`);
    }
    progress.bar('Extracting', id, layer.size, layer.size);
    progress.status('Pull complete', id);
    return markers;
  });
  await Promise.all(downloads);
  return downloadedAny;
}

/**
 * A pull with `platform` whose reference names a single manifest (no index): the image must be
 * for that platform, as dockerd checks ("does not match the specified platform").
 */
function checkPlatform(config: ParsedImageConfig, wanted: Platform, reference: string): void {
  const matches = config.os === wanted.os && config.architecture === wanted.architecture
    && (wanted.variant === undefined || config.variant === undefined || config.variant === wanted.variant);
  if (!matches) {
    const actual = formatPlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) });
    throw new RegistryError('ERR_REGISTRY_NO_PLATFORM', `image ${reference} is for ${actual}, not the requested platform ${formatPlatform(wanted)}`);
  }
}

/** Docker's 12-hex row id for a layer. */
function shortId(digest: string): string {
  return digest.slice('sha256:'.length, 'sha256:'.length + 12);
}
