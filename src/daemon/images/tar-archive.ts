// Tarballs through the system tar (GNU tar), never parsed by hand: save a stream to disk while
// hashing it, list members, refuse path traversal before extracting anything, extract with
// numeric owners. Every tar run checks its exit code and reports tar's own words.

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { execa } from 'execa';
import { ImageError } from './image-errors.ts';

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

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

async function runTar(args: string[], what: string): Promise<string> {
  const result = await execa('tar', args, { reject: false, stdin: 'ignore', maxBuffer: 256 * 1024 * 1024 });
  if (result.exitCode !== 0) {
    const detail = result.stderr.trim() || result.shortMessage;
    throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${what}: tar failed (exit ${result.exitCode ?? '?'}): ${detail}`);
  }
  return result.stdout;
}

/** Member names, as stored (GNU tar's escape quoting undone), in archive order. */
export async function listMembers(path: string, label: string): Promise<string[]> {
  const gzip = await isGzip(path);
  const out = await runTar(['--quoting-style=escape', ...(gzip ? ['-z'] : []), '-tf', path], `${label} is not a readable tar archive`);
  return out.split('\n').filter((line) => line !== '').map(unescapeName);
}

/** Absolute names and ".." components could write outside the target: refuse the archive. */
export function assertSafeMembers(names: string[], label: string): void {
  for (const name of names) {
    if (name.startsWith('/') || name.split('/').includes('..')) {
      throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `${label}: member "${name}" points outside the archive root (path traversal); refusing it`);
    }
  }
}

/** Extracts into an existing directory, keeping modes, links and numeric owners. */
export async function extractArchive(path: string, dir: string, label: string): Promise<void> {
  const gzip = await isGzip(path);
  await runTar(['--numeric-owner', '--same-permissions', ...(gzip ? ['-z'] : []), '-xf', path, '-C', dir], `${label} could not be unpacked`);
}

/** GNU tar's escape style: \\, \n, \t, \r, \a, \b, \f, \v, \? and \ooo octal. */
function unescapeName(name: string): string {
  if (!name.includes('\\')) return name;
  const simple: Record<string, string> = { '\\': '\\', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '?': '\x7f' };
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch !== '\\' || i + 1 >= name.length) {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(name.slice(i + 1));
    if (octal) {
      bytes.push(Number.parseInt(octal[0], 8));
      i += 3;
    } else {
      const next = name[i + 1]!;
      bytes.push(...Buffer.from(simple[next] ?? next, 'utf8'));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
