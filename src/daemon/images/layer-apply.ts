// Applies the layers of a `docker save` image onto one rootfs, in order, with the whiteout rules
// of the image spec: `dir/.wh.name` deletes `dir/name` of the layers below, `dir/.wh..wh..opq`
// empties `dir` of the layers below; both markers are removed after the layer is unpacked.
//
// Safety: a lower layer may hold a symlink that leads out of the rootfs (`var/run -> /run`),
// and tar follows symlinks in parent directories. Paths are therefore resolved inside the root
// (as a chroot would), whiteouts delete at that resolved place, and a layer that would write
// through such a link is refused rather than written onto the host.

import { lstat, readdir, readlink, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { ImageError } from './image-errors.ts';
import { assertSafeMembers, extractArchive, listMembers } from './tar-archive.ts';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
const MAX_SYMLINKS = 40;

export async function applyLayer(rootfs: string, layerTar: string, label: string): Promise<void> {
  // posix.normalize drops "./" prefixes and doubled slashes; "./" itself becomes ".".
  const members = (await listMembers(layerTar, label)).map((name) => posix.normalize(name).replace(/\/$/, '')).filter((name) => name !== '' && name !== '.');
  assertSafeMembers(members, label);

  const checkedParents = new Set<string>();
  for (const member of members) {
    const parent = posix.dirname(member);
    if (parent === '.' || checkedParents.has(parent)) continue;
    checkedParents.add(parent);
    const resolved = await resolveInRoot(rootfs, parent);
    if (resolved.escapes) {
      throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label}: "${member}" would be written through the symlink ${resolved.link}, which points outside the image; refusing the layer`);
    }
  }

  const markers: string[] = [];
  for (const member of members) {
    const base = posix.basename(member);
    const dir = posix.dirname(member);
    if (base === OPAQUE_MARKER) {
      markers.push(member);
      const target = await resolveInRoot(rootfs, dir);
      for (const entry of await readdir(target.path).catch(() => [] as string[])) {
        await rm(join(target.path, entry), { recursive: true, force: true });
      }
    } else if (base.startsWith(WHITEOUT_PREFIX)) {
      markers.push(member);
      const parent = await resolveInRoot(rootfs, dir);
      await rm(join(parent.path, base.slice(WHITEOUT_PREFIX.length)), { recursive: true, force: true });
    }
  }

  await extractArchive(layerTar, rootfs, label);
  for (const marker of markers) await rm(join(rootfs, marker), { force: true });
}

/**
 * Resolves `relative` inside `root` as if root were "/": symlinks are followed, absolute targets
 * restart at root and ".." stops at root. `escapes` is true when that differs from what the host
 * would do with root + relative (an absolute link, or one climbing above root), naming the link.
 */
export async function resolveInRoot(root: string, relative: string): Promise<{ path: string; escapes: boolean; link?: string }> {
  let pending = relative.split('/').filter((part) => part !== '' && part !== '.');
  const resolved: string[] = [];
  let escapes = false;
  let link: string | undefined;
  let followed = 0;
  while (pending.length > 0) {
    const [part, ...rest] = pending;
    pending = rest;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = join(root, ...resolved, part!);
    const stat = await lstat(candidate).catch(() => undefined);
    if (!stat?.isSymbolicLink()) {
      resolved.push(part!);
      continue;
    }
    if (++followed > MAX_SYMLINKS) throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `too many levels of symbolic links at /${[...resolved, part].join('/')}`);
    const target = await readlink(candidate);
    const inside = `/${resolved.join('/')}`;
    if (target.startsWith('/') || climbsAboveRoot(inside, target)) {
      escapes = true;
      link ??= `/${[...resolved, part].join('/')} -> ${target}`;
    }
    if (target.startsWith('/')) resolved.length = 0;
    pending = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
  }
  return { path: join(root, ...resolved), escapes, ...(link ? { link } : {}) };
}

function climbsAboveRoot(fromDir: string, target: string): boolean {
  let depth = fromDir.split('/').filter(Boolean).length;
  for (const part of target.split('/')) {
    if (part === '..') depth--;
    else if (part !== '' && part !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}
