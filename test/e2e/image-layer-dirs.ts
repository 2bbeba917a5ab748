// Where an image's layers are in a daemon's data root (images/records → images/layers/records →
// images/layers/<n>), for tests that check the layer store on disk: which dirs an image uses, and a
// path as a container would see it (the top layer that has it; a whiteout hides it).

import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The layer dirs of image `id` ("sha256:<hex>"), bottom first; a pre-layer image's one tree. */
export async function layerDirsOf(dataRoot: string, id: string): Promise<string[]> {
  const images = join(dataRoot, 'images');
  const record = JSON.parse(await readFile(join(images, 'records', `${id.slice('sha256:'.length)}.json`), 'utf8')) as { chainIds?: string[]; rootfsDir: string };
  if (!record.chainIds) return [record.rootfsDir];
  const dirs: string[] = [];
  for (const chainId of record.chainIds) {
    const layer = JSON.parse(await readFile(join(images, 'layers', 'records', `${chainId.slice('sha256:'.length)}.json`), 'utf8')) as { dir: string };
    dirs.push(join(images, 'layers', layer.dir));
  }
  return dirs;
}

/** The host path of `path` in the image's top layer that has it, or undefined (absent or whited out). */
export async function pathInImage(dataRoot: string, id: string, path: string): Promise<string | undefined> {
  for (const dir of (await layerDirsOf(dataRoot, id)).reverse()) {
    const stats = await lstat(join(dir, path)).catch(() => undefined);
    if (!stats) continue;
    return stats.isCharacterDevice() && stats.rdev === 0 ? undefined : join(dir, path);
  }
  return undefined;
}
