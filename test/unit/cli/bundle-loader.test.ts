// The code-cached loader of the CLI and daemon bundle (src/cli/bundle-loader.ts) on a small
// CommonJS bundle of its own: the first load compiles from source and writes the cache, the next
// one is compiled from it, and every cache that does not fit (damaged, foreign, made for another
// build of the same length, rejected by V8, owned by another user) falls back to an ordinary
// compile that runs the bundle as it is now, and is replaced. A write also removes the caches of
// bundles that are gone.

import assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Script } from 'node:vm';
import { after, test } from 'node:test';
import { loadBundle, type CodeCacheReport } from '../../../src/cli/bundle-loader.ts';
import { codeCacheFile, sha256, writeCodeCache } from '../../../src/cli/code-cache-file.ts';

const work = await mkdtemp(join(tmpdir(), 'hookd-bundle-loader-'));
after(() => rm(work, { recursive: true, force: true }));

/** A bundle whose answer() says which build it is; `build` is one character, so builds have one length. */
function bundleSource(build: string): string {
  return `"use strict";\nconst path = require("node:path");\nexports.answer = () => "build ${build} in " + path.basename(__dirname);\n`;
}

async function setUp(name: string, build = 'a'): Promise<{ bundle: string; env: NodeJS.ProcessEnv; cache: string }> {
  const dir = join(work, name);
  const bundle = join(dir, 'dist', 'bundle.cjs');
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(bundle, bundleSource(build));
  const cacheDir = join(dir, 'cache');
  return { bundle, env: { HOOKD_CODE_CACHE_DIR: cacheDir }, cache: codeCacheFile(cacheDir, bundle) };
}

function load(bundle: string, env: NodeJS.ProcessEnv): { answer: string; report: CodeCacheReport } {
  const loaded = loadBundle(bundle, env);
  const answer = (loaded.exports as unknown as { answer: () => string }).answer();
  return { answer, report: loaded.saveCodeCache() };
}

test('the first load writes the cache (mode 0600), the next is compiled from it, and a second save changes nothing', async () => {
  const { bundle, env, cache } = await setUp('fresh');
  const first = load(bundle, env);
  assert.equal(first.answer, 'build a in dist');
  assert.equal(first.report.state, 'written');
  assert.equal(first.report.file, cache);
  assert.equal((await stat(cache)).mode & 0o777, 0o600);
  const second = loadBundle(bundle, env);
  assert.deepEqual(second.saveCodeCache(), { state: 'used', file: cache });
  assert.deepEqual(second.saveCodeCache(), { state: 'used', file: cache }, 'saving again reports the same and writes nothing');
});

test('a damaged or foreign cache file falls back to compiling the source, and is replaced by a good one', async () => {
  const { bundle, env, cache } = await setUp('damaged');
  load(bundle, env);
  const good = await readFile(cache);
  const header = good.subarray(0, good.indexOf(0x0a) + 1);
  const cases: Array<[string, Buffer, RegExp]> = [
    ['random bytes', Buffer.from('\u0000garbage with no header at all'), /not a hookd code cache/],
    ['a truncated file', good.subarray(0, header.length + 100), /damaged \(the payload does not match its checksum\)/],
    ['one payload byte flipped', Buffer.concat([header, Buffer.from(good.subarray(header.length).map((byte, i) => (i === 40 ? byte ^ 0xff : byte)))]), /damaged/],
    ['a header that is not JSON', Buffer.concat([Buffer.from('{not json\n'), good.subarray(header.length)]), /the header is not JSON/],
    ['another Node version', Buffer.from(good.toString('latin1').replace(`"node":"${process.version}"`, '"node":"v1.0.0"'), 'latin1'), /made by Node v1\.0\.0/],
  ];
  for (const [what, bytes, reason] of cases) {
    await writeFile(cache, bytes, { mode: 0o600 });
    const { answer, report } = load(bundle, env);
    assert.equal(answer, 'build a in dist', what);
    assert.equal(report.state, 'written', what);
    assert.match(report.reason ?? '', reason, what);
    assert.deepEqual(loadBundle(bundle, env).saveCodeCache(), { state: 'used', file: cache }, `${what}: replaced by a cache the next load uses`);
  }
});

test('a cache made for another build of the same length is not used: the bundle as it is now runs', async () => {
  const { bundle, env } = await setUp('rebuilt', 'a');
  load(bundle, env);
  await writeFile(bundle, bundleSource('b'));
  const { answer, report } = load(bundle, env);
  assert.equal(answer, 'build b in dist');
  assert.equal(report.state, 'written');
  assert.match(report.reason ?? '', /made for another build of the bundle/);
});

test('a cache with a good header that V8 rejects (made from another script) falls back and is replaced', async () => {
  const { bundle, env, cache } = await setUp('rejected');
  const foreign = new Script('(function () { return 1 + 1; })').createCachedData();
  await mkdir(env.HOOKD_CODE_CACHE_DIR as string, { mode: 0o700 });
  writeCodeCache(cache, { bundle, sourceSha256: sha256(await readFile(bundle)) }, foreign);
  const { answer, report } = load(bundle, env);
  assert.equal(answer, 'build a in dist');
  assert.equal(report.state, 'written');
  assert.match(report.reason ?? '', /V8 rejected it/);
  assert.equal(loadBundle(bundle, env).saveCodeCache().state, 'used');
});

test('a cache file owned by another user is neither used nor overwritten in place', { skip: process.getuid?.() === 0 ? false : 'needs root to chown' }, async () => {
  const { bundle, env, cache } = await setUp('theirs');
  load(bundle, env);
  await chown(cache, 65534, 65534);
  const { report } = load(bundle, env);
  assert.match(report.reason ?? '', /is owned by uid 65534, not by this process's user/);
  assert.equal(report.state, 'written', 'the file is replaced by a rename, which the folder\'s owner may do');
  assert.equal((await stat(cache)).uid, 0);
});

test('HOOKD_CODE_CACHE=off loads the bundle without reading or writing a cache', async () => {
  const { bundle, cache } = await setUp('off');
  const { answer, report } = load(bundle, { HOOKD_CODE_CACHE: 'off', HOOKD_CODE_CACHE_DIR: join(work, 'off', 'cache') });
  assert.equal(answer, 'build a in dist');
  assert.deepEqual(report, { state: 'none', reason: 'HOOKD_CODE_CACHE=off' });
  await assert.rejects(stat(cache), { code: 'ENOENT' });
});

test('an unsafe cache folder is not written: the bundle still loads', async () => {
  const { bundle, env } = await setUp('unsafe');
  const dir = env.HOOKD_CODE_CACHE_DIR as string;
  await mkdir(dir);
  await chmod(dir, 0o777);
  const { answer, report } = load(bundle, env);
  assert.equal(answer, 'build a in dist');
  assert.equal(report.state, 'none');
  assert.match(report.reason ?? '', /not written: .* is writable by every user/);
  assert.deepEqual(await readdir(dir), []);
});

test('writing a cache removes the caches of bundles that no longer exist and stale temp files, and keeps the rest', async () => {
  const { bundle, env, cache } = await setUp('prune');
  const other = await setUp('prune-other');
  const dir = env.HOOKD_CODE_CACHE_DIR as string;
  await mkdir(dir, { mode: 0o700 });
  const data = new Script('1').createCachedData();
  const goneBundle = join(work, 'prune-gone', 'dist', 'bundle.cjs'); // never created: a deleted checkout
  writeCodeCache(codeCacheFile(dir, goneBundle), { bundle: goneBundle, sourceSha256: 'x' }, data);
  writeCodeCache(codeCacheFile(dir, other.bundle), { bundle: other.bundle, sourceSha256: 'x' }, data);
  const staleTemp = join(dir, 'hookd-0123456789abcdef.v8cache.999.abcd.tmp');
  const freshTemp = join(dir, 'hookd-0123456789abcdef.v8cache.998.abcd.tmp');
  await writeFile(staleTemp, 'half a write');
  await writeFile(freshTemp, 'a write under way');
  const old = new Date(Date.now() - 3_600_000);
  await utimes(staleTemp, old, old);
  await writeFile(join(dir, 'notes.txt'), 'not ours');

  const { report } = load(bundle, env);
  assert.equal(report.state, 'written');
  assert.deepEqual([...report.pruned ?? []].sort(), [basename(codeCacheFile(dir, goneBundle)), basename(staleTemp)].sort());
  assert.deepEqual((await readdir(dir)).sort(), [basename(cache), basename(codeCacheFile(dir, other.bundle)), basename(freshTemp), 'notes.txt'].sort());
});
