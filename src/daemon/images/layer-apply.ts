// Unpacks one image layer (a tar, plain or compressed) into its own directory in the overlay
// format, which overlayfs reads as a lower layer and the copy snapshotter applies (containerd's
// and Docker overlay2's format):
//   `dir/.wh.name`      (a whiteout: hide `dir/name` of the layers below) becomes a character
//                       device 0/0 named `dir/name`;
//   `dir/.wh..wh..opq`  (an opaque dir: hide what layers below have in `dir`) becomes the xattr
//                       `trusted.overlay.opaque=y` on `dir`;
// the markers themselves are never written. The spec says a marker hides only what lower layers
// brought, whatever the member order, so markers are collected during the pass and written at its
// end: a whiteout of a name this layer wrote itself makes that directory opaque (a non-directory
// replaces the lower one anyway). The bottom layer has nothing below it: its markers are dropped.
// A hard link to a file of a lower layer cannot link across layer dirs: the file is copied into
// this layer under the link's name (as overlayfs copies up), found in the lower layers top first.
//
// Safety: the layer's content is untrusted. Every member, marker and hard-link target is resolved
// inside the layer dir through the in-root module (src/daemon/rootfs), as if it were "/"; lower
// layers are read through their own RootDirs the same way.
//
// One pass over the layer (it is read as it is decompressed, never stored as a plain tar). Callers
// apply into a scratch dir that is thrown away when a layer fails (a refused member, a digest
// mismatch), so a half-applied layer is never seen.

import { open } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type { RootDir } from '../rootfs/in-root.ts';
import { dropParentDir, finishDirectories, queueCopiedUpXattrs, unpackMember, unpackOptions } from '../rootfs/unpack-member.ts';
import { ImageError } from './image-errors.ts';
import { readTarMembers, readTarStream } from './tar-archive.ts';
import type { TarBody } from './tar-archive.ts';
import { copyUpLink, existsIn, inRoot, LayerWrites, writeMarkers, type LayerMarkers } from './layer-markers.ts';
import type { TarMember } from '../rootfs/unpack-member.ts';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

/** The layer tarball, opened from a trusted host path or from inside an unpacked archive's RootDir. */
export type LayerSource = { hostPath: string } | { archive: RootDir; path: string };

type Members = AsyncIterable<{ member: TarMember; body: TarBody }>;

/**
 * A layer stored as a file (gzip detected), e.g. `docker import`'s tarball or a `docker load` layer,
 * into the empty layer dir `root`; `lowers` are the layer dirs below it, top first.
 */
export async function applyLayer(root: RootDir, layer: LayerSource, label: string, lowers: readonly RootDir[] = []): Promise<LayerMarkers> {
  const opener = 'hostPath' in layer ? () => open(layer.hostPath, 'r') : () => openInArchive(layer.archive, layer.path, label);
  return applyMembers(root, readTarMembers(opener, label), label, lowers);
}

/** A layer read from `stages` (its blob, decompressor, hasher: see layer-decompress.ts) in one pass. */
export async function applyLayerStream(root: RootDir, stages: Readable[], label: string, lowers: readonly RootDir[] = []): Promise<LayerMarkers> {
  return applyMembers(root, readTarStream(stages, label), label, lowers);
}

async function applyMembers(root: RootDir, members: Members, label: string, lowers: readonly RootDir[]): Promise<LayerMarkers> {
  const state = unpackOptions();
  const written = new LayerWrites();
  const whiteouts: string[] = [];
  const opaques: string[] = [];
  const devices: string[] = [];
  try {
    for await (const { member, body } of members) {
      const base = posix.basename(member.name);
      const dir = posix.dirname(member.name);
      if (base === OPAQUE_MARKER) {
        opaques.push(dir);
      } else if (base.startsWith(WHITEOUT_PREFIX)) {
        whiteouts.push(posix.join(dir, base.slice(WHITEOUT_PREFIX.length)));
      } else if (member.type === 'link' && lowers.length > 0 && !(await existsIn(root, member.linkname))) {
        await inRoot(label, member.name, () => dropParentDir(state)); // its members' xattrs are set first
        await inRoot(label, member.name, () => copyUpLink(root, member, lowers, label));
        await inRoot(label, member.name, () => queueCopiedUpXattrs(root, member, state)); // the copy has none of its own
        written.add(member.name);
      } else {
        await inRoot(label, member.name, () => unpackMember(root, member, body, state));
        written.add(member.name);
        if (member.type === 'character-device' && member.devmajor === 0 && member.devminor === 0) devices.push(member.name);
      }
    }
    await inRoot(label, 'after the last', () => dropParentDir(state)); // sets the held directory's members' xattrs
    const markers = lowers.length === 0 ? { whiteouts: [], opaques: [] } : await writeMarkers(root, whiteouts, opaques, written, lowers, label);
    // A 0/0 device the layer carries as a plain member is a whiteout to overlayfs too (as in
    // Docker): listed, so that the copy snapshotter hides it the same way.
    for (const name of devices) if (!markers.whiteouts.includes(name) && (await isWhiteoutDevice(root, name))) markers.whiteouts.push(name);
    await inRoot(label, 'after the last', () => finishDirectories(root, state)); // sets the last directory's xattrs too
    return markers;
  } catch (error) {
    // The scratch dir is thrown away: its pending xattrs do not matter, and failing to set them
    // must not hide the error that stopped the layer.
    await dropParentDir(state).catch(() => undefined);
    throw error;
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
  } catch (error) {
    // The scratch dir is thrown away: its pending xattrs do not matter, and failing to set them
    // must not hide the error that stopped the layer.
    await dropParentDir(state).catch(() => undefined);
    throw error;
  }
}

async function isWhiteoutDevice(root: RootDir, path: string): Promise<boolean> {
  const stats = await root.lstat(path).catch(() => undefined);
  return stats !== undefined && stats.isCharacterDevice() && stats.rdev === 0;
}

async function openInArchive(archive: RootDir, path: string, label: string): ReturnType<typeof open> {
  try {
    return await archive.openFile(path);
  } catch (error) {
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label}: ${path} cannot be read from the archive: ${(error as Error).message}`, { cause: error });
  }
}
