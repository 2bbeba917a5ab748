// Writes one tar member into a root through RootDir, as tar would with --numeric-owner
// --same-permissions, but with every path (the member's, its parent's and a hard link's target)
// resolved inside the root: an image layer, an archive or (later) `docker cp` can plant any link
// it likes and the next member still lands inside the root.
//
// What an existing entry at the member's name becomes: a directory over a directory is kept (its
// mode, owner and time updated); anything else is removed first (a directory with its contents),
// as Docker's layer applier does. Directory times are set by the caller once the whole archive is
// written (`finishDirectories`), since writing a member inside a directory changes its mtime.

import type { Readable } from 'node:stream';
import { posix } from 'node:path';
import type { RootDir } from './in-root.ts';

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
}

export interface UnpackOptions {
  /** chown each member to its numeric uid/gid (only root can; elsewhere owners stay the caller's). */
  keepOwners: boolean;
  /** Directories written so far with their times, for finishDirectories(). */
  directories: Array<{ name: string; mtime: Date }>;
}

export function unpackOptions(): UnpackOptions {
  return { keepOwners: process.getuid?.() === 0, directories: [] };
}

/** Writes `member` (with `body` for a regular file) into `root`. Unknown member types are skipped. */
export async function unpackMember(root: RootDir, member: TarMember, body: Readable, options: UnpackOptions): Promise<void> {
  const { name } = member;
  const parent = posix.dirname(name);
  if (parent !== '.') await root.mkdirAll(parent, 0o755);
  const existing = await root.lstat(name);
  if (member.type === 'directory') {
    if (existing && !existing.isDirectory()) await root.removeAll(name);
    if (!existing?.isDirectory()) await root.mkdir(name, 0o700);
    await setOwnerAndMode(root, member, options);
    options.directories.push({ name, mtime: member.mtime });
    return;
  }
  if (!isKnownType(member.type)) return;
  if (existing) await root.removeAll(name);
  switch (member.type) {
    case 'file':
    case 'contiguous-file': {
      const handle = await root.createFile(name, { mode: 0o600 });
      try {
        // Chunk by chunk: the parser's body is a streamx stream, which stream.pipeline does not see end.
        for await (const chunk of body as AsyncIterable<Uint8Array>) await handle.write(chunk);
      } finally {
        await handle.close();
      }
      break;
    }
    case 'symlink':
      await root.symlink(member.linkname, name);
      break;
    case 'link':
      // The target is a member name too: resolved inside the root, and not followed if it is a link.
      await root.hardlink(member.linkname, name);
      break;
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
    await setOwnerAndMode(root, member, options);
    await root.utimes(name, member.mtime, member.mtime);
  }
}

/** Sets the directories' times, deepest first, after everything inside them is written. */
export async function finishDirectories(root: RootDir, options: UnpackOptions): Promise<void> {
  for (const { name, mtime } of [...options.directories].reverse()) {
    await root.utimes(name, mtime, mtime).catch(() => undefined); // removed by a later member: nothing to date
  }
  options.directories.length = 0;
}

function isKnownType(type: string | null): boolean {
  return type !== null && ['file', 'contiguous-file', 'symlink', 'link', 'fifo', 'character-device', 'block-device'].includes(type);
}

/** chown before chmod: chown clears set-uid/set-gid bits, which the mode must keep. */
async function setOwnerAndMode(root: RootDir, member: TarMember, options: UnpackOptions): Promise<void> {
  if (options.keepOwners) await root.chown(member.name, member.uid, member.gid);
  if (member.type !== 'symlink') await root.chmod(member.name, member.mode & 0o7777);
}
