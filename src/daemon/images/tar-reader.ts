// A streaming tar reader: ustar, GNU long names and links (`L`/`K`), PAX `x` headers (path,
// linkpath, size, uid, gid, mtime, xattrs as bytes); sparse members are refused (tar-header.ts,
// tar-pax.ts). It replaced tar-stream, whose PAX decoding turned binary xattr values into UTF-8
// text (issue 10). It holds one header in memory at a time; bodies are views of the input's own
// chunks, handed over as they arrive.
//
// Contract: each member's `body` is read (wholly, partly or not at all) before the next member is
// asked for, never after; what was not read is skipped. At the end-of-archive marker (two zero
// blocks, or one and the end of input) reading stops, as Go's archive/tar does, and the rest of the
// input is drained unread, so a hashing stage upstream still sees every byte.

import { BLOCK, TarFormatError, decodeHeader, isZeroBlock, text } from './tar-header.ts';
import type { MemberType, RawHeader } from './tar-header.ts';
import { decodePax } from './tar-pax.ts';
import type { PaxRecords } from './tar-pax.ts';

export interface TarEntry {
  name: string;
  type: MemberType | null;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: Date;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** From PAX SCHILY.xattr.* / LIBARCHIVE.xattr.* records: name → exact value bytes. */
  xattrs: Map<string, Buffer>;
}

/** A GNU long name or PAX header larger than this is refused (tar-stream's limit was 1 MiB too). */
const MAX_META_BYTES = 1024 * 1024;

export async function* readTar(input: AsyncIterable<Uint8Array>): AsyncGenerator<{ entry: TarEntry; body: AsyncIterable<Buffer> }> {
  const source = new ByteSource(input);
  let pax: PaxRecords | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = await source.read(BLOCK);
    if (block === undefined) break; // no end marker: Go's reader accepts that too
    if (isZeroBlock(block)) {
      const next = await source.read(BLOCK);
      if (next !== undefined && !isZeroBlock(next)) throw new TarFormatError('a zero block in the middle of the archive');
      break;
    }
    const header = decodeHeader(block);
    const padding = (BLOCK - (header.size % BLOCK)) % BLOCK;
    if (header.type === 'pax-header' || header.type === 'pax-global-header' || header.type === 'gnu-long-path' || header.type === 'gnu-long-link-path') {
      if (header.size > MAX_META_BYTES) throw new TarFormatError(`the ${header.type} before "${header.name}" has ${header.size} bytes, more than ${MAX_META_BYTES}`);
      const meta = await source.readExactly(header.size);
      await source.skip(padding);
      if (header.type === 'pax-header') pax = decodePax(meta, header.name);
      else if (header.type === 'gnu-long-path') longName = text(meta, 0, meta.length);
      else if (header.type === 'gnu-long-link-path') longLink = text(meta, 0, meta.length);
      continue; // a global header changes nothing we use (see tar-pax.ts)
    }
    const entry = toEntry(header, pax, longName, longLink);
    pax = longName = longLink = undefined;
    // Directories, links and devices carry no data whatever the size field says (POSIX: size is ignored).
    const dataBytes = entry.type === 'file' || entry.type === 'contiguous-file' || entry.type === null ? entry.size : 0;
    const body = new Body(source, dataBytes);
    yield { entry, body };
    await source.skip(body.remaining + (dataBytes === 0 ? 0 : (BLOCK - (dataBytes % BLOCK)) % BLOCK));
  }
  await source.drain();
}

function toEntry(header: RawHeader, pax: PaxRecords | undefined, longName: string | undefined, longLink: string | undefined): TarEntry {
  const name = pax?.path ?? longName ?? header.name;
  return {
    name,
    // Pre-POSIX archives (typeflag NUL) mark a directory by the slash of its full name, as Go reads them.
    type: header.flag === '\0' && name.endsWith('/') ? 'directory' : header.type as MemberType | null,
    mode: header.mode,
    uid: pax?.uid ?? header.uid,
    gid: pax?.gid ?? header.gid,
    size: pax?.size ?? header.size,
    mtime: new Date(1000 * (pax?.mtime ?? header.mtime)),
    linkname: pax?.linkpath ?? longLink ?? header.linkname,
    devmajor: header.devmajor,
    devminor: header.devminor,
    xattrs: pax?.xattrs ?? new Map(),
  };
}

/** One member's data: up to `remaining` bytes of the source, as they come. */
class Body implements AsyncIterable<Buffer> {
  remaining: number;
  readonly #source: ByteSource;

  constructor(source: ByteSource, bytes: number) {
    this.#source = source;
    this.remaining = bytes;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    while (this.remaining > 0) {
      const chunk = await this.#source.take(this.remaining);
      if (chunk === undefined) throw new TarFormatError('the archive ends inside a member\'s data (truncated)');
      this.remaining -= chunk.length;
      yield chunk;
    }
  }
}

/** The input's bytes, taken in the sizes the reader asks for, without copying when a chunk holds them. */
class ByteSource {
  readonly #input: AsyncIterator<Uint8Array>;
  #head: Buffer = Buffer.alloc(0);
  #ended = false;

  constructor(input: AsyncIterable<Uint8Array>) {
    this.#input = input[Symbol.asyncIterator]();
  }

  /** 1 to `max` bytes, or undefined at the end of the input. */
  async take(max: number): Promise<Buffer | undefined> {
    while (this.#head.length === 0) {
      if (this.#ended) return undefined;
      const next = await this.#input.next();
      if (next.done) this.#ended = true;
      else this.#head = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    }
    const out = this.#head.subarray(0, max);
    this.#head = this.#head.subarray(out.length);
    return out;
  }

  /** Exactly `bytes`, or undefined when the input ended before the first of them. */
  async read(bytes: number): Promise<Buffer | undefined> {
    const first = await this.take(bytes);
    if (first === undefined || first.length === bytes) return first;
    const parts = [first];
    for (let got = first.length; got < bytes;) {
      const part = await this.take(bytes - got);
      if (part === undefined) throw new TarFormatError('the archive ends inside a header (truncated)');
      parts.push(part);
      got += part.length;
    }
    return Buffer.concat(parts, bytes);
  }

  async readExactly(bytes: number): Promise<Buffer> {
    if (bytes === 0) return Buffer.alloc(0);
    const out = await this.read(bytes);
    if (out === undefined) throw new TarFormatError('the archive ends inside a header (truncated)');
    return out;
  }

  async skip(bytes: number): Promise<void> {
    for (let left = bytes; left > 0;) {
      const part = await this.take(left);
      if (part === undefined) throw new TarFormatError('the archive ends inside a member\'s data (truncated)');
      left -= part.length;
    }
  }

  async drain(): Promise<void> {
    this.#head = Buffer.alloc(0);
    while (!this.#ended) this.#ended = (await this.#input.next()).done === true;
  }
}
