// What `docker rmi` does to one image, by Docker's rules, decided before anything changes. By tag:
// untag; the image goes when its last tag goes. By id: the image goes with all its tags. Without
// force, refuses (ERR_IMAGE_IN_USE, 409) when a container uses the image (`isInUse` gets the full
// "sha256:<hex>" id) and the image would go, or when an id names an image that has several tags.
// Forced while a container uses it: untagged only, as Docker keeps the layers of an image a
// container uses (its rootfs is a snapshot over them); the image stays, untagged.

import type { ImageRecord } from './image-store.ts';
import { ImageError } from './image-errors.ts';
import { normalizeRepoTag } from './image-reference.ts';

export type RemoveStep =
  | { kind: 'untag'; keep: string[]; untagged: string[] }
  | { kind: 'delete'; untagged: string[] };

export function decideRemove(image: ImageRecord, reference: string, options: { force: boolean; isInUse: (imageId: string) => boolean }): RemoveStep {
  const repoTag = normalizeRepoTag(reference);
  const byTag = repoTag !== undefined && image.RepoTags.includes(repoTag);
  const short = image.Id.slice('sha256:'.length, 'sha256:'.length + 12);
  if (byTag && image.RepoTags.length > 1) return { kind: 'untag', keep: image.RepoTags.filter((t) => t !== repoTag), untagged: [repoTag] };
  const inUse = options.isInUse(image.Id);
  if (!options.force && inUse) {
    throw new ImageError('ERR_IMAGE_IN_USE', byTag
      ? `conflict: unable to remove repository reference "${reference}" (must force) - a container is using its referenced image ${short}`
      : `conflict: unable to delete ${short} (must be forced) - image is being used by a container`);
  }
  if (!options.force && !byTag && image.RepoTags.length > 1) {
    throw new ImageError('ERR_IMAGE_IN_USE', `conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`);
  }
  if (inUse) return { kind: 'untag', keep: [], untagged: [...image.RepoTags] };
  return { kind: 'delete', untagged: [...image.RepoTags] };
}
