// The daemon as bin/hookd.js runs it, with the V8 code cache of its bundle (src/cli/bundle-loader.ts,
// docs/packaging.md "Start-up"): written once the API listens, used by the next start, and never
// in the way: a damaged or foreign cache file, or a folder another user owns, leaves a daemon that
// starts and answers as without it. Each daemon gets a cache folder of the test's own
// (HOOKD_CODE_CACHE_DIR), so the machine's /var/cache/hookd is left alone.

import assert from 'node:assert/strict';
import { chown, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { after, test } from 'node:test';
import { codeCacheFile, sha256, writeCodeCache } from '../../src/cli/code-cache-file.ts';
import { DaemonProcess, makeWorkDir, REPO, type LogLine } from './daemon-process.ts';

const BUNDLE = join(REPO, 'dist/cli/hookd.cjs');
const work = await makeWorkDir();
after(() => work.remove());

/** Starts a daemon (runtime process, no plugins) with its code cache in `cacheDir`; returns it and its code cache report. */
async function startWithCache(name: string, cacheDir: string): Promise<{ daemon: DaemonProcess; report: Record<string, unknown> }> {
  const daemon = await DaemonProcess.create({ dir: join(work.dir, name), config: { runtime: 'process' } });
  daemon.env = { HOOKD_CODE_CACHE_DIR: cacheDir };
  await daemon.spawn();
  const line: LogLine = await daemon.waitForLog((entry) => entry.msg === 'start-up code cache', 0, 'the code cache report');
  assert.equal((await daemon.http('GET', '/_ping')).status, 200);
  return { daemon, report: line.codeCache as Record<string, unknown> };
}

test('the daemon writes its code cache once it listens, and the next start is compiled from it', async () => {
  const cacheDir = join(work.dir, 'cache-fresh');
  const first = await startWithCache('fresh-1', cacheDir);
  await first.daemon.stop();
  assert.equal(first.report.state, 'written');
  assert.equal(first.report.file, codeCacheFile(cacheDir, BUNDLE));
  assert.equal((await stat(cacheDir)).mode & 0o777, 0o700);
  const second = await startWithCache('fresh-2', cacheDir);
  await second.daemon.stop();
  assert.deepEqual(second.report, { state: 'used', file: codeCacheFile(cacheDir, BUNDLE) });
});

test('a damaged or foreign cache file: the daemon still starts and answers, and replaces the file', async () => {
  const cacheDir = join(work.dir, 'cache-bad');
  await mkdir(cacheDir, { mode: 0o700 });
  const file = codeCacheFile(cacheDir, BUNDLE);
  const source = await readFile(BUNDLE);
  const writers: Array<[string, () => Promise<void>, RegExp]> = [
    ['garbage', () => writeFile(file, 'not a code cache at all', { mode: 0o600 }), /not a hookd code cache/],
    // A well-formed file for this very bundle whose payload V8 made for another script.
    ['foreign to V8', async () => writeCodeCache(file, { bundle: BUNDLE, sourceSha256: sha256(source) }, new Script('1 + 1').createCachedData()), /V8 rejected it/],
  ];
  for (const [what, write, reason] of writers) {
    await write();
    const { daemon, report } = await startWithCache(`bad-${what.replaceAll(' ', '-')}`, cacheDir);
    await daemon.stop();
    assert.equal(report.state, 'written', what);
    assert.match(String(report.reason), reason, what);
  }
  const after = await startWithCache('bad-after', cacheDir);
  await after.daemon.stop();
  assert.equal(after.report.state, 'used', 'the replaced file is good');
});

test('a cache folder another user owns is never written: the daemon starts without a cache', { skip: process.getuid?.() === 0 ? false : 'needs root to chown' }, async () => {
  const cacheDir = join(work.dir, 'cache-theirs');
  await mkdir(cacheDir, { mode: 0o700 });
  await chown(cacheDir, 65534, 65534);
  const { daemon, report } = await startWithCache('theirs', cacheDir);
  await daemon.stop();
  assert.equal(report.state, 'none');
  assert.match(String(report.reason), /not written: .*cache-theirs is owned by uid 65534/);
  assert.deepEqual(await readdir(cacheDir), []);
});
