// Tarballs read in JavaScript, member by member (tar-reader.ts: a streaming ustar/GNU/PAX reader
// that keeps xattr values as bytes), so that every member is written through the in-root module
// and nothing is left to a subprocess that follows links on the host. Gzip is detected by its
// magic bytes. Member names are normalised here and refused when absolute or climbing with "..".

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { TarMember } from '../rootfs/unpack-member.ts';
import { ImageError } from './image-errors.ts';
import { readTar } from './tar-reader.ts';

/** Writes `input` to `path`; resolves with the sha256 (hex) and the byte count of what was written. */
export async function saveStream(input: Readable, path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  input.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  await pipeline(input, createWriteStream(path, { mode: 0o600 }));
  return { sha256: hash.digest('hex'), bytes };
}

async function isGzip(file: FileHandle): Promise<boolean> {
  const { buffer, bytesRead } = await file.read(Buffer.alloc(2), 0, 2, 0);
  return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
}

/** Opens the tarball afresh (each read of it gets, and closes, its own handle). */
export type TarSource = () => Promise<FileHandle>;

/**
 * The members of the tarball that `source` opens (gzip detected by its magic bytes), as
 * readTarStream yields them.
 */
export async function* readTarMembers(open: TarSource, label: string): AsyncGenerator<{ member: TarMember; body: TarBody }> {
  const file = await open();
  const gzip = await isGzip(file).catch(async (error: unknown) => {
    await file.close();
    throw error;
  });
  const source = file.createReadStream({ start: 0, highWaterMark: READ_CHUNK_BYTES }); // closes `file` when it ends or is destroyed
  yield* readTarStream(gzip ? [source, createGunzip({ chunkSize: READ_CHUNK_BYTES })] : [source], label);
}

/** Big reads: a layer's members are written chunk by chunk, and each write is a thread-pool round trip. */
export const READ_CHUNK_BYTES = 256 * 1024;

/** A member's data, read before the next member is asked for (whatever is left unread is skipped). */
export type TarBody = AsyncIterable<Buffer>;

/**
 * The members of the tar stream that `stages` produce (a source and the transforms after it, e.g.
 * a blob file, its decompressor and a hasher), in archive order, each with its body (which the
 * caller consumes or leaves: a body left unread is skipped). Names are normalised ("./a//b/" is
 * "a/b"; the archive root "." is left out); an absolute or ".." name refuses the archive.
 * Errors of any stage are ERR_IMAGE_BAD_ARCHIVE naming `label` (an ImageError a stage raised
 * itself passes as it is). The input is read to its end, so a hashing stage sees every byte.
 * Returning early destroys the stages.
 */
export async function* readTarStream(stages: Readable[], label: string): AsyncGenerator<{ member: TarMember; body: TarBody }> {
  let upstream: Readable = stages[0]!;
  for (const stage of stages.slice(1)) upstream = upstream.pipe(stage as unknown as NodeJS.WritableStream) as unknown as Readable;
  const last = upstream;
  // pipe() does not forward errors: any stage's failure ends the stream that the reader iterates.
  for (const stage of stages.slice(0, -1)) stage.on('error', (error) => last.destroy(error));
  let count = 0;
  try {
    for await (const { entry, body } of readTar(last as AsyncIterable<Buffer>)) {
      const name = memberName(entry.name, label);
      count++;
      if (name === undefined) continue;
      yield {
        member: {
          name, type: entry.type, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime,
          linkname: entry.linkname, devmajor: entry.devmajor, devminor: entry.devminor, xattrs: entry.xattrs,
        },
        body,
      };
    }
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label} is not a readable tar archive: ${(error as Error).message}`, { cause: error });
  } finally {
    for (const stage of stages) stage.destroy();
  }
  if (count === 0) throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label} is not a readable tar archive: it has no members`);
}

/** "./a//b/" → "a/b"; ".", "/" and "" → undefined (the archive root); other absolute and ".." names refused. */
export function memberName(raw: string, label: string): string | undefined {
  if (/^\/+$/.test(raw)) return undefined; // "/" names the archive root (umoci writes it), as "./" does
  if (raw.startsWith('/') || raw.split('/').includes('..')) {
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label}: member "${raw}" points outside the archive root (path traversal); refusing it`);
  }
  const normal = posix.normalize(raw).replace(/\/+$/, '');
  return normal === '' || normal === '.' ? undefined : normal;
}
