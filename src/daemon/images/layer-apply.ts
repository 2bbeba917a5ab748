// Applies image layers and plain tarballs onto a root, with the whiteout rules of the image spec:
// `dir/.wh.name` deletes `dir/name` of the layers below, `dir/.wh..wh..opq` empties `dir` of the
// layers below; the markers themselves are never written.
//
// Safety: the layer's content is untrusted, and so is everything lower layers left in the root
// (`var/run -> /run`, `etc -> /etc`, hard links). Every member, whiteout and hard-link target is
// resolved inside the root through the in-root module (src/daemon/rootfs), as if the root were
// "/", so a link planted by one layer can only ever lead to another place inside the image.
//
// One pass over the layer (it is read as it is decompressed, never stored as a plain tar). The
// spec says a whiteout hides only what lower layers brought, whatever the member order, so the
// pass remembers what this layer wrote: a whiteout or an opaque marker removes everything except
// those entries (and the directories leading to them). Callers apply into a scratch tree that is
// thrown away when a layer fails (a refused member, a digest mismatch), so a half-applied layer is
// never seen.

import { open } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { RootDir } from '../rootfs/in-root.ts';
import { isRootfsError } from '../rootfs/rootfs-errors.ts';
import { dropParentDir, finishDirectories, unpackMember, unpackOptions } from '../rootfs/unpack-member.ts';
import { ImageError } from './image-errors.ts';
import { readTarMembers, readTarStream } from './tar-archive.ts';
import type { TarBody } from './tar-archive.ts';
import type { TarMember } from '../rootfs/unpack-member.ts';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

/** The layer tarball, opened from a trusted host path or from inside an unpacked archive's RootDir. */
export type LayerSource = { hostPath: string } | { archive: RootDir; path: string };

type Members = AsyncIterable<{ member: TarMember; body: TarBody }>;

/** A layer stored as a file (gzip detected), e.g. `docker import`'s tarball or a `docker load` layer. */
export async function applyLayer(root: RootDir, layer: LayerSource, label: string): Promise<void> {
  const opener = 'hostPath' in layer ? () => open(layer.hostPath, 'r') : () => openInArchive(layer.archive, layer.path, label);
  await applyMembers(root, readTarMembers(opener, label), label);
}

/** A layer read from `stages` (its blob, decompressor, hasher: see layer-decompress.ts) in one pass. */
export async function applyLayerStream(root: RootDir, stages: Readable[], label: string): Promise<void> {
  await applyMembers(root, readTarStream(stages, label), label);
}

async function applyMembers(root: RootDir, members: Members, label: string): Promise<void> {
  const state = unpackOptions();
  const written = new LayerWrites();
  try {
    for await (const { member, body } of members) {
      const base = posix.basename(member.name);
      const dir = posix.dirname(member.name);
      if (base.startsWith(WHITEOUT_PREFIX)) await inRoot(label, member.name, () => dropParentDir(state)); // a removal may take the held directory (its members' xattrs are set first)
      if (base === OPAQUE_MARKER) {
        await inRoot(label, member.name, () => removeLowerChildren(root, dir, written), true);
      } else if (base.startsWith(WHITEOUT_PREFIX)) {
        await inRoot(label, member.name, () => removeLower(root, posix.join(dir, base.slice(WHITEOUT_PREFIX.length)), written));
      } else {
        await inRoot(label, member.name, () => unpackMember(root, member, body, state));
        written.add(member.name);
      }
    }
    await inRoot(label, 'after the last', () => finishDirectories(root, state)); // sets the last directory's xattrs too
  } finally {
    await dropParentDir(state);
  }
}

/** Writes every member of the tarball into `root`, whiteout markers included (a `docker load` archive). */
export async function unpackTar(root: RootDir, source: () => ReturnType<typeof open>, label: string): Promise<void> {
  const state = unpackOptions();
  try {
    for await (const { member, body } of readTarMembers(source, label)) {
      await inRoot(label, member.name, () => unpackMember(root, member, body, state));
    }
    await inRoot(label, 'after the last', () => finishDirectories(root, state));
  } finally {
    await dropParentDir(state);
  }
}

/** The names one layer wrote, and every directory above them (which a whiteout must keep). */
class LayerWrites {
  readonly #names = new Set<string>();
  readonly #ancestors = new Set<string>();

  add(name: string): void {
    this.#names.add(name);
    for (let dir = posix.dirname(name); dir !== '.' && !this.#ancestors.has(dir); dir = posix.dirname(dir)) this.#ancestors.add(dir);
  }

  has(name: string): boolean {
    return this.#names.has(name);
  }

  hasBelow(name: string): boolean {
    return this.#ancestors.has(name);
  }
}

/**
 * Removes `path` as lower layers left it, keeping what this layer wrote at or below it (a
 * directory this layer wrote stays, emptied of what lower layers had in it).
 */
async function removeLower(root: RootDir, path: string, written: LayerWrites): Promise<void> {
  if (!written.has(path) && !written.hasBelow(path)) {
    await root.removeAll(path);
    return;
  }
  if ((await root.lstat(path))?.isDirectory()) await removeLowerChildren(root, path, written);
}

async function removeLowerChildren(root: RootDir, dir: string, written: LayerWrites): Promise<void> {
  if (!written.hasBelow(dir)) {
    await root.removeChildren(dir);
    return;
  }
  for (const child of await root.readdir(dir)) await removeLower(root, posix.join(dir, child), written);
}

async function openInArchive(archive: RootDir, path: string, label: string): ReturnType<typeof open> {
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
