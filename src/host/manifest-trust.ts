// Who may decide which commands the daemon launches: a manifest's `launch` runs as the daemon's
// user (root, for the container daemon), so the plugins directory and every manifest in it must be
// changeable by nobody else. The rule is sshd's StrictModes:
//
//   - the plugins directory and each manifest are owned by root or by the daemon's user, and are
//     not writable by group or others;
//   - every directory above them (up to "/") is owned by root or the daemon's user and is not
//     writable by group or others, unless it has the sticky bit (like /tmp: others may create
//     entries there but cannot rename or remove ours);
//   - a symlinked manifest is followed: the file it leads to must pass the file rule, and the
//     directories above that file the directory rule (the link itself lives in the trusted
//     directory, so only a trusted user could have made it).
//
// The mode bits are checked as they are on disk: a git clone made under umask 022 passes, one
// made under umask 002 has group-writable files and is refused with the chmod that fixes it.

import { realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname } from 'node:path';
import { HookdError } from './errors.ts';

const STICKY = 0o1000;
const GROUP_OR_OTHER_WRITE = 0o022;

type Kind = 'plugins directory' | 'manifest' | 'directory above the plugins directory' | 'directory above the manifest';

/** "mode 0664, owner uid 1000, gid 1000": what the refusal shows of an entry. */
export function describeStat(stats: Stats): string {
  return `mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')}, owner uid ${stats.uid}, gid ${stats.gid}`;
}

/** Why `stats` may not be trusted, or undefined when it may. `isAncestor` allows sticky directories. */
export function untrustedReason(stats: Stats, isAncestor: boolean): string | undefined {
  const euid = process.geteuid?.() ?? 0;
  if (stats.uid !== 0 && stats.uid !== euid) return `it is owned by uid ${stats.uid}, not by root or the daemon's user (uid ${euid})`;
  const writable = stats.mode & GROUP_OR_OTHER_WRITE;
  if (writable === 0 || (isAncestor && stats.isDirectory() && (stats.mode & STICKY) !== 0)) return undefined;
  const who = writable === GROUP_OR_OTHER_WRITE ? 'group and others' : writable & 0o020 ? 'its group' : 'others';
  return `it is writable by ${who}`;
}

function refuse(kind: Kind, path: string, stats: Stats, reason: string): HookdError {
  const euid = process.geteuid?.() ?? 0;
  const fix = reason.startsWith('it is owned') ? `chown ${euid === 0 ? 'root' : euid} ${path} (and chmod go-w)` : `chmod go-w ${path}`;
  return new HookdError('ERR_MANIFEST_UNTRUSTED', { kind, file: path, stat: describeStat(stats), reason, fix });
}

/** Throws ERR_MANIFEST_UNTRUSTED unless `dir` (resolved) and every directory above it pass. */
export async function assertTrustedDirectory(dir: string, kind: 'plugins directory' | 'directory above the manifest' = 'plugins directory'): Promise<void> {
  let current = await realpath(dir);
  let currentKind: Kind = kind;
  for (;;) {
    const stats = await stat(current);
    const isAncestor = currentKind !== 'plugins directory';
    const reason = untrustedReason(stats, isAncestor);
    if (reason) throw refuse(currentKind, current, stats, reason);
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
    if (currentKind === 'plugins directory') currentKind = 'directory above the plugins directory';
  }
}

/**
 * Checks one manifest as opened: `opened` are the fstat()s of the descriptor the manifest is read
 * from (so what is checked is what is read), `isSymlink` whether the directory entry was a link.
 */
export async function assertTrustedManifest(file: string, opened: Stats, isSymlink: boolean): Promise<void> {
  const target = isSymlink ? await realpath(file) : file;
  const where = isSymlink ? `${file} -> ${target}` : file;
  if (!opened.isFile()) throw refuse('manifest', where, opened, 'it is not a regular file');
  const reason = untrustedReason(opened, false);
  if (reason) throw refuse('manifest', where, opened, reason);
  if (isSymlink) await assertTrustedDirectory(dirname(target), 'directory above the manifest');
}
