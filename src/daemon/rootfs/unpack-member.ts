// Writes one tar member into a root through RootDir, as tar would with --numeric-owner
// --same-permissions, but with every path (the member's, its parent's and a hard link's target)
// resolved inside the root: an image layer, an archive or (later) `docker cp` can plant any link
// it likes and the next member still lands inside the root.
//
// What an existing entry at the member's name becomes: a directory over a directory is kept (its
// mode, owner and time updated); anything else is removed first (a directory with its contents),
// as Docker's layer applier does. Directory times are set by the caller once the whole archive is
// written (`finishDirectories`), since writing a member inside a directory changes its mtime.

import { posix } from 'node:path';
import type { RootDir } from './in-root.ts';
import type { DirAt } from './dir-at.ts';
import { PendingXattrs } from './member-xattrs.ts';

/** A member as the tar parser reports it; `name` and `linkname` relative to the archive root. */
export interface TarMember {
  name: string;
  type: string | null;
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** xattrs from the member's PAX header (SCHILY.xattr.*): name → exact value bytes. */
  xattrs: Map<string, Buffer>;
}

export interface UnpackOptions {
  /** chown each member to its numeric uid/gid (only root can; elsewhere owners stay the caller's). */
  keepOwners: boolean;
  /** Directories written so far with their times, for finishDirectories(). */
  directories: Array<{ name: string; mtime: Date }>;
  /**
   * The last member's parent directory, held open: members come grouped by directory, so most
   * members skip the walk from the root. Only valid while nothing but unpackMember changes the
   * root (it never removes a member's parent or an ancestor of it); whoever else removes entries
   * (whiteouts) calls dropParentDir() first. finishDirectories() closes it.
   */
  parentDir?: DirAt;
  /** Members' xattrs waiting to be set in one go for the held directory (member-xattrs.ts). */
  xattrs: PendingXattrs;
}

export function unpackOptions(): UnpackOptions {
  const isRoot = process.getuid?.() === 0;
  return { keepOwners: isRoot, directories: [], xattrs: new PendingXattrs(isRoot) };
}

/**
 * Closes the held parent directory (the next member walks from the root again) and sets the
 * members' pending xattrs: callers drop it before removing entries (whiteouts) and at the end.
 */
export async function dropParentDir(options: UnpackOptions): Promise<void> {
  const held = options.parentDir;
  delete options.parentDir;
  try {
    await options.xattrs.flush();
  } finally {
    await held?.close();
  }
}

async function parentDirOf(root: RootDir, name: string, options: UnpackOptions): Promise<DirAt> {
  const parent = posix.dirname(name);
  if (options.parentDir?.path === parent) return options.parentDir;
  const held = options.parentDir;
  delete options.parentDir;
  await held?.close(); // pending xattrs keep their own descriptor of it (member-xattrs.ts)
  options.parentDir = await root.openDir(parent, 0o755);
  return options.parentDir;
}

/** Writes `member` (with `body` for a regular file) into `root`. Unknown member types are skipped. */
export async function unpackMember(root: RootDir, member: TarMember, body: AsyncIterable<Uint8Array>, options: UnpackOptions): Promise<void> {
  const { name } = member;
  const dir = await parentDirOf(root, name, options);
  const base = posix.basename(name);
  const existing = dir.lstat(base);
  if (member.type === 'directory') {
    if (existing && !existing.isDirectory()) await removeExisting(dir, base, options);
    if (!existing?.isDirectory()) dir.mkdir(base, 0o700);
    setOwnerAndMode(dir, base, member, options);
    await options.xattrs.add(dir, base, name, member.type, member.xattrs);
    options.directories.push({ name, mtime: member.mtime });
    return;
  }
  if (!isKnownType(member.type)) return;
  if (existing) await removeExisting(dir, base, options);
  switch (member.type) {
    case 'file':
    case 'contiguous-file': {
      await dir.writeNewFile(base, body, {
        mode: member.mode & 0o7777, mtime: member.mtime, ...(options.keepOwners ? { owner: { uid: member.uid, gid: member.gid } } : {}),
      });
      await options.xattrs.add(dir, base, name, member.type, member.xattrs);
      return;
    }
    case 'symlink':
      dir.symlink(member.linkname, base);
      break;
    case 'link': {
      // The target is a member name too: resolved inside the root, and not followed if it is a link.
      const target = await root.resolveEntry(member.linkname);
      try {
        dir.hardlinkFrom(target.dirFd, target.name, base);
      } finally {
        await target.release();
      }
      break;
    }
    case 'fifo':
      await root.mknod(name, 'fifo', member.mode);
      break;
    case 'character-device':
    case 'block-device':
      await root.mknod(name, member.type === 'block-device' ? 'block' : 'char', member.mode, member.devmajor, member.devminor);
      break;
    default:
      break; // every other type returned at isKnownType above
  }
  // A hard link shares its target's inode: mode, owner and times are the target's already.
  if (member.type !== 'link') {
    setOwnerAndMode(dir, base, member, options);
    dir.utimes(base, member.mtime, member.mtime);
  }
  // After the owner: chown clears security.capability. A hard link's xattrs land on the shared inode, as containerd sets them.
  await options.xattrs.add(dir, base, name, member.type, member.xattrs);
}

/** Removes what lower layers (or an earlier member) left at `base`; xattrs queued for it go too. */
async function removeExisting(dir: DirAt, base: string, options: UnpackOptions): Promise<void> {
  options.xattrs.forget(dir, base);
  await dir.removeAll(base);
}

/**
 * Queues `member`'s xattrs for a regular file that someone else wrote at its name: layer-apply.ts
 * copies a hard link to a lower layer's file up into the layer, and Docker's layers carry the
 * file's security.capability on the link's header too.
 */
export async function queueCopiedUpXattrs(root: RootDir, member: TarMember, options: UnpackOptions): Promise<void> {
  if (member.xattrs.size === 0) return;
  const dir = await parentDirOf(root, member.name, options);
  await options.xattrs.add(dir, posix.basename(member.name), member.name, 'file', member.xattrs);
}

/** Sets the directories' times, deepest first, after everything inside them is written. */
export async function finishDirectories(root: RootDir, options: UnpackOptions): Promise<void> {
  await dropParentDir(options);
  for (const { name, mtime } of [...options.directories].reverse()) {
    await root.utimes(name, mtime, mtime).catch(() => undefined); // removed by a later member: nothing to date
  }
  options.directories.length = 0;
}

function isKnownType(type: string | null): boolean {
  return type !== null && ['file', 'contiguous-file', 'symlink', 'link', 'fifo', 'character-device', 'block-device'].includes(type);
}

/** chown before chmod: chown clears set-uid/set-gid bits, which the mode must keep. */
function setOwnerAndMode(dir: DirAt, base: string, member: TarMember, options: UnpackOptions): void {
  if (options.keepOwners) dir.chown(base, member.uid, member.gid);
  if (member.type !== 'symlink') dir.chmod(base, member.mode & 0o7777);
}
