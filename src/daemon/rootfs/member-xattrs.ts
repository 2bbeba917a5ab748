// The xattrs an archive member carries (PAX SCHILY.xattr.*), applied as containerd's archive
// package applies them (pkg/archive/tar.go createTarFile, tar_unix.go setxattr):
//   - trusted.* is never taken from an archive ("admin attributes from archive not supported"): a
//     layer must not plant trusted.overlay.* markers that the overlay snapshotter would obey;
//   - user.* on anything but a regular file or directory is skipped (the kernel refuses it: EPERM);
//   - ENOTSUP (a file system or namespace without xattrs, e.g. security.selinux where nothing
//     handles it) is skipped; so is EPERM when the daemon is not root (it keeps no owners either);
//   - any other refusal fails the member (and so the layer).
// Skipped ones are counted in `ignored`, for the caller to report.
//
// When: after the entry's owner is set (chown clears security.capability) and its content is
// written. Batched: the xattrs of members of one directory wait until the unpacker leaves that
// directory (or a batch is full), then one setfattr process sets them all (xattrs.ts); the held
// directory descriptor keeps naming the same directory meanwhile, and an entry replaced by a later
// member of the layer is dropped from the batch, so each xattr lands on the entry of its member.

import type { DirAt } from './dir-at.ts';
import { RootfsError } from './rootfs-errors.ts';
import { setXattrsInDir } from './xattrs.ts';
import type { Xattr } from './xattrs.ts';

/** Flush before this many entries wait: bounds the tool's input and what a failure names. */
const MAX_BATCH_ENTRIES = 512;

export interface IgnoredXattr {
  member: string;
  name: string;
  reason: string;
}

export class PendingXattrs {
  /** What the layer's xattrs did not get applied, and why (containerd logs these as warnings). */
  readonly ignored: IgnoredXattr[] = [];
  readonly #isRoot: boolean;
  #dir: DirAt | undefined;
  readonly #entries = new Map<string, { member: string; xattrs: Xattr[] }>();

  constructor(isRoot: boolean) {
    this.#isRoot = isRoot;
  }

  /** Queues `member`'s xattrs for the entry `base` of `dir` (a member of kind `type`). */
  async add(dir: DirAt, base: string, member: string, type: string | null, xattrs: ReadonlyMap<string, Buffer>): Promise<void> {
    const kept: Xattr[] = [];
    for (const [name, value] of xattrs) {
      if (name.startsWith('trusted.')) this.ignored.push({ member, name, reason: 'trusted.* xattrs are not taken from archives' });
      else if (name.startsWith('user.') && type !== 'file' && type !== 'contiguous-file' && type !== 'directory' && type !== 'link') {
        this.ignored.push({ member, name, reason: `user.* xattrs cannot be set on a ${type ?? 'member of this type'}` });
      } else kept.push({ name, value });
    }
    if (kept.length === 0) return;
    if (this.#dir !== dir) await this.flush();
    this.#dir = dir;
    const queued = this.#entries.get(base);
    this.#entries.set(base, { member, xattrs: [...(queued?.xattrs ?? []), ...kept] });
    if (this.#entries.size >= MAX_BATCH_ENTRIES) await this.flush();
  }

  /** The entry `base` of `dir` is being replaced: what was queued for it no longer applies. */
  forget(dir: DirAt, base: string): void {
    if (this.#dir === dir) this.#entries.delete(base);
  }

  /** Sets what is queued; call before the held directory is closed. */
  async flush(): Promise<void> {
    const dir = this.#dir;
    const entries = [...this.#entries].map(([name, { member, xattrs }]) => ({ name, member, xattrs }));
    this.#dir = undefined;
    this.#entries.clear();
    if (!dir || entries.length === 0) return;
    const failures = await setXattrsInDir(dir.fd, entries, `set xattrs of members in ${dir.path}`);
    for (const failure of failures) {
      const member = entries.find((entry) => entry.name === failure.entry)!.member;
      if (failure.errno === 'ENOTSUP' || (failure.errno === 'EPERM' && (!this.#isRoot || (failure.name.startsWith('user.') && !isFileOrDir(dir, failure.entry))))) {
        this.ignored.push({ member, name: failure.name, reason: failure.message });
        continue;
      }
      throw new RootfsError('ERR_ROOTFS_IO', `set xattr ${failure.name} on ${member}: ${failure.message}`, { cause: Object.assign(new Error(failure.message), { code: failure.errno }) });
    }
  }
}

/** A hard link's target may be a symlink or device, where user.* is refused (as containerd checks). */
function isFileOrDir(dir: DirAt, name: string): boolean {
  const stats = dir.lstat(name);
  return stats !== undefined && (stats.isFile() || stats.isDirectory());
}
