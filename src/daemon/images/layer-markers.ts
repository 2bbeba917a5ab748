// The end of a layer's pass (layer-apply.ts): its whiteouts and opaque markers written in the
// overlay format, and hard links to files of lower layers copied up. Everything goes through the
// layer dir's RootDir and the lower layers' RootDirs (src/daemon/rootfs): names are untrusted.

import { posix } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import type { RootDir } from '../rootfs/in-root.ts';
import { isRootfsError } from '../rootfs/rootfs-errors.ts';
import { setXattr } from '../rootfs/xattrs.ts';
import type { TarMember } from '../rootfs/unpack-member.ts';
import { ImageError } from './image-errors.ts';

/** What a layer hides of the layers below it (paths inside the layer, no leading "/"; "." is its root). */
export interface LayerMarkers {
  /** Paths that are a whiteout (a character device 0/0) in the layer dir. */
  whiteouts: string[];
  /** Directories marked opaque (trusted.overlay.opaque=y) in the layer dir. */
  opaques: string[];
}

export const OPAQUE_XATTR = 'trusted.overlay.opaque';

/** The names one layer wrote, and every directory above them (which a whiteout must keep). */
export class LayerWrites {
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
 * Writes the markers collected during the pass, shallowest first (a whiteout of a directory makes
 * markers below it moot). A whiteout of what this layer wrote itself only hides the lower layers'
 * content: a directory becomes opaque, anything else already replaces the lower entry.
 */
export async function writeMarkers(root: RootDir, whiteouts: string[], opaques: string[], written: LayerWrites, lowers: readonly RootDir[], label: string): Promise<LayerMarkers> {
  const result: LayerMarkers = { whiteouts: [], opaques: [] };
  const opaque = new Set(opaques);
  const depth = (path: string): number => path.split('/').length;
  const hidden = (path: string): boolean => result.whiteouts.some((w) => path.startsWith(`${w}/`));
  for (const path of [...new Set(whiteouts)].sort((a, b) => depth(a) - depth(b))) {
    if (hidden(path)) continue;
    await inRoot(label, `${path} (whiteout)`, async () => {
      if (written.has(path) || written.hasBelow(path)) {
        if ((await root.lstat(path))?.isDirectory()) opaque.add(path);
        return;
      }
      await root.removeAll(path); // a directory an earlier marker made on the way
      const parent = posix.dirname(path);
      if (parent !== '.') await root.mkdirAll(parent);
      await root.mknod(path, 'char', 0, 0, 0);
      result.whiteouts.push(path);
    });
  }
  for (const dir of [...opaque].sort((a, b) => depth(a) - depth(b))) {
    if (hidden(dir)) continue;
    await inRoot(label, `${dir} (opaque directory)`, async () => {
      if (dir === '.') {
        await whiteoutLowerRoot(root, written, lowers, result);
        result.opaques.push(dir);
        return;
      }
      const stats = await root.lstat(dir);
      if (stats && !stats.isDirectory()) return; // this layer put a non-directory there: it replaces the lower dir
      if (!stats) await root.mkdirAll(dir);
      await setXattr(root, dir, OPAQUE_XATTR, Buffer.from('y'));
      result.opaques.push(dir);
    });
  }
  return result;
}

/**
 * overlayfs ignores the opaque xattr on a layer's root: an opaque root becomes a whiteout for each
 * name the lower layers have there that this layer did not write.
 */
async function whiteoutLowerRoot(root: RootDir, written: LayerWrites, lowers: readonly RootDir[], result: LayerMarkers): Promise<void> {
  const names = new Set<string>();
  for (const lower of lowers) for (const name of await lower.readdir('.')) names.add(name);
  for (const name of names) {
    if (written.has(name) || written.hasBelow(name) || (await root.lstat(name))) continue;
    await root.mknod(name, 'char', 0, 0, 0);
    result.whiteouts.push(name);
  }
}

export async function existsIn(root: RootDir, path: string): Promise<boolean> {
  return (await root.lstat(path).catch(() => undefined)) !== undefined;
}

/**
 * A hard link whose target is in a lower layer: the target (a regular file, found in the lower
 * layers top first) is copied into this layer under the link's name, with its mode, owner and
 * times. The two names no longer share an inode, as after an overlayfs copy-up.
 */
export async function copyUpLink(root: RootDir, member: TarMember, lowers: readonly RootDir[], label: string): Promise<void> {
  for (const lower of lowers) {
    const stats = await lower.lstat(member.linkname).catch(() => undefined);
    if (!stats) continue;
    if (!stats.isFile()) break;
    const source = await lower.openFile(member.linkname);
    try {
      const parent = posix.dirname(member.name);
      if (parent !== '.') await root.mkdirAll(parent);
      await root.removeAll(member.name);
      const target = await root.createFile(member.name, { mode: stats.mode & 0o7777 });
      try {
        await copyContent(source, target);
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
    if (process.getuid?.() === 0) await root.chown(member.name, stats.uid, stats.gid);
    await root.chmod(member.name, stats.mode & 0o7777);
    await root.utimes(member.name, stats.atime, stats.mtime);
    return;
  }
  throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label}: member "${member.name}" cannot be applied: its hard link target "${member.linkname}" is a regular file of neither this layer nor a lower one`);
}

/** Plain reads and writes: fs streams over handles they do not own never report that they closed. */
async function copyContent(source: FileHandle, target: FileHandle): Promise<void> {
  const buffer = Buffer.alloc(256 * 1024);
  for (;;) {
    const { bytesRead } = await source.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return;
    await target.write(buffer, 0, bytesRead);
  }
}

/**
 * Runs one in-root step for `member`; its failures become ERR_IMAGE_BAD_ARCHIVE naming the layer and
 * member (a hard link to nothing, a file where a directory must be, a link loop).
 */
export async function inRoot(label: string, member: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (!isRootfsError(error)) throw error;
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label}: member "${member}" cannot be applied: ${error.message}`, { cause: error });
  }
}
