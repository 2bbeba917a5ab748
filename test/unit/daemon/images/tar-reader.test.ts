import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { readTar } from '../../../../src/daemon/images/tar-reader.ts';
import { TarFormatError } from '../../../../src/daemon/images/tar-header.ts';
import { tempDirRemovedAtExit } from '../../../fixtures/temp-dir.ts';
import { END, header, pad, paxMember, paxRecord } from '../../../fixtures/crafted-tar.ts';

const dir = tempDirRemovedAtExit('hookd-tar-reader-');
let count = 0;

/** The members of `tar` (fed in `chunkBytes` pieces, to cross chunk borders), bodies read unless `skipBodies`. */
interface Seen { name: string; type: string | null; linkname: string; uid: number; size: number; mtime: number; body: string; xattrs: Record<string, string> }

async function members(tar: Buffer, options: { chunkBytes?: number; skipBodies?: boolean } = {}): Promise<Seen[]> {
  const step = options.chunkBytes ?? 7;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let at = 0; at < tar.length; at += step) yield tar.subarray(at, at + step);
  }
  const out = [];
  for await (const { entry, body } of readTar(chunks())) {
    const parts: Buffer[] = [];
    if (!options.skipBodies) for await (const part of body) parts.push(Buffer.from(part));
    out.push({
      name: entry.name, type: entry.type, linkname: entry.linkname, uid: entry.uid, size: entry.size, mtime: entry.mtime.getTime() / 1000,
      body: Buffer.concat(parts).toString(), xattrs: Object.fromEntries([...entry.xattrs].map(([k, v]) => [k, v.toString('hex')])),
    });
  }
  return out;
}

const CAP = Buffer.from('0100000200200000000000000000000000000000', 'hex');

test('PAX xattr values come out as their exact bytes, with path, size, uid and mtime records applied', async () => {
  const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a, 0x3d]);
  const tar = Buffer.concat([
    paxMember([
      paxRecord('SCHILY.xattr.security.capability', CAP), paxRecord('SCHILY.xattr.user.bin', binary),
      paxRecord('path', Buffer.from(`${'d/'.repeat(80)}é.txt`)), paxRecord('uid', Buffer.from('3000000')), paxRecord('mtime', Buffer.from('1700000000.5')),
      paxRecord('LIBARCHIVE.xattr.user.url%3Dname', Buffer.from(Buffer.from('v').toString('base64'))), paxRecord('size', Buffer.from('5')),
    ], header('short', '0', 0), Buffer.from('hello')),
    header('plain', '0', 2), pad(Buffer.from('hi')), END,
  ]);
  assert.deepEqual(await members(tar), [
    { name: `${'d/'.repeat(80)}é.txt`, type: 'file', linkname: '', uid: 3000000, size: 5, mtime: 1700000000.5, body: 'hello', xattrs: { 'security.capability': CAP.toString('hex'), 'user.bin': binary.toString('hex'), 'user.url=name': '76' } },
    { name: 'plain', type: 'file', linkname: '', uid: 0, size: 2, mtime: 0o14000000000, body: 'hi', xattrs: {} },
  ]);
});

test('GNU tar\'s long names and link targets, --format=pax and --format=gnu alike, with bodies skipped or read', async () => {
  const src = join(dir, `src-${++count}`);
  const long = `${'long-directory-name/'.repeat(8)}file-with-a-long-name.txt`;
  await mkdir(join(src, long, '..'), { recursive: true });
  await writeFile(join(src, long), 'content');
  await symlink(long, join(src, 'link'));
  for (const format of ['gnu', 'pax']) {
    const tar = Buffer.from((await execa('tar', [`--format=${format}`, '-C', src, '-cf', '-', long, 'link'], { encoding: 'buffer' })).stdout);
    const all = await members(tar, { chunkBytes: 100 });
    assert.deepEqual(all.map(({ name, type, linkname, body }) => ({ name, type, linkname, body })), [
      { name: long, type: 'file', linkname: '', body: 'content' },
      { name: 'link', type: 'symlink', linkname: long, body: '' },
    ], format);
    assert.deepEqual((await members(tar, { skipBodies: true })).map((m) => m.name), [long, 'link'], format);
  }
});

test('GNU tar --xattrs writes a binary security.capability that reads back byte for byte', { skip: process.getuid?.() !== 0 ? 'needs root for security.*' : false }, async (t) => {
  try {
    execFileSync('sh', ['-c', 'command -v setfattr']);
  } catch {
    t.skip('needs setfattr (apt-get install attr)');
    return;
  }
  const src = join(dir, `src-${++count}`);
  await mkdir(src);
  await writeFile(join(src, 'ping'), 'binary');
  execFileSync('setfattr', ['-n', 'security.capability', '-v', `0x${CAP.toString('hex')}`, join(src, 'ping')]);
  execFileSync('setfattr', ['-n', 'user.x', '-v', 'text', join(src, 'ping')]);
  const tar = Buffer.from((await execa('tar', ['--xattrs', '--xattrs-include=*', '--format=pax', '-C', src, '-cf', '-', 'ping'], { encoding: 'buffer' })).stdout);
  const [ping] = await members(tar);
  assert.deepEqual(ping!.xattrs, { 'security.capability': CAP.toString('hex'), 'user.x': Buffer.from('text').toString('hex') });
});

test('sparse members are refused by name, whether GNU old-style or PAX', async () => {
  const src = join(dir, `src-${++count}`);
  await mkdir(src);
  await writeFile(join(src, 'holes'), 'x');
  await truncate(join(src, 'holes'), 4 * 1024 * 1024);
  for (const format of ['gnu', 'pax']) {
    const tar = Buffer.from((await execa('tar', [`--format=${format}`, '--sparse', '-C', src, '-cf', '-', 'holes'], { encoding: 'buffer' })).stdout);
    await assert.rejects(members(tar), /sparse file.*not supported/, format);
  }
});

test('a truncated archive, a bad checksum and a malformed PAX record are errors; bytes after the end marker are read but not parsed', async () => {
  const good = Buffer.concat([header('a', '0', 3), pad(Buffer.from('abc')), END]);
  await assert.rejects(members(good.subarray(0, 600)), /truncated/);
  const corrupt = Buffer.from(good);
  corrupt[0] = 0x41;
  await assert.rejects(members(corrupt), /checksum/);
  await assert.rejects(members(paxMember([Buffer.from('99 path=x\n')], header('a', '0', 0))), /malformed record/);
  let fed = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for (const part of [good, header('hidden', '0', 0)]) {
      fed += part.length;
      yield part;
    }
  }
  const names = [];
  for await (const { entry } of readTar(counted())) names.push(entry.name);
  assert.deepEqual(names, ['a']);
  assert.equal(fed, good.length + 512);
});

test('directories, links and devices carry no data whatever their size field says (as Go\'s archive/tar)', async () => {
  const tar = Buffer.concat([header('d/', '5', 1024), header('l', '1', 512, { linkname: 'd' }), header('f', '0', 1), pad(Buffer.from('z')), END]);
  assert.deepEqual((await members(tar)).map(({ name, type, body }) => ({ name, type, body })), [
    { name: 'd/', type: 'directory', body: '' }, { name: 'l', type: 'link', body: '' }, { name: 'f', type: 'file', body: 'z' },
  ]);
});

function fixChecksum(block: Buffer): void {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
}

test('any corruption of a valid archive yields members or a TarFormatError: never another error, never a hang', async () => {
  const valid = Buffer.concat([
    paxMember([paxRecord('SCHILY.xattr.user.x', Buffer.from([1, 2, 3])), paxRecord('path', Buffer.from('p/long-name')), paxRecord('mtime', Buffer.from('12.5'))], header('short', '0', 3), Buffer.from('abc')),
    header('d/', '5', 0), header('l', '2', 0, { linkname: 'd' }), END,
  ]);
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({ at: fc.nat({ max: valid.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }),
    fc.nat({ max: valid.length }),
    fc.boolean(),
    async (changes, cut, fixChecksums) => {
      const bytes = Buffer.from(valid.subarray(0, Math.max(cut, 1)));
      for (const { at, byte } of changes) if (at < bytes.length) bytes[at] = byte;
      // Mostly a corrupt header fails its checksum; with the sums fixed, its fields get parsed.
      if (fixChecksums) for (const at of [0, 1024, 2048, 2560]) if (at + 512 <= bytes.length) fixChecksum(bytes.subarray(at, at + 512));
      try {
        await members(bytes, { chunkBytes: 64 });
      } catch (error) {
        assert.ok(error instanceof TarFormatError, `${(error as Error).name}: ${(error as Error).message}`);
      }
    },
  ), { numRuns: 3000, seed: 10 });
});
