// The one primitive the in-root module is built on: a path of the form /proc/self/fd/<dirFd>/<name>.
// When the kernel walks it, /proc/self/fd/<dirFd> is a "magic link" that jumps straight to the
// directory the descriptor holds (the same inode, wherever it has been moved since), not to a
// path re-read from the file system; <name> is then looked up in that directory, exactly like
// openat(dirFd, name). The final component is followed or not according to the syscall
// (O_NOFOLLOW, lstat, unlink, rename, mkdir, symlink, link, lchown, lutimes never follow it).
//
// Directory descriptors are O_PATH: they need no read permission and cannot be used for I/O, only
// as anchors for lookups, which is all a walk needs.

import { constants } from 'node:fs';
import { close, mkdir, open, readlink } from 'node:fs';
import { promisify } from 'node:util';

/** O_PATH from <fcntl.h> (Linux, same value on x86-64, arm, arm64, ppc64le, s390x, riscv64). */
export const O_PATH = 0o10000000;
const { O_DIRECTORY, O_NOFOLLOW } = constants;

const openAsync = promisify(open);
const closeAsync = promisify(close);
const mkdirAsync = promisify(mkdir);
const readlinkAsync = promisify(readlink);

/** The path through which syscalls act on `name` inside the directory held by `dirFd`. */
export function procPath(dirFd: number, name?: string): string {
  return name === undefined ? `/proc/self/fd/${dirFd}` : `/proc/self/fd/${dirFd}/${name}`;
}

/**
 * The same path as seen by a child process (whose /proc/self is itself and which does not inherit
 * our descriptors, all opened close-on-exec): /proc/<our pid>/fd/<dirFd>/<name>.
 */
export function procPathForChild(dirFd: number, name: string): string {
  return `/proc/${process.pid}/fd/${dirFd}/${name}`;
}

/** Opens an existing directory path (trusted: the root given by the daemon) as an O_PATH anchor. */
export function openRootAnchor(path: string): Promise<number> {
  return openAsync(path, O_PATH | O_DIRECTORY);
}

/**
 * Opens `name` in `dirFd` as a directory anchor without following it. Returns the descriptor, or
 * the errno when it is not a directory (ENOTDIR; a symlink gives ENOTDIR or ELOOP) or missing
 * (ENOENT). Other errors throw.
 */
export async function openDirAt(dirFd: number, name: string): Promise<number | 'ENOTDIR' | 'ELOOP' | 'ENOENT'> {
  try {
    return await openAsync(procPath(dirFd, name), O_PATH | O_DIRECTORY | O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENOENT') return code;
    throw error;
  }
}

/** The target of `name` in `dirFd` when it is a symlink; undefined when it is not one or is missing. */
export async function readlinkAt(dirFd: number, name: string): Promise<string | undefined> {
  try {
    return await readlinkAsync(procPath(dirFd, name));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EINVAL' || code === 'ENOENT') return undefined;
    throw error;
  }
}

/** mkdir that accepts an existing entry (the caller's next open tells whether it is a directory). */
export async function mkdirAt(dirFd: number, name: string, mode: number): Promise<void> {
  try {
    await mkdirAsync(procPath(dirFd, name), { mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

export function closeFd(fd: number): Promise<void> {
  return closeAsync(fd);
}
