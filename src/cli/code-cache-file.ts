// One code cache file: a JSON header line, then the bytes of V8's `script.createCachedData()`.
//
// V8 checks cached data against its own version, its flags and the source's *length* only, and in
// a release build it does not checksum the payload: a cache made for another bundle of the same
// length, or a damaged file, would be deserialised as if it were right. So the header carries the
// SHA-256 of the bundle's source and of the payload, and the file is used only when both match
// (and Node's version and the architecture); anything else is ignored and replaced after the start.
//
// One file per bundle path (<dir>/hookd-<hash of the path>.v8cache): a rebuild or an upgrade in
// place overwrites its file instead of adding one.

import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FORMAT = 'hookd-v8-code-cache/1';
/** A header longer than this is not ours. */
const MAX_HEADER_BYTES = 4096;

/** What a cache must have been made for. */
export interface CodeCacheKey {
  /** The bundle's absolute path (names the file; recorded in the header). */
  bundle: string;
  /** SHA-256 (hex) of the bundle file's bytes (its source text in UTF-8). */
  sourceSha256: string;
}

interface Header {
  format: string;
  node: string;
  arch: string;
  bundle: string;
  source: string;
  data: string;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function codeCacheFile(dir: string, bundle: string): string {
  return join(dir, `hookd-${sha256(bundle).slice(0, 16)}.v8cache`);
}

/**
 * The cached data in `file` if it was made for `key` by this Node on this architecture and is
 * whole; else the reason it cannot be used. The file must be a regular file (not a symlink) owned
 * by this process's user and writable by nobody else.
 */
export function readCodeCache(file: string, key: CodeCacheKey, uid = process.getuid?.() ?? -1): { data: Buffer } | { reason: string } {
  let bytes: Buffer;
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    return { reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no cache yet' : `cannot open ${file}: ${(error as Error).message}` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { reason: `${file} is not a regular file` };
    if (stat.uid !== uid) return { reason: `${file} is owned by uid ${stat.uid}, not by this process's user (uid ${uid})` };
    if ((stat.mode & 0o022) !== 0) return { reason: `${file} is writable by other users` };
    bytes = readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  const parsed = parseHeader(bytes);
  if ('reason' in parsed) return parsed;
  const { header, end } = parsed;
  if (header.format !== FORMAT) return { reason: `made in another format (${String(header.format)})` };
  if (header.node !== process.version || header.arch !== process.arch) return { reason: `made by Node ${String(header.node)} on ${String(header.arch)}` };
  if (header.source !== key.sourceSha256) return { reason: 'made for another build of the bundle' };
  const data = bytes.subarray(end + 1);
  if (header.data !== sha256(data)) return { reason: 'damaged (the payload does not match its checksum)' };
  return { data };
}

/** The bundle a cache file was made for, from its header; undefined if it is not one of ours. */
export function readCodeCacheBundle(file: string): string | undefined {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const head = Buffer.alloc(MAX_HEADER_BYTES);
    const parsed = parseHeader(head.subarray(0, readSync(fd, head, 0, MAX_HEADER_BYTES, 0)));
    return 'header' in parsed && parsed.header.format === FORMAT && typeof parsed.header.bundle === 'string' ? parsed.header.bundle : undefined;
  } finally {
    closeSync(fd);
  }
}

function parseHeader(bytes: Buffer): { header: Partial<Header>; end: number } | { reason: string } {
  const end = bytes.subarray(0, MAX_HEADER_BYTES).indexOf(0x0a);
  if (end < 0) return { reason: 'not a hookd code cache (no header)' };
  try {
    return { header: JSON.parse(bytes.subarray(0, end).toString('utf8')) as Partial<Header>, end };
  } catch {
    return { reason: 'not a hookd code cache (the header is not JSON)' };
  }
}

/**
 * Writes the cache for `key` atomically (a temp file in the same folder, mode 0600, then a rename):
 * a reader sees the old file or the new one, never half of one. `dir` must have passed
 * checkCodeCacheDir.
 */
export function writeCodeCache(file: string, key: CodeCacheKey, data: Buffer): void {
  const header: Header = { format: FORMAT, node: process.version, arch: process.arch, bundle: key.bundle, source: key.sourceSha256, data: sha256(data) };
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), data]), { mode: 0o600, flag: 'wx' });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
