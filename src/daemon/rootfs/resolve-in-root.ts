// The walk behind every in-root operation: resolves a path inside a root the way openat2's
// RESOLVE_IN_ROOT does, one component at a time, each opened relative to the descriptor of the
// directory before it (see proc-fd.ts), never by a path string re-read from the host's "/".
//
//   - a symlink is read (readlink), never followed by the kernel: its target is pushed in front of
//     the remaining components; an absolute target restarts at the root's descriptor;
//   - ".." pops the walk's own stack of open directories and stops at the root, so neither a
//     link nor a path can climb above it;
//   - every directory is opened O_NOFOLLOW|O_DIRECTORY: if a component is swapped for a symlink
//     between our readlink and our open, the open fails and the component is looked at again.
//
// What comes back is a descriptor of the directory that holds the final name, plus that name. The
// caller then acts on /proc/self/fd/<dir>/<name> with a syscall that does not follow the final
// component (or opens it O_NOFOLLOW). Whatever a container does meanwhile, it can only replace
// entries inside directories we hold open, so the operation lands inside the root or fails.

import { closeFd, mkdirAt, openDirAt, readlinkAt } from './proc-fd.ts';
import { RootfsError } from './rootfs-errors.ts';

/** Linux's limit (MAXSYMLINKS); also bounds retries when an entry keeps changing under the walk. */
const MAX_SYMLINKS = 40;

/**
 * How the final component is treated:
 *   'entry'  not looked at: the caller creates, removes or lstat()s the entry itself;
 *   'follow' followed while it is a symlink (inside the root), then handed over by name;
 *   'dir'    opened as a directory (following links); `name` is undefined and `dirFd` is it.
 */
export type FinalMode = 'entry' | 'follow' | 'dir';

export interface Resolved {
  /** Directory holding `name` (or, in 'dir' mode, the directory itself). Valid until release(). */
  dirFd: number;
  name: string | undefined;
  release(): Promise<void>;
}

export interface ResolveOptions {
  /** Create missing directories on the way (mkdir -p), with this mode (umask applies). */
  createMode?: number;
  /** For messages: how the root is named (its host path). */
  rootLabel: string;
}

export async function resolveInRoot(rootFd: number, path: string, final: FinalMode, options: ResolveOptions): Promise<Resolved> {
  const stack: number[] = [rootFd];
  let pending = splitPath(path);
  let budget = MAX_SYMLINKS;
  const where = (): string => `"${path}" inside ${options.rootLabel}`;
  const spend = (): void => {
    if (--budget < 0) throw new RootfsError('ERR_ROOTFS_TOO_MANY_LINKS', `too many levels of symbolic links (or an entry that keeps changing) resolving ${where()}`);
  };
  const restartAtRoot = async (): Promise<void> => {
    while (stack.length > 1) await closeFd(stack.pop()!);
  };
  try {
    while (pending.length > 0) {
      const part = pending.shift()!;
      const isLast = pending.length === 0;
      if (part === '..') {
        if (stack.length > 1) await closeFd(stack.pop()!);
        if (isLast && final !== 'dir') throw new RootfsError('ERR_ROOTFS_BAD_PATH', `${where()} ends in "..": it names a directory, not an entry`);
        continue;
      }
      const top = stack.at(-1)!;
      if (isLast && final === 'entry') return handOver(stack, part);
      if (isLast && final === 'follow') {
        const target = await readlinkAt(top, part);
        if (target === undefined) return handOver(stack, part);
        spend();
        if (target.startsWith('/')) await restartAtRoot();
        pending = splitPath(target);
        if (pending.length === 0 || pending.at(-1) === '..') {
          throw new RootfsError('ERR_ROOTFS_BAD_PATH', `${where()} is a symlink to a directory ("${target}"), not an entry`);
        }
        continue;
      }
      const opened = await openDirAt(top, part);
      if (typeof opened === 'number') {
        stack.push(opened);
        continue;
      }
      if (opened === 'ENOENT') {
        if (options.createMode === undefined) throw new RootfsError('ERR_ROOTFS_NOT_FOUND', `${where()}: "${part}" does not exist`);
        await mkdirAt(top, part, options.createMode);
        spend();
        pending.unshift(part);
        continue;
      }
      const target = await readlinkAt(top, part);
      spend();
      if (target === undefined) {
        if (opened === 'ENOTDIR') throw new RootfsError('ERR_ROOTFS_NOT_A_DIRECTORY', `${where()}: "${part}" is not a directory`);
        pending.unshift(part); // was a symlink at open, is not one now: look again
        continue;
      }
      if (target.startsWith('/')) await restartAtRoot();
      pending = [...splitPath(target), ...pending];
    }
    if (final !== 'dir') throw new RootfsError('ERR_ROOTFS_BAD_PATH', `${where()} names the root itself, not an entry inside it`);
    return handOver(stack, undefined);
  } catch (error) {
    for (const fd of stack.slice(1)) await closeFd(fd).catch(() => undefined); // already failing: the first error is the one to report
    throw error;
  }
}

/** Components without "" and "."; ".." is kept (the walk pops its stack). */
export function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

/** Closes every descriptor but the last; the last is the caller's until release() (unless it is the root). */
async function handOver(stack: number[], name: string | undefined): Promise<Resolved> {
  for (const fd of stack.slice(1, -1)) await closeFd(fd);
  const dirFd = stack.at(-1)!;
  const owned = stack.length > 1;
  let released = false;
  return {
    dirFd,
    name,
    release: async () => {
      if (!owned || released) return;
      released = true;
      await closeFd(dirFd);
    },
  };
}
