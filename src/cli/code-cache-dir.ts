// Where the daemon bundle's V8 code cache lives, and whether that folder is safe to use.
//
// V8 does not verify what it deserialises: a cache file is code that the process will run. So the
// folder must be one that no other user can write into or swap out: the folder itself owned by the
// process's user and not writable by group or others, and every folder above it owned by root or
// by that user and not writable by others (a sticky folder such as /tmp is fine: nobody else can
// rename or delete what we own in it). A root daemon therefore never reads or writes a cache in a
// folder that a non-root user controls. An unsafe folder is not "fixed" (no chmod, no chown): the
// cache is simply not used, and the reason is logged.

import { lstatSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';

/** What a root daemon uses (FHS: /var/cache holds data an application can rebuild). */
export const ROOT_CODE_CACHE_DIR = '/var/cache/hookd';

const STICKY = 0o1000;

export interface CodeCacheDirChoice {
  /** The folder, or undefined when the cache is off. */
  dir?: string;
  /** Why there is no folder (HOOKD_CODE_CACHE=off, no home folder). */
  reason?: string;
}

/**
 * HOOKD_CODE_CACHE=off turns the cache off; HOOKD_CODE_CACHE_DIR picks the folder; otherwise
 * /var/cache/hookd for root, $XDG_CACHE_HOME/hookd or ~/.cache/hookd for any other user.
 */
export function chooseCodeCacheDir(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? -1): CodeCacheDirChoice {
  if (env.HOOKD_CODE_CACHE === 'off') return { reason: 'HOOKD_CODE_CACHE=off' };
  const chosen = env.HOOKD_CODE_CACHE_DIR;
  if (chosen !== undefined && chosen !== '') {
    return isAbsolute(chosen) ? { dir: chosen } : { reason: `HOOKD_CODE_CACHE_DIR must be an absolute path, got "${chosen}"` };
  }
  if (uid === 0) return { dir: ROOT_CODE_CACHE_DIR };
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return { dir: join(xdg, 'hookd') };
  let home: string;
  try {
    home = homedir();
  } catch {
    return { reason: 'this user has no home folder' };
  }
  return isAbsolute(home) ? { dir: join(home, '.cache', 'hookd') } : { reason: 'this user has no home folder' };
}

/**
 * Says whether `dir` is safe to read and write a code cache in: undefined when it is, else the
 * reason. With `create` a missing folder is made (mode 0700) once the folders above it passed;
 * without, a missing folder is a reason (a read needs nothing created).
 */
export function checkCodeCacheDir(dir: string, options: { create: boolean; uid?: number }): string | undefined {
  const uid = options.uid ?? process.getuid?.() ?? -1;
  if (uid < 0) return 'this platform has no user ids to check the folder\'s owner against';
  if (!options.create && !exists(dir)) return `${dir} does not exist yet`;
  let existing = dir;
  while (!exists(existing)) existing = dirname(existing);
  let real: string;
  try {
    real = realpathSync(existing);
  } catch (error) {
    return `cannot resolve ${existing}: ${(error as Error).message}`;
  }
  const missing = relative(existing, dir);
  // Every folder from / down to the deepest one that exists, symlinks resolved.
  const parts = real.split(sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const path = `/${parts.slice(0, i).join('/')}`;
    const unsafe = unsafeAncestor(path, uid);
    if (unsafe) return unsafe;
  }
  const target = missing ? join(real, missing) : real;
  if (missing) {
    try {
      mkdirSync(target, { recursive: true, mode: 0o700 });
    } catch (error) {
      return `cannot create ${target}: ${(error as Error).message}`;
    }
  }
  const stat = lstatSync(target);
  if (!stat.isDirectory()) return `${target} is not a folder`;
  if (stat.uid !== uid) return `${target} is owned by uid ${stat.uid}, not by this process's user (uid ${uid})`;
  if ((stat.mode & 0o022) !== 0) return `${target} is writable by other users (mode ${(stat.mode & 0o7777).toString(8)})`;
  return undefined;
}

function unsafeAncestor(path: string, uid: number): string | undefined {
  const stat = statSync(path);
  if (!stat.isDirectory()) return `${path} is not a folder`;
  if (stat.uid !== 0 && stat.uid !== uid) return `${path} is owned by uid ${stat.uid}, neither root nor this process's user (uid ${uid})`;
  if ((stat.mode & STICKY) !== 0) return undefined;
  if ((stat.mode & 0o002) !== 0) return `${path} is writable by every user (mode ${(stat.mode & 0o7777).toString(8)})`;
  if ((stat.mode & 0o020) !== 0 && stat.gid !== 0) return `${path} is writable by group ${stat.gid} (mode ${(stat.mode & 0o7777).toString(8)})`;
  return undefined;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false; // missing (or unreadable): the walk goes one folder up
  }
}
