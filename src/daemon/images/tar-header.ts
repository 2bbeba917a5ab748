// One 512-byte tar header block, decoded (POSIX ustar, GNU and old V7 layouts), and the PAX
// extended-header records that may precede it. Strings (names) are UTF-8; PAX values stay bytes
// until their key says what they are, so `SCHILY.xattr.*` values (binary: security.capability)
// reach the unpacker exactly as written. The reading loop is tar-reader.ts.

export const BLOCK = 512;

export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

/** The member types the unpacker knows; anything else is `null` (skipped by the caller). */
export type MemberType = 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo' | 'contiguous-file';

/** Typeflags that are not members: they describe the next header (or all following ones). */
export type MetaType = 'pax-header' | 'pax-global-header' | 'gnu-long-path' | 'gnu-long-link-path';

export interface RawHeader {
  name: string;
  type: MemberType | MetaType | null;
  /** The typeflag character, for messages about types we refuse. */
  flag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
}

const TYPES: Record<string, MemberType | MetaType> = {
  '0': 'file', '\0': 'file', '1': 'link', '2': 'symlink', '3': 'character-device', '4': 'block-device', '5': 'directory',
  '6': 'fifo', '7': 'contiguous-file', x: 'pax-header', g: 'pax-global-header', L: 'gnu-long-path', K: 'gnu-long-link-path',
};

export function isZeroBlock(block: Buffer): boolean {
  for (const byte of block) if (byte !== 0) return false;
  return true;
}

/** Decodes a non-zero header block; a bad checksum or a refused type throws TarFormatError. */
export function decodeHeader(block: Buffer): RawHeader {
  const stored = number(block, 148, 8, 'checksum');
  if (stored !== checksum(block, false) && stored !== checksum(block, true)) {
    throw new TarFormatError('bad header checksum (a corrupt archive, or one that is still compressed)');
  }
  const flag = String.fromCharCode(block[156]!);
  if (flag === 'S') throw new TarFormatError(`member "${text(block, 0, 100)}" is a GNU sparse file, which is not supported; write the layer without --sparse`);
  const magic = block.toString('latin1', 257, 263);
  let name = text(block, 0, 100);
  if (magic === 'ustar\0' && block[345] !== 0) name = `${text(block, 345, 155)}/${name}`; // POSIX prefix (GNU's "ustar  " uses those bytes otherwise)
  return {
    name, type: TYPES[flag] ?? null, flag,
    mode: number(block, 100, 8, 'mode'), uid: number(block, 108, 8, 'uid'), gid: number(block, 116, 8, 'gid'),
    size: number(block, 124, 12, 'size'), mtime: number(block, 136, 12, 'mtime'),
    linkname: text(block, 157, 100),
    devmajor: number(block, 329, 8, 'devmajor'), devminor: number(block, 337, 8, 'devminor'),
  };
}

/** A NUL-terminated string field (or a GNU long name's body). */
export function text(buf: Buffer, offset: number, length: number): string {
  const end = buf.indexOf(0, offset);
  return buf.toString('utf8', offset, end === -1 || end > offset + length ? offset + length : end);
}

/** An octal field (spaces and NULs around it), or GNU's base-256 form for values that overflow it. */
function number(block: Buffer, offset: number, length: number, field: string): number {
  const bytes = block.subarray(offset, offset + length);
  if (bytes[0]! & 0x80) {
    if (bytes[0] !== 0x80) throw new TarFormatError(`header field ${field} is a negative base-256 number`);
    let value = 0;
    for (const byte of bytes.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) throw new TarFormatError(`header field ${field} is too large`);
    return value;
  }
  const digits = bytes.toString('latin1').replace(/\0.*$/s, '').trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new TarFormatError(`header field ${field} is not an octal number: ${JSON.stringify(digits)}`);
  return parseInt(digits, 8);
}

/** The header's sum with its checksum field read as spaces; old tars summed signed bytes. */
function checksum(block: Buffer, signed: boolean): number {
  let sum = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) {
    if (i >= 148 && i < 156) continue;
    const byte = block[i]!;
    sum += signed && byte > 127 ? byte - 256 : byte;
  }
  return sum;
}
