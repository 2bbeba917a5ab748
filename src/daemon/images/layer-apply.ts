// Applies image layers and plain tarballs onto a root, with the whiteout rules of the image spec:
// `dir/.wh.name` deletes `dir/name` of the layers below, `dir/.wh..wh..opq` empties `dir` of the
// layers below; the markers themselves are never written.
//
// Safety: the layer's content is untrusted, and so is everything lower layers left in the root
// (`var/run -> /run`, `etc -> /etc`, hard links). Every member, whiteout and hard-link target is
// resolved inside the root through the in-root module (src/daemon/rootfs), as if the root were
// "/", so a link planted by one layer can only ever lead to another place inside the image.
//
// Two passes over the layer: the first reads every name (refusing traversal before anything is
// written) and performs the whiteouts, the second writes the members. Whiteouts therefore only
// ever remove what lower layers wrote, never what this layer brings, whatever the member order.

import { open } from 'node:fs/promises';
import { posix } from 'node:path';
import type { RootDir } from '../rootfs/in-root.ts';
import { isRootfsError } from '../rootfs/rootfs-errors.ts';
import { finishDirectories, unpackMember, unpackOptions } from '../rootfs/unpack-member.ts';
import { ImageError } from './image-errors.ts';
import { readTarMembers } from './tar-archive.ts';
import type { TarSource } from './tar-archive.ts';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

/** The layer tarball, opened from a trusted host path or from inside an unpacked archive's RootDir. */
export type LayerSource = { hostPath: string } | { archive: RootDir; path: string };

export async function applyLayer(root: RootDir, layer: LayerSource, label: string): Promise<void> {
  const source: TarSource = 'hostPath' in layer ? () => open(layer.hostPath, 'r') : () => openInArchive(layer.archive, layer.path, label);
  for await (const { member } of readTarMembers(source, label)) {
    const base = posix.basename(member.name);
    const dir = posix.dirname(member.name);
    if (base === OPAQUE_MARKER) await inRoot(label, member.name, () => root.removeChildren(dir), true);
    else if (base.startsWith(WHITEOUT_PREFIX)) await inRoot(label, member.name, () => root.removeAll(posix.join(dir, base.slice(WHITEOUT_PREFIX.length))));
  }
  await unpackTar(root, source, label, { skipWhiteouts: true });
}

/** Writes every member of the tarball into `root` (whiteout markers are written too, unless skipWhiteouts). */
export async function unpackTar(root: RootDir, source: TarSource, label: string, options: { skipWhiteouts?: boolean } = {}): Promise<void> {
  const state = unpackOptions();
  for await (const { member, body } of readTarMembers(source, label)) {
    if (options.skipWhiteouts && posix.basename(member.name).startsWith(WHITEOUT_PREFIX)) continue;
    await inRoot(label, member.name, () => unpackMember(root, member, body, state));
  }
  await finishDirectories(root, state);
}

async function openInArchive(archive: RootDir, path: string, label: string): ReturnType<TarSource> {
  try {
    return await archive.openFile(path);
  } catch (error) {
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label}: ${path} cannot be read from the archive: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Runs one in-root step for `member`; its failures become ERR_IMAGE_BAD_ARCHIVE naming the layer and
 * member (a hard link to nothing, a file where a directory must be, a link loop). With
 * `missingIsFine`, a whiteout of a directory no lower layer made is nothing to do.
 */
async function inRoot(label: string, member: string, step: () => Promise<void>, missingIsFine = false): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (missingIsFine && isRootfsError(error, 'ERR_ROOTFS_NOT_FOUND')) return;
    if (!isRootfsError(error)) throw error;
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label}: member "${member}" cannot be applied: ${error.message}`, { cause: error });
  }
}
