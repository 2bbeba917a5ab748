// One directory inside a root, resolved once and held open (an O_PATH descriptor), for a caller
// that acts on many entries of the same directory in a row: an image layer's members come grouped
// by directory, and resolving "usr/share/doc/x/" again for each of its files was most of the cost
// of unpacking a layer of many small files (issue 10: ~15 walks and syscalls per member).
//
// Every operation takes one plain name (no "/", not "." or ".."), acts on /proc/self/fd/<dir>/<name>
// and never follows that name, exactly as RootDir's operations do after their walk (see in-root.ts).
//
// The metadata calls are synchronous on purpose: each is a few microseconds of kernel time, while
// a round trip through libuv's thread pool cost ~0.3-1 ms per call on a loaded machine, which made
// a layer of 300 symlinks take a second. The event loop still turns between members (the caller
// reads the tar asynchronously), so nothing else waits longer than one member's few calls. File
// contents are written asynchronously (writeChunk), since a large write may wait for writeback.
// The descriptor keeps naming the directory it was opened on even if that directory is moved or
// removed meanwhile, so a caller that removes or replaces directories must drop its DirAt and open
// a new one; a DirAt can never reach outside the root, only into a directory no longer linked there.

import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { chmodSync, closeSync, fchmodSync, fchownSync, fstatSync, futimesSync, lchownSync, linkSync, lstatSync, lutimesSync, mkdirSync, openSync, symlinkSync, write } from 'node:fs';
import { promisify } from 'node:util';
import { O_PATH, procPath } from './proc-fd.ts';
import { removeEntryAt } from './remove-tree.ts';
import type { Resolved } from './resolve-in-root.ts';
import { RootfsError, systemError } from './rootfs-errors.ts';

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_WRONLY } = constants;
const writeAsync = promisify(write);

export class DirAt {
  /** The directory's path inside the root, for messages. */
  readonly path: string;
  readonly #rootLabel: string;
  readonly #resolved: Resolved;

  constructor(rootLabel: string, path: string, resolved: Resolved) {
    this.#rootLabel = rootLabel;
    this.path = path;
    this.#resolved = resolved;
  }

  /** The descriptor, for RootDir.hardlink's target end (valid until close()). */
  get fd(): number {
    return this.#resolved.dirFd;
  }

  lstat(name: string): Stats | undefined {
    return this.#act(name, 'lstat', (at) => lstatSync(at, { throwIfNoEntry: false }));
  }

  /**
   * A new file (O_EXCL, not following a link at `name`) filled from `chunks`, then given its owner
   * (when `owner` is set), mode and times through its descriptor: it is the file just created,
   * whatever happens to the name meanwhile.
   */
  async writeNewFile(name: string, chunks: AsyncIterable<Uint8Array>, meta: { mode: number; mtime: Date; owner?: { uid: number; gid: number } }): Promise<void> {
    const fd = this.#act(name, 'create', (at) => openSync(at, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600));
    try {
      for await (const chunk of chunks) await this.#writeChunk(fd, name, chunk);
      this.#act(name, 'set owner, mode and times of', () => {
        if (meta.owner) fchownSync(fd, meta.owner.uid, meta.owner.gid); // before chmod: chown clears set-id bits
        fchmodSync(fd, meta.mode);
        futimesSync(fd, meta.mtime, meta.mtime);
      });
    } finally {
      closeSync(fd);
    }
  }

  async #writeChunk(fd: number, name: string, chunk: Uint8Array): Promise<void> {
    try {
      for (let offset = 0; offset < chunk.length;) offset += (await writeAsync(fd, chunk, offset)).bytesWritten;
    } catch (error) {
      throw systemError('write', this.#rootLabel, this.#inner(name), error);
    }
  }

  mkdir(name: string, mode: number): void {
    this.#act(name, 'mkdir', (at) => mkdirSync(at, { mode }));
  }

  symlink(target: string, name: string): void {
    this.#act(name, 'symlink', (at) => symlinkSync(target, at));
  }

  /** A hard link at `name` to the entry `existingName` of the directory held by `existingDirFd`. */
  hardlinkFrom(existingDirFd: number, existingName: string, name: string): void {
    this.#act(name, 'hard link', (at) => linkSync(procPath(existingDirFd, existingName), at));
  }

  async removeAll(name: string): Promise<void> {
    this.#act(name, 'remove', () => undefined); // checks the name
    try {
      await removeEntryAt(this.#resolved.dirFd, name);
    } catch (error) {
      throw systemError('remove', this.#rootLabel, this.#inner(name), error);
    }
  }

  chown(name: string, uid: number, gid: number): void {
    this.#act(name, 'chown', (at) => lchownSync(at, uid, gid));
  }

  /** chmod of the entry itself (an O_PATH descriptor of it, then its magic link); a symlink is left alone. */
  chmod(name: string, mode: number): void {
    this.#act(name, 'chmod', (at) => {
      const fd = openSync(at, O_PATH | O_NOFOLLOW);
      try {
        if (!fstatSync(fd).isSymbolicLink()) chmodSync(procPath(fd), mode);
      } finally {
        closeSync(fd);
      }
    });
  }

  utimes(name: string, atime: Date, mtime: Date): void {
    this.#act(name, 'utimes', (at) => lutimesSync(at, atime, mtime));
  }

  close(): Promise<void> {
    return this.#resolved.release();
  }

  #act<T>(name: string, op: string, act: (at: string) => T): T {
    if (name === '' || name === '.' || name === '..' || name.includes('/')) {
      throw new RootfsError('ERR_ROOTFS_BAD_PATH', `${op} "${name}" in ${this.path} inside ${this.#rootLabel}: not a plain entry name`);
    }
    try {
      return act(procPath(this.#resolved.dirFd, name));
    } catch (error) {
      throw systemError(op, this.#rootLabel, this.#inner(name), error);
    }
  }

  #inner(name: string): string {
    return this.path === '.' ? name : `${this.path}/${name}`;
  }
}
