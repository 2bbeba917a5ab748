// Resolves a container's "user" field (Docker's syntax: "", "name", "uid", "name:group",
// "uid:gid") against the image's /etc/passwd and /etc/group, as Docker does: names are looked up
// in the container's files, never the host's. Parsing is pure; reading the files is separate.

import { withRootDir } from '../rootfs/in-root.ts';
import { isRootfsError } from '../rootfs/rootfs-errors.ts';
import { RuntimeError } from './errors.ts';

export interface ResolvedUser {
  uid: number;
  gid: number;
  /** Supplementary groups from /etc/group that list the user by name. */
  additionalGids: number[];
  /** HOME from /etc/passwd, used when the container env sets none. */
  home: string;
}

export interface UserDatabase {
  passwd?: string;
  group?: string;
}

export class UserResolutionError extends Error {
  readonly code = 'ERR_RUNTIME_USER';
}

export function resolveUser(user: string, db: UserDatabase): ResolvedUser {
  const [given = '', groupPart] = user.split(':', 2);
  const userPart = given === '' ? '0' : given; // empty means root
  const passwd = parseColonFile(db.passwd);
  const groups = parseColonFile(db.group);
  let uid: number;
  let gid = 0;
  let home = '/';
  let name: string | undefined;
  if (/^\d+$/.test(userPart)) {
    uid = Number(userPart);
    const entry = passwd.find((fields) => fields[2] === userPart);
    if (entry) [name, gid, home] = [entry[0], Number(entry[3]), entry[5] || '/'];
    else if (uid === 0) [name, home] = ['root', '/root'];
  } else {
    const entry = passwd.find((fields) => fields[0] === userPart);
    if (!entry) throw new UserResolutionError(`unable to find user ${userPart}: no matching entries in the container's /etc/passwd`);
    [name, uid, gid, home] = [userPart, Number(entry[2]), Number(entry[3]), entry[5] || '/'];
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const entry = groups.find((fields) => fields[0] === groupPart);
      if (!entry) throw new UserResolutionError(`unable to find group ${groupPart}: no matching entries in the container's /etc/group`);
      gid = Number(entry[2]);
    }
  }
  const additionalGids = name === undefined
    ? []
    : groups.filter((fields) => (fields[3] ?? '').split(',').includes(name)).map((fields) => Number(fields[2])).filter((g) => g !== gid);
  return { uid, gid, additionalGids, home };
}

/** Bigger than any real passwd or group file; a container's huge file is treated as missing. */
const MAX_DATABASE_BYTES = 16 * 1024 * 1024;

/**
 * Reads the rootfs's passwd and group files; a missing (or unreadable: a FIFO, a directory) file is
 * an empty database, as in Docker. The rootfs is the container's: links in it (/etc/passwd ->
 * /etc/shadow) resolve inside it, through the in-root module, never to a host file.
 */
export async function readUserDatabase(rootfs: string): Promise<UserDatabase> {
  return withRootDir(rootfs, async (root) => {
    const read = async (file: string): Promise<string | undefined> =>
      (await root.readFile(`/etc/${file}`, { maxBytes: MAX_DATABASE_BYTES }).catch(() => undefined))?.toString('utf8');
    return { passwd: await read('passwd'), group: await read('group') };
  }).catch((error: unknown) => {
    if (isRootfsError(error, 'ERR_ROOTFS_NOT_FOUND')) return {}; // no rootfs yet: no database, as before
    throw error;
  });
}

function parseColonFile(text: string | undefined): string[][] {
  if (text === undefined) return [];
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.split(':'));
}

/** resolveUser against the container's own files; a failure fails the start (or exec) naming the container. */
export async function resolveContainerUser(id: string, user: string, rootfs: string): Promise<ResolvedUser> {
  try {
    return resolveUser(user, await readUserDatabase(rootfs));
  } catch (error) {
    throw new RuntimeError('ERR_RUNTIME_START_FAILED', `container ${id}: ${(error as Error).message}`, id, { cause: error });
  }
}
