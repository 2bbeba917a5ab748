// The xattrs an archive member carries (PAX SCHILY.xattr.*), applied as containerd's archive
// package applies them (pkg/archive/tar.go createTarFile, tar_unix.go setxattr):
//   - trusted.* is never taken from an archive ("admin attributes from archive not supported"): a
//     layer must not plant trusted.overlay.* markers that the overlay snapshotter would obey;
//   - user.* on anything but a regular file or directory is skipped (the kernel refuses it: EPERM);
//   - ENOTSUP (a file system or namespace without xattrs, e.g. security.selinux where nothing
//     handles it, or a name outside security/system/trusted/user) is skipped; so is EPERM when the daemon is not root (it keeps no owners either);
//   - any other refusal fails the member (and so the layer).
// Skipped ones are counted in `ignored`, for the caller to report.
//
// When: after the entry's owner is set (chown clears security.capability) and its content is
// written. Batched: members' xattrs wait, each with its own descriptor of the directory that holds
// the member (an O_PATH dup, so it keeps naming that directory whatever happens to the unpacker's
// DirAt or to the path), until 512 entries wait, a whiteout is about to remove things, or the
// layer ends; then one setfattr process sets them all (xattrs.ts). An entry replaced by a later
// member of the layer (same directory, by identity, same name) is dropped from the batch, so each
// xattr lands on the entry its member made; whatever a batch names can only be inside the root.

import { closeSync, constants, fstatSync, lstatSync, openSync } from 'node:fs';
import type { DirAt } from './dir-at.ts';
import { O_PATH, procPath } from './proc-fd.ts';
import { RootfsError } from './rootfs-errors.ts';
import { setXattrsAt } from './xattrs.ts';
import type { Xattr } from './xattrs.ts';

/** Flush when this many entries wait: bounds the tool's input and our open directory descriptors. */
const MAX_BATCH_ENTRIES = 512;
const { O_DIRECTORY } = constants;
/** xattr(7)'s namespaces (trusted.* aside); for any other name Linux answers ENOTSUP, which containerd skips. */
const KNOWN_NAMESPACES = ['security.', 'system.', 'user.'];

export interface IgnoredXattr {
  member: string;
  name: string;
  reason: string;
}

export class PendingXattrs {
  /** What the layer's xattrs did not get applied, and why (containerd logs these as warnings). */
  readonly ignored: IgnoredXattr[] = [];
  readonly #isRoot: boolean;
  /** Directory identity ("dev:ino") → our own descriptor of it, for the entries that wait. */
  readonly #dirs = new Map<string, number>();
  /** "dev:ino/name" → what waits for that entry. */
  readonly #entries = new Map<string, { dirKey: string; name: string; member: string; xattrs: Xattr[] }>();

  constructor(isRoot: boolean) {
    this.#isRoot = isRoot;
  }

  /** Queues `member`'s xattrs for the entry `base` of `dir` (a member of kind `type`). */
  async add(dir: DirAt, base: string, member: string, type: string | null, xattrs: ReadonlyMap<string, Buffer>): Promise<void> {
    const kept: Xattr[] = [];
    for (const [name, value] of xattrs) {
      const reason = whyNotTaken(name, type);
      if (reason) this.ignored.push({ member, name, reason });
      else kept.push({ name, value });
    }
    if (kept.length === 0) return;
    const dirKey = identity(dir.fd);
    if (!this.#dirs.has(dirKey)) this.#dirs.set(dirKey, openSync(procPath(dir.fd), O_PATH | O_DIRECTORY));
    const key = `${dirKey}/${base}`;
    this.#entries.set(key, { dirKey, name: base, member, xattrs: [...(this.#entries.get(key)?.xattrs ?? []), ...kept] });
    if (this.#entries.size >= MAX_BATCH_ENTRIES) await this.flush();
  }

  /** The entry `base` of `dir` is being replaced: what was queued for it no longer applies. */
  forget(dir: DirAt, base: string): void {
    if (this.#entries.size > 0) this.#entries.delete(`${identity(dir.fd)}/${base}`);
  }

  /** Sets what is queued (before anything removes entries, and when the layer ends). */
  async flush(): Promise<void> {
    const entries = [...this.#entries.values()];
    const dirs = new Map(this.#dirs);
    this.#entries.clear();
    this.#dirs.clear();
    try {
      if (entries.length === 0) return;
      const targets = entries.map((entry) => ({ dirFd: dirs.get(entry.dirKey)!, name: entry.name, xattrs: entry.xattrs }));
      const failures = await setXattrsAt(targets, 'set xattrs of layer members');
      for (const failure of failures) {
        const { member } = entries[failure.target]!;
        const dirFd = targets[failure.target]!.dirFd;
        if (failure.errno === 'ENOTSUP' || (failure.errno === 'EPERM' && (!this.#isRoot || (failure.name.startsWith('user.') && !isFileOrDir(dirFd, failure.entry))))) {
          this.ignored.push({ member, name: failure.name, reason: failure.message });
          continue;
        }
        throw new RootfsError('ERR_ROOTFS_IO', `set xattr ${failure.name} on ${member}: ${failure.message}`, { cause: Object.assign(new Error(failure.message), { code: failure.errno }) });
      }
    } finally {
      for (const fd of dirs.values()) closeSync(fd);
    }
  }
}

/** Why containerd would not set `name` on a member of kind `type` (it skips these), or undefined. */
function whyNotTaken(name: string, type: string | null): string | undefined {
  if (name.startsWith('trusted.')) return 'trusted.* xattrs are not taken from archives';
  if (!KNOWN_NAMESPACES.some((prefix) => name.startsWith(prefix) && name.length > prefix.length)) return 'not in a namespace Linux knows (it answers ENOTSUP)';
  if (name.startsWith('user.') && type !== 'file' && type !== 'contiguous-file' && type !== 'directory' && type !== 'link') {
    return `user.* xattrs cannot be set on a ${type ?? 'member of this type'}`;
  }
  return undefined;
}

/** A directory's identity, whatever path led to it (a symlinked alias is the same directory). */
function identity(dirFd: number): string {
  const stats = fstatSync(dirFd, { bigint: true });
  return `${stats.dev}:${stats.ino}`;
}

/** A hard link's target may be a symlink or device, where user.* is refused (as containerd checks). */
function isFileOrDir(dirFd: number, name: string): boolean {
  const stats = lstatSync(procPath(dirFd, name), { throwIfNoEntry: false });
  return stats !== undefined && (stats.isFile() || stats.isDirectory());
}
