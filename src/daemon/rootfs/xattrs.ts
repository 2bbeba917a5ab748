// Extended attributes on entries inside a root (issue 10: `SCHILY.xattr.*` records of image layers,
// `trusted.overlay.opaque` on per-layer snapshot directories).
//
//   await setXattr(root, '/usr/bin/ping', 'security.capability', capabilityBytes);
//   await setXattr(root, 'etc', 'trusted.overlay.opaque', Buffer.from('y'));
//
// Node has no setxattr(2), so the work is done by setfattr(1) from the `attr` package (Debian,
// Ubuntu, Fedora all name it so), as RootDir.mknod uses mknod(1): the path handed to the tool is
// /proc/<our pid>/fd/<directory fd>/<name>, where the directory was resolved inside the root by us,
// and `-h` makes the tool call lsetxattr(2), which does not follow <name> if it is a symlink. So a
// symlink in the final component gets the attribute itself (trusted.* and security.* can be set
// on a link; user.* cannot, EPERM) and its target is never touched, wherever it points.
//
// Values are passed as hex in a `getfattr --dump` document on the tool's stdin (`--restore=-`), so
// every byte arrives exactly as given, and one process can set any number of attributes on any
// number of entries (setXattrsAt: an image layer's are set in batches of up to 512 entries).

import { execa } from 'execa';
import type { RootDir } from './in-root.ts';
import { procPathForChild } from './proc-fd.ts';
import { RootfsError, systemError } from './rootfs-errors.ts';

export interface Xattr {
  /** Full name with its namespace: `security.capability`, `user.mime_type`, `trusted.overlay.opaque`. */
  name: string;
  value: Buffer;
}

/** One attribute the kernel refused; `errno` as Node spells it (EPERM, ENOTSUP, ENOSPC, ...). */
export interface XattrFailure {
  /** The failed entry's index in what was passed, and its name. */
  target: number;
  entry: string;
  name: string;
  errno: string;
  message: string;
}

/** Linux's limits (XATTR_NAME_MAX, XATTR_SIZE_MAX). */
const NAME_MAX_BYTES = 255;
const VALUE_MAX_BYTES = 65536;

const TOOL_HINT = 'the setfattr tool (Debian/Ubuntu/Fedora package "attr")';

/** Sets one attribute on the entry at `path` (a symlink there gets it itself). Throws RootfsError. */
export async function setXattr(root: RootDir, path: string, name: string, value: Buffer): Promise<void> {
  await setXattrs(root, path, [{ name, value }]);
}

/** Sets attributes on the entry at `path`, not following a symlink there; the first refusal throws. */
export async function setXattrs(root: RootDir, path: string, xattrs: readonly Xattr[]): Promise<void> {
  const op = `set xattr ${xattrs.map((x) => x.name).join(', ')} on`;
  const entry = await root.resolveEntry(path, op);
  try {
    const [failure] = await setXattrsInDir(entry.dirFd, [{ name: entry.name, xattrs }], `${op} ${path} inside ${root.path}`);
    if (failure) throw systemError(`set xattr ${failure.name} on`, root.path, path, errnoError(failure));
  } finally {
    await entry.release();
  }
}

/**
 * Sets attributes on entries of the directory held by `dirFd` (each `name` a plain entry name,
 * never followed), in one setfattr process. What the kernel refuses comes back as failures, for
 * the caller to judge (an image layer ignores ENOTSUP, as containerd does); everything else is set.
 * A missing tool or a malformed name or value throws RootfsError naming `what`.
 */
export async function setXattrsInDir(dirFd: number, entries: ReadonlyArray<{ name: string; xattrs: readonly Xattr[] }>, what = 'set xattrs'): Promise<XattrFailure[]> {
  return setXattrsAt(entries.map((entry) => ({ dirFd, ...entry })), what);
}

/** As setXattrsInDir, for entries of several held directories; `target` is a failure's index in `targets`. */
export async function setXattrsAt(targets: ReadonlyArray<{ dirFd: number; name: string; xattrs: readonly Xattr[] }>, what = 'set xattrs'): Promise<XattrFailure[]> {
  const runs = targets.map((target, index) => {
    for (const xattr of target.xattrs) checkXattr(xattr, target.name, what);
    return { index, name: target.name, xattrs: target.xattrs, path: procPathForChild(target.dirFd, target.name) };
  }).filter((run) => run.xattrs.length > 0);
  if (runs.length === 0) return [];
  const batch = await runRestore(runs, what);
  if (batch.ok) return [];
  // The tool goes on past a refusal and names only the path; each entry it named (or that it may
  // have named: a name with a newline) is tried again one attribute at a time to learn which.
  const suspects = runs.filter((run) => run.name.includes('\n') || batch.stderr.includes(`setfattr: ${run.path}: `));
  const failures: XattrFailure[] = [];
  for (const run of suspects) {
    for (const xattr of run.xattrs) {
      const single = await runRestore([{ path: run.path, xattrs: [xattr] }], what);
      if (!single.ok) failures.push(failureOf(run.index, run.name, xattr.name, single.stderr));
    }
  }
  if (failures.length === 0) {
    throw new RootfsError('ERR_ROOTFS_IO', `${what}: setfattr failed: ${batch.stderr.trim() || 'no message'}`);
  }
  return failures;
}

function checkXattr(xattr: Xattr, entry: string, what: string): void {
  const bytes = Buffer.byteLength(xattr.name);
  if (bytes === 0 || bytes > NAME_MAX_BYTES || xattr.name.includes('\0') || !xattr.name.includes('.')) {
    throw new RootfsError('ERR_ROOTFS_BAD_XATTR', `${what}: "${xattr.name}" on ${entry} is not an xattr name (namespace.name, 1-${NAME_MAX_BYTES} bytes, no NUL)`);
  }
  if (xattr.value.length > VALUE_MAX_BYTES) {
    throw new RootfsError('ERR_ROOTFS_BAD_XATTR', `${what}: the value of ${xattr.name} on ${entry} has ${xattr.value.length} bytes, more than Linux's ${VALUE_MAX_BYTES}`);
  }
}

async function runRestore(targets: ReadonlyArray<{ path: string; xattrs: readonly Xattr[] }>, what: string): Promise<{ ok: boolean; stderr: string }> {
  const dump = targets.map((t) => `# file: ${quote(t.path)}\n${t.xattrs.map((x) => `${quote(x.name)}=0x${x.value.toString('hex')}\n`).join('')}\n`).join('');
  const result = await execa('setfattr', ['-h', '--restore=-'], { input: dump, reject: false, env: { LC_ALL: 'C' } });
  if (result.exitCode === undefined && (result as { code?: string }).code === 'ENOENT') {
    throw new RootfsError('ERR_ROOTFS_TOOL_MISSING', `${what}: needs ${TOOL_HINT}, which is not on PATH; install it (apt-get install attr)`);
  }
  if (result.exitCode === undefined) throw new RootfsError('ERR_ROOTFS_IO', `${what}: setfattr could not run: ${result.message}`);
  return { ok: result.exitCode === 0, stderr: result.stderr };
}

/**
 * The dump format's quoting (attr's quote.c): a byte that is not printable ASCII, or is "\", "="
 * or "#", becomes \ooo. setfattr undoes it for paths and names alike.
 */
function quote(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte > 0x20 && byte < 0x7f && byte !== 0x5c && byte !== 0x3d && byte !== 0x23 ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}

/** strerror(3) texts under LC_ALL=C, for the errors setxattr(2) can give. */
const ERRNO_BY_TEXT: Record<string, string> = {
  'Operation not supported': 'ENOTSUP',
  'Operation not permitted': 'EPERM',
  'Permission denied': 'EACCES',
  'No such file or directory': 'ENOENT',
  'No space left on device': 'ENOSPC',
  'Disk quota exceeded': 'EDQUOT',
  'Numerical result out of range': 'ERANGE',
  'Argument list too long': 'E2BIG',
  'Invalid argument': 'EINVAL',
  'Read-only file system': 'EROFS',
};

function failureOf(target: number, entry: string, name: string, stderr: string): XattrFailure {
  const message = stderr.trim().split('\n').at(-1) ?? '';
  const text = message.slice(message.lastIndexOf(': ') + 2);
  return { target, entry, name, errno: ERRNO_BY_TEXT[text] ?? 'EIO', message: text || 'setfattr failed without a message' };
}

function errnoError(failure: XattrFailure): NodeJS.ErrnoException {
  return Object.assign(new Error(failure.message), { code: failure.errno });
}
