// Every host-side file operation on a path inside a container rootfs, an image layer or an
// unpacked archive goes through a RootDir. Paths are resolved as if the root were "/" (openat2
// RESOLVE_IN_ROOT semantics): absolute and relative symlinks and ".." are followed inside the root
// and can never lead out of it, whatever the untrusted content of the root says or does meanwhile.
//
//   const root = await RootDir.open('/var/lib/hookd/containers/<id>/rootfs');
//   try {
//     const old = await root.readFileIfExists('/etc/profile.d/hookd-env.sh');   // Buffer | undefined
//     await root.writeFileAtomic('/etc/profile.d/hookd-env.sh', text, { mode: 0o644, createParents: true });
//   } finally {
//     await root.close();
//   }
//
// API (every `path` is inside the root; a leading "/" is optional; errors are RootfsError):
//   RootDir.open(hostPath)                 anchor a root (the host path itself is trusted)
//   readFile(path, {maxBytes}) / readFileIfExists(path)   regular files only (no FIFO, device)
//   openFile(path) -> FileHandle           a regular file for reading (streams, large layers)
//   writeFileAtomic(path, data, {mode, uid, gid, createParents})   temp + fsync + rename: replaces the
//                                          entry at `path` (a symlink there is replaced, not followed)
//   createFile(path, {mode}) -> FileHandle  new file, O_EXCL (caller removes what was there)
//   mkdir(path, mode) / mkdirAll(path, mode)  an existing directory is fine
//   symlink(target, path)                  `target` stored verbatim, resolved in root when used
//   hardlink(existingPath, path)           both ends resolved in root; the existing end not followed
//   rename(from, to)                       both ends in root, neither followed
//   remove(path) / removeAll(path) / removeChildren(dirPath)   missing is fine; links never followed
//   lstat(path) -> Stats | undefined       undefined when missing; readdir(dirPath); readlink(path)
//   chmod(path, mode) / chown(path, uid, gid) / utimes(path, atime, mtime)   on the entry, not a link's target
//   mknod(path, kind, mode, major, minor)  FIFOs and devices (through mknod(1): Node has no mknod)
//   openDir(path, createMode) -> DirAt      one directory held open for many single-name operations (dir-at.ts)
//   resolveEntry(path, op)                 the (directory fd, name) of an entry, for DirAt.hardlinkFrom and xattrs.ts
//   close()
//
// Why this is race-free (no time-of-check/time-of-use gap): nothing is checked and then re-opened
// by path. Each directory on the way is opened O_PATH|O_NOFOLLOW relative to the descriptor of
// the one before it (through /proc/self/fd/<fd>/<name>, see proc-fd.ts and resolve-in-root.ts);
// symlinks are read and interpreted by us against the root's descriptor; the final syscall acts
// on /proc/self/fd/<dirFd>/<name> and does not follow <name>. A container may rename, replace or
// plant links concurrently, but only entries of directories we already hold, so the worst it
// can cause is a failed operation or one that lands elsewhere inside its own root.
// Node has no openat(2); the /proc/self/fd magic link gives the same kernel lookup. Needs Linux
// with /proc mounted (the daemon runs there anyway).

import type { FileHandle } from 'node:fs/promises';
import { chmod, link, lstat, lutimes, lchown, open, readdir, readlink, rename, symlink, unlink, rmdir, mkdir } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { closeFd, O_PATH, openRootAnchor, procPath, procPathForChild } from './proc-fd.ts';
import { removeChildrenAt, removeEntryAt } from './remove-tree.ts';
import { resolveInRoot, splitPath } from './resolve-in-root.ts';
import { DirAt } from './dir-at.ts';
import type { FinalMode, Resolved } from './resolve-in-root.ts';
import { RootfsError, systemError } from './rootfs-errors.ts';

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_WRONLY, O_RDONLY, O_NONBLOCK } = constants;

export interface WriteFileOptions {
  /** Permission bits, applied with fchmod (not reduced by the umask). Default 0o644. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Create missing parent directories (0o755, like mkdir -p). Default false. */
  createParents?: boolean;
}

export class RootDir {
  /** The root's host path, for messages. */
  readonly path: string;
  #fd: number | undefined;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  static async open(hostPath: string): Promise<RootDir> {
    try {
      return new RootDir(hostPath, await openRootAnchor(hostPath));
    } catch (error) {
      throw systemError('open root', hostPath, '/', error);
    }
  }

  /** A regular file opened for reading (links followed inside the root); the caller closes it. */
  async openFile(path: string): Promise<FileHandle> {
    return this.#at(path, 'follow', 'read', async (dirFd, name) => {
      // O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore it.
      const handle = await open(procPath(dirFd, name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
      if (!(await handle.stat()).isFile()) {
        await handle.close();
        throw new RootfsError('ERR_ROOTFS_NOT_A_FILE', `read ${path} inside ${this.path}: not a regular file`);
      }
      return handle;
    });
  }

  async readFile(path: string, options: { maxBytes?: number } = {}): Promise<Buffer> {
    const handle = await this.openFile(path);
    try {
      const { size } = await handle.stat();
      if (options.maxBytes !== undefined && size > options.maxBytes) {
        throw new RootfsError('ERR_ROOTFS_TOO_LARGE', `read ${path} inside ${this.path}: ${size} bytes, more than the ${options.maxBytes} allowed`);
      }
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async readFileIfExists(path: string, options: { maxBytes?: number } = {}): Promise<Buffer | undefined> {
    try {
      return await this.readFile(path, options);
    } catch (error) {
      if ((error as RootfsError).code === 'ERR_ROOTFS_NOT_FOUND') return undefined;
      throw error;
    }
  }

  async writeFileAtomic(path: string, data: string | Uint8Array, options: WriteFileOptions = {}): Promise<void> {
    const resolved = await this.#resolve(path, 'entry', 'write', options.createParents ? 0o755 : undefined);
    const { dirFd, name } = resolved;
    const temp = `.${name!}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      const handle = await open(procPath(dirFd, temp), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
      try {
        await handle.writeFile(data);
        if (options.uid !== undefined || options.gid !== undefined) await handle.chown(options.uid ?? -1, options.gid ?? -1);
        await handle.chmod(options.mode ?? 0o644);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(procPath(dirFd, temp), procPath(dirFd, name));
    } catch (error) {
      await unlink(procPath(dirFd, temp)).catch(() => undefined); // best effort: the error below is what matters
      throw systemError('write', this.path, path, error);
    } finally {
      await resolved.release();
    }
  }

  /** A new file, opened for writing; fails (errno EEXIST) when the name exists, even as a link. */
  async createFile(path: string, options: { mode?: number } = {}): Promise<FileHandle> {
    return this.#at(path, 'entry', 'create', async (dirFd, name) => {
      const handle = await open(procPath(dirFd, name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
      await handle.chmod(options.mode ?? 0o644);
      return handle;
    });
  }

  async mkdir(path: string, mode = 0o755): Promise<void> {
    await this.#at(path, 'entry', 'mkdir', async (dirFd, name) => {
      await mkdir(procPath(dirFd, name), { mode }).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST' || !(await lstat(procPath(dirFd, name))).isDirectory()) throw error;
      });
    });
  }

  async mkdirAll(path: string, mode = 0o755): Promise<void> {
    const resolved = await this.#resolve(path, 'dir', 'mkdir -p', mode);
    await resolved.release();
  }

  /**
   * The directory at `path` (created with its parents, mode `createMode`, when missing), held open
   * for many operations on its entries; the caller closes it. See dir-at.ts for when to drop it.
   */
  async openDir(path: string, createMode = 0o755): Promise<DirAt> {
    return new DirAt(this.path, splitPath(path).join('/') || '.', await this.#resolve(path, 'dir', 'mkdir -p', createMode));
  }

  /**
   * The directory holding `path` (not followed) and its name, for an operation done elsewhere on
   * /proc/.../fd/<dirFd>/<name> (DirAt.hardlinkFrom, xattrs.ts); `op` names it in errors.
   */
  async resolveEntry(path: string, op = 'hard link from'): Promise<{ dirFd: number; name: string; release: () => Promise<void> }> {
    const resolved = await this.#resolve(path, 'entry', op);
    return { dirFd: resolved.dirFd, name: resolved.name!, release: resolved.release };
  }

  async symlink(target: string, path: string): Promise<void> {
    await this.#at(path, 'entry', 'symlink', (dirFd, name) => symlink(target, procPath(dirFd, name)));
  }

  async hardlink(existingPath: string, path: string): Promise<void> {
    const existing = await this.#resolve(existingPath, 'entry', 'hard link from');
    try {
      await this.#at(path, 'entry', 'hard link', (dirFd, name) => link(procPath(existing.dirFd, existing.name!), procPath(dirFd, name)));
    } finally {
      await existing.release();
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const source = await this.#resolve(from, 'entry', 'rename');
    try {
      await this.#at(to, 'entry', 'rename', (dirFd, name) => rename(procPath(source.dirFd, source.name!), procPath(dirFd, name)));
    } finally {
      await source.release();
    }
  }

  /** Removes a file, link or empty directory; true when something was removed. */
  async remove(path: string): Promise<boolean> {
    return this.#at(path, 'entry', 'remove', async (dirFd, name) => {
      const stats = await lstat(procPath(dirFd, name)).catch(() => undefined);
      if (!stats) return false;
      await (stats.isDirectory() ? rmdir : unlink)(procPath(dirFd, name));
      return true;
    });
  }

  async removeAll(path: string): Promise<void> {
    await this.#at(path, 'entry', 'remove', (dirFd, name) => removeEntryAt(dirFd, name)).catch((error: RootfsError) => {
      if (error.code !== 'ERR_ROOTFS_NOT_FOUND') throw error; // a missing parent: nothing to remove
    });
  }

  async removeChildren(dirPath: string): Promise<void> {
    const resolved = await this.#resolve(dirPath, 'dir', 'empty');
    try {
      await removeChildrenAt(resolved.dirFd);
    } catch (error) {
      throw systemError('empty', this.path, dirPath, error);
    } finally {
      await resolved.release();
    }
  }

  async lstat(path: string): Promise<Stats | undefined> {
    return this.#at(path, 'entry', 'lstat', (dirFd, name) => lstat(procPath(dirFd, name))).catch((error: RootfsError) => {
      if (error.code === 'ERR_ROOTFS_NOT_FOUND') return undefined;
      throw error;
    });
  }

  /** The target of the symlink at `path`, as stored (not resolved). */
  async readlink(path: string): Promise<string> {
    return this.#at(path, 'entry', 'readlink', (dirFd, name) => readlink(procPath(dirFd, name)));
  }

  async readdir(dirPath: string): Promise<string[]> {
    const resolved = await this.#resolve(dirPath, 'dir', 'list');
    try {
      return await readdir(procPath(resolved.dirFd));
    } catch (error) {
      throw systemError('list', this.path, dirPath, error);
    } finally {
      await resolved.release();
    }
  }

  /** chmod of the entry; a symlink's own mode means nothing on Linux, so a link is left alone. */
  async chmod(path: string, mode: number): Promise<void> {
    await this.#at(path, 'entry', 'chmod', async (dirFd, name) => {
      // An O_PATH descriptor of the entry itself, then chmod through its magic link: no lchmod on Linux.
      const handle = await open(procPath(dirFd, name), O_PATH | O_NOFOLLOW);
      try {
        if (!(await handle.stat()).isSymbolicLink()) await chmod(procPath(handle.fd), mode);
      } finally {
        await handle.close();
      }
    });
  }

  async chown(path: string, uid: number, gid: number): Promise<void> {
    await this.#at(path, 'entry', 'chown', (dirFd, name) => lchown(procPath(dirFd, name), uid, gid));
  }

  async utimes(path: string, atime: Date, mtime: Date): Promise<void> {
    await this.#at(path, 'entry', 'utimes', (dirFd, name) => lutimes(procPath(dirFd, name), atime, mtime));
  }

  /** A FIFO or device node; mknod(1) acts on /proc/<our pid>/fd/<dir>/<name>, which it does not follow. */
  async mknod(path: string, kind: 'fifo' | 'char' | 'block', mode: number, major = 0, minor = 0): Promise<void> {
    await this.#at(path, 'entry', 'mknod', async (dirFd, name) => {
      const type = { fifo: ['p'], char: ['c', String(major), String(minor)], block: ['b', String(major), String(minor)] }[kind];
      const result = await execa('mknod', ['-m', (mode & 0o7777).toString(8), procPathForChild(dirFd, name), ...type], { reject: false, stdin: 'ignore' });
      if (result.exitCode !== 0) throw new Error(`mknod exited ${result.exitCode ?? '?'}: ${result.stderr.trim()}`);
    });
  }

  async close(): Promise<void> {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) await closeFd(fd);
  }

  #rootFd(): number {
    if (this.#fd === undefined) throw new RootfsError('ERR_ROOTFS_CLOSED', `the root ${this.path} was closed`);
    return this.#fd;
  }

  async #resolve(path: string, final: FinalMode, op: string, createMode?: number): Promise<Resolved> {
    try {
      return await resolveInRoot(this.#rootFd(), path, final, { rootLabel: this.path, ...(createMode === undefined ? {} : { createMode }) });
    } catch (error) {
      throw systemError(op, this.path, path, error);
    }
  }

  /** Resolves, runs `act` on (directory descriptor, final name), releases; errors name the path. */
  async #at<T>(path: string, final: 'entry' | 'follow', op: string, act: (dirFd: number, name: string) => Promise<T>): Promise<T> {
    const resolved = await this.#resolve(path, final, op);
    try {
      return await act(resolved.dirFd, resolved.name!);
    } catch (error) {
      throw systemError(op, this.path, path, error);
    } finally {
      await resolved.release();
    }
  }
}

/** Opens `hostPath` as a RootDir for the length of `use`. */
export async function withRootDir<T>(hostPath: string, use: (root: RootDir) => Promise<T>): Promise<T> {
  const root = await RootDir.open(hostPath);
  try {
    return await use(root);
  } finally {
    await root.close();
  }
}
