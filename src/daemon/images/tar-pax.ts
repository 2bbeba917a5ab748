// PAX extended headers (POSIX.1-2001 `x` records: "<length> <key>=<value>\n"), decoded as bytes.
// A value is turned into text or a number only for the keys that mean one (path, linkpath, size,
// uid, gid, mtime); an xattr's value is kept as the exact bytes the archive holds, which is the
// point of this file: tar-stream decoded every value as UTF-8 and so corrupted binary ones
// (security.capability is a little-endian struct).
//
// Xattrs come as `SCHILY.xattr.<name>` (GNU tar, Go's archive/tar, so Docker, containerd, buildkit)
// or `LIBARCHIVE.xattr.<url-encoded name>` with a base64 value (bsdtar, which writes both). Global
// (`g`) headers are ignored, as Go's archive/tar and so Docker's and containerd's appliers do.

import { TarFormatError } from './tar-header.ts';

export interface PaxRecords {
  path?: string;
  linkpath?: string;
  size?: number;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch (PAX allows a fraction). */
  mtime?: number;
  /** xattr name → value bytes, in archive order. */
  xattrs: Map<string, Buffer>;
}

const SCHILY_XATTR = 'SCHILY.xattr.';
const LIBARCHIVE_XATTR = 'LIBARCHIVE.xattr.';

/** Decodes one `x` header's body (`member` names the header, for messages). */
export function decodePax(body: Buffer, member: string): PaxRecords {
  const records: PaxRecords = { xattrs: new Map() };
  let offset = 0;
  while (offset < body.length) {
    if (body[offset] === 0) break; // NUL padding after the last record
    const space = body.indexOf(0x20, offset);
    const length = space === -1 ? NaN : Number(body.toString('latin1', offset, space));
    if (!Number.isSafeInteger(length) || length <= space - offset + 1 || offset + length > body.length || body[offset + length - 1] !== 0x0a) {
      throw new TarFormatError(`the PAX header before "${member}" has a malformed record at byte ${offset}`);
    }
    const record = body.subarray(space + 1, offset + length - 1);
    const equals = record.indexOf(0x3d);
    if (equals <= 0) throw new TarFormatError(`the PAX header before "${member}" has a record without a key`);
    apply(records, record.toString('utf8', 0, equals), record.subarray(equals + 1), member);
    offset += length;
  }
  return records;
}

function apply(records: PaxRecords, key: string, value: Buffer, member: string): void {
  if (key.startsWith(SCHILY_XATTR)) {
    records.xattrs.set(key.slice(SCHILY_XATTR.length), Buffer.from(value)); // a copy: `value` is a view of the header body
  } else if (key.startsWith(LIBARCHIVE_XATTR)) {
    const name = urlDecoded(key.slice(LIBARCHIVE_XATTR.length), member);
    if (!records.xattrs.has(name)) records.xattrs.set(name, Buffer.from(value.toString('latin1'), 'base64'));
  } else if (key.startsWith('GNU.sparse.')) {
    throw new TarFormatError(`member after "${member}" is a GNU sparse file (PAX ${key}), which is not supported; write the layer without --sparse`);
  } else if (key === 'path' || key === 'linkpath') {
    records[key] = value.toString('utf8');
  } else if (key === 'size' || key === 'uid' || key === 'gid') {
    records[key] = integer(key, value, member);
  } else if (key === 'mtime') {
    const seconds = Number(value.toString('latin1'));
    if (!Number.isFinite(seconds)) throw new TarFormatError(`the PAX header before "${member}" has a bad mtime`);
    records.mtime = seconds;
  }
  // Other keys (atime, ctime, uname, gname, comment, hdrcharset, vendor keys) mean nothing to an unpacker.
}

function integer(key: string, value: Buffer, member: string): number {
  const text = value.toString('latin1');
  const number = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(number)) throw new TarFormatError(`the PAX header before "${member}" has a bad ${key}: ${JSON.stringify(text)}`);
  return number;
}

function urlDecoded(name: string, member: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    throw new TarFormatError(`the PAX header before "${member}" has a badly encoded xattr name: ${JSON.stringify(name)}`);
  }
}
