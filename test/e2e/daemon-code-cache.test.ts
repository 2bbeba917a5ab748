// The daemon as bin/hookd.js runs it, with the V8 code cache of its bundle (src/cli/bundle-loader.ts,
// docs/packaging.md "Start-up"): written once the API listens, used by the next start, and never
// in the way: a damaged or foreign cache file, or a folder another user owns, leaves a daemon that
// starts and answers as without it. Each daemon gets a cache folder of the test's own
// (HOOKD_CODE_CACHE_DIR), so the machine's /var/cache/hookd is left alone.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { once } from 'node:events';
import { chmod, chown, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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

test('a daemon run by another user, whose cache folder cannot be made, starts without a cache and says why', { skip: process.getuid?.() === 0 ? false : 'needs root to run as another user' }, async () => {
  const dir = join(work.dir, 'nobody');
  const home = join(work.dir, 'nobody-home'); // root's, 0700: the user cannot make ~/.cache in it
  await mkdir(join(dir, 'plugins.d'), { recursive: true });
  await mkdir(home, { mode: 0o700 });
  await writeFile(join(dir, 'hookd.json'), JSON.stringify({ dataRoot: 'data', pluginsDir: 'plugins.d', runtime: 'process', logLevel: 'info' }));
  await chmod(work.dir, 0o755);
  await chown(dir, 65534, 65534);
  await chown(join(dir, 'plugins.d'), 65534, 65534);
  // The checkout may sit where that user cannot read (a clone under /root): it runs a copy of what
  // the package ships of the daemon, which needs nothing else (the bundle holds its dependencies).
  const install = join(work.dir, 'nobody-install');
  for (const part of ['bin', 'dist/cli', 'package.json']) cpSync(join(REPO, part), join(install, part), { recursive: true });
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home };
  const child = spawn(process.execPath, [join(install, 'bin/hookd.js'), 'daemon', '--config', join(dir, 'hookd.json')], { cwd: dir, uid: 65534, gid: 65534, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    let report: Record<string, unknown> | undefined;
    for await (const line of createInterface({ input: child.stdout })) {
      const entry = line.startsWith('{') ? JSON.parse(line) as LogLine : undefined;
      if (entry?.msg === 'start-up code cache') {
        report = entry.codeCache as Record<string, unknown>;
        break;
      }
    }
    assert.ok(report, `no code cache report; stderr:\n${stderr}`);
    assert.equal(report.state, 'none');
    assert.match(String(report.reason), new RegExp(`not written: cannot create ${join(home, '.cache')}.*EACCES`));
    const probe = new DaemonProcess(dir);
    assert.equal((await probe.http('GET', '/_ping')).status, 200);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});
