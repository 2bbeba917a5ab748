// Reads an unpacked `docker save` tarball: manifest.json lists each image as
// {Config: "<file>.json", RepoTags: [...], Layers: ["<dir>/layer.tar", ...]} (both the classic
// layout and the OCI-layout one Docker 25+ writes use this manifest). The image id is the sha256
// of the config file's bytes, as in Docker.
//
// The archive is untrusted: its files are read through the in-root module (a `layer.tar` may be a
// symlink, as `docker save` writes for shared layers, and must never lead to a host file).

import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { RootDir } from '../rootfs/in-root.ts';
import type { ImageConfig } from './image-store.ts';
import { ImageError } from './image-errors.ts';

export interface ArchivedImage {
  /** Hex of sha256(config bytes). */
  hex: string;
  /** The config file as archived (stored byte for byte, so `docker save` gives the same id). */
  configBytes: Buffer;
  /** The config's rootfs.diff_ids, when it lists them. */
  diffIds?: string[];
  repoTags: string[];
  /** Paths of the layer tarballs inside the unpacked archive, bottom first. */
  layers: string[];
  config: ImageConfig;
  created: string;
  architecture: string;
  os: string;
  comment: string;
}

interface ManifestEntry {
  Config?: unknown;
  RepoTags?: unknown;
  Layers?: unknown;
}

interface ImageConfigFile {
  architecture?: string;
  os?: string;
  created?: string;
  comment?: string;
  config?: ImageConfig;
  rootfs?: { diff_ids?: unknown };
}

/** Manifest and config files are small; anything bigger is not one. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

export async function readDockerArchive(archive: RootDir): Promise<ArchivedImage[]> {
  let manifest: unknown;
  try {
    manifest = JSON.parse((await archive.readFile('manifest.json', { maxBytes: MAX_JSON_BYTES })).toString('utf8'));
  } catch (error) {
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `not a docker save tarball: manifest.json is missing or not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', 'manifest.json must be a non-empty array of images');
  }
  const images: ArchivedImage[] = [];
  for (const [index, entry] of (manifest as ManifestEntry[]).entries()) {
    const where = `manifest.json entry ${index}`;
    if (typeof entry?.Config !== 'string' || !Array.isArray(entry.Layers) || !entry.Layers.every((l) => typeof l === 'string')) {
      throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${where}: needs "Config" (a file name) and "Layers" (file names)`);
    }
    const repoTags = Array.isArray(entry.RepoTags) ? entry.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    const configBytes = await archive.readFile(inside(entry.Config, where), { maxBytes: MAX_JSON_BYTES }).catch((error: Error) => {
      throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${where}: config ${entry.Config} unreadable: ${error.message}`);
    });
    let configFile: ImageConfigFile;
    try {
      configFile = JSON.parse(configBytes.toString('utf8')) as ImageConfigFile;
    } catch (error) {
      throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${where}: config ${entry.Config} is not JSON: ${(error as Error).message}`);
    }
    images.push({
      hex: createHash('sha256').update(configBytes).digest('hex'),
      configBytes,
      ...(diffIdsOf(configFile) ? { diffIds: diffIdsOf(configFile)! } : {}),
      repoTags,
      layers: (entry.Layers as string[]).map((layer) => inside(layer, where)),
      config: configFile.config ?? {},
      created: configFile.created ?? new Date(0).toISOString(),
      architecture: configFile.architecture ?? 'amd64',
      os: configFile.os ?? 'linux',
      comment: configFile.comment ?? '',
    });
  }
  return images;
}

/** A file named by the manifest, refused when the name leaves the archive (links in it resolve inside anyway). */
function inside(name: string, where: string): string {
  const normal = posix.normalize(name);
  if (normal.startsWith('/') || normal.startsWith('../') || normal === '..') {
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${where}: "${name}" points outside the archive`);
  }
  return normal;
}

function diffIdsOf(config: ImageConfigFile): string[] | undefined {
  const ids = config.rootfs?.diff_ids;
  return Array.isArray(ids) && ids.every((id) => typeof id === 'string' && /^sha256:[0-9a-f]{64}$/.test(id)) ? ids as string[] : undefined;
}
