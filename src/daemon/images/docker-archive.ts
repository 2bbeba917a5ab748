// Reads an unpacked `docker save` tarball: manifest.json lists each image as
// {Config: "<file>.json", RepoTags: [...], Layers: ["<dir>/layer.tar", ...]} (both the classic
// layout and the OCI-layout one Docker 25+ writes use this manifest). The image id is the sha256
// of the config file's bytes, as in Docker.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { ImageConfig } from './image-store.ts';
import { ImageError } from './image-errors.ts';

export interface ArchivedImage {
  /** Hex of sha256(config bytes). */
  hex: string;
  repoTags: string[];
  /** Absolute paths of the layer tarballs, bottom first. */
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
}

export async function readDockerArchive(dir: string): Promise<ArchivedImage[]> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
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
    const configBytes = await readFile(inside(dir, entry.Config, where)).catch((error: Error) => {
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
      repoTags,
      layers: (entry.Layers as string[]).map((layer) => inside(dir, layer, where)),
      config: configFile.config ?? {},
      created: configFile.created ?? new Date(0).toISOString(),
      architecture: configFile.architecture ?? 'amd64',
      os: configFile.os ?? 'linux',
      comment: configFile.comment ?? '',
    });
  }
  return images;
}

/** A file named by the manifest, refused when the name leaves the archive. */
function inside(dir: string, name: string, where: string): string {
  const normal = posix.normalize(name);
  if (normal.startsWith('/') || normal.startsWith('../') || normal === '..') {
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${where}: "${name}" points outside the archive`);
  }
  return join(dir, normal);
}
