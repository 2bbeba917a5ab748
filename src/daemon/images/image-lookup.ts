// Which stored image a reference names, as Docker resolves it: "name@sha256:..." by the
// RepoDigests a pull recorded (any spelling of the name), then a tag ("name:tag", "name" =
// name:latest), then a full id, then an id prefix that matches exactly one image.

import type { ImageRecord } from './image-store.ts';
import { FULL_ID, ID_PREFIX, normalizeRepoTag } from './image-reference.ts';
import { familiarRepository, parseImageName } from '../registry/image-name.ts';

/** `images` maps the id's hex to the record; an ambiguous prefix is not found. */
export function lookupImage(images: ReadonlyMap<string, ImageRecord>, reference: string): ImageRecord | undefined {
  if (reference.includes('@')) return byRepoDigest(images, reference);
  const repoTag = normalizeRepoTag(reference);
  if (repoTag) {
    for (const image of images.values()) if (image.RepoTags.includes(repoTag)) return image;
  }
  const full = FULL_ID.exec(reference);
  if (full) return images.get(full[1]!);
  const prefix = ID_PREFIX.exec(reference);
  if (!prefix) return undefined;
  const matches = [...images.keys()].filter((hex) => hex.startsWith(prefix[1]!));
  return matches.length === 1 ? images.get(matches[0]!) : undefined;
}

function byRepoDigest(images: ReadonlyMap<string, ImageRecord>, reference: string): ImageRecord | undefined {
  let wanted: string;
  try {
    const name = parseImageName(reference);
    wanted = `${familiarRepository(name)}@${name.digest ?? ''}`;
  } catch {
    return undefined;
  }
  for (const image of images.values()) if (image.RepoDigests?.includes(wanted)) return image;
  return undefined;
}
