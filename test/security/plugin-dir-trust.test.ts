// Issue 13, attack 4: a plugins directory or manifest that someone other than root (or the daemon's
// user) can change is root code execution, since a manifest's `launch` runs as the daemon's user.
// Against the real daemon: a group-writable directory stops it at start; on hot reload a 0666
// manifest, a symlinked manifest leading to a writable file, a manifest owned by another user and a
// directory made group-writable are each refused, logged with the path and its mode, and their
// `launch` never runs, while the plugin already running keeps running.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DaemonProcess, fixtureManifest, makeWorkDir, type LogLine } from '../e2e/daemon-process.ts';

let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess;

/** A manifest whose launch proves it ran by creating `marker` (then fails the handshake: no plugin). */
function shellManifest(name: string, marker: string): Record<string, unknown> {
  return { name, launch: { command: '/bin/sh', args: ['-c', `touch ${marker}; exit 1`] }, startTimeoutMs: 5000 };
}

before(async () => {
  work = await makeWorkDir();
  daemon = await DaemonProcess.start({
    dir: join(work.dir, 'd'),
    config: { runtime: 'process' },
    manifests: { '10-base.json': fixtureManifest('base', 'sets-label.ts', { config: { label: 'base', value: 'yes' } }) },
  });
});

after(async () => {
  if (daemon?.exitInfo === undefined) await daemon?.stop();
  await work?.remove();
});

async function runningPlugins(): Promise<string[]> {
  const { Plugins } = JSON.parse((await daemon.http('GET', '/hookd/plugins')).body) as { Plugins: Array<{ name: string; state: string }> };
  return Plugins.filter((plugin) => plugin.state === 'ready').map((plugin) => plugin.name).sort();
}

const isSkip = (file: string) => (line: LogLine) => line.part === 'reload' && line.code === 'ERR_MANIFEST_UNTRUSTED' && line.file === file;

/** SIGHUP; resolves with that reload's report (not the lines it logged on the way). */
async function reload(): Promise<LogLine> {
  const from = daemon.logs.length;
  daemon.child!.kill('SIGHUP');
  return daemon.waitForReload(from, 'SIGHUP', (line) => line.msg === 'plugin manifests reloaded' || /not reloaded|reload failed/.test(String(line.msg)));
}

/** Reloads and returns the refusal logged for `file` (already in place). */
async function reloadExpectingRefusal(file: string): Promise<LogLine> {
  const from = daemon.logs.length;
  const report = await reload();
  assert.equal(report.msg, 'plugin manifests reloaded', 'the rest of the set still reloads');
  // The refusal is logged during the load, so before the report.
  const refusal = daemon.logs.slice(from).find(isSkip(file));
  assert.ok(refusal, `the reload logged no refusal of ${file}`);
  return refusal;
}

/**
 * Puts a manifest in place with its mode (and owner) already set: written as a dotfile (which the
 * daemon ignores), then renamed in, so the directory watcher never sees it with other bits.
 */
async function dropManifest(file: string, manifest: unknown, mode: number, owner?: number): Promise<string> {
  const temp = join(daemon.pluginsDir, `.${file}.tmp`);
  await writeFile(temp, JSON.stringify(manifest));
  if (owner !== undefined) await chown(temp, owner, owner);
  await chmod(temp, mode);
  await rename(temp, join(daemon.pluginsDir, file));
  return join(daemon.pluginsDir, file);
}

test('a daemon whose plugins directory is group-writable refuses to start, naming the directory and its mode', async () => {
  const refused = await DaemonProcess.create({ dir: join(work.dir, 'writable-dir'), config: { runtime: 'process' }, manifests: { '10-x.json': shellManifest('x', join(work.dir, 'start-marker')) } });
  await chmod(refused.pluginsDir, 0o775);
  await refused.spawn();
  // Whichever comes first: the exit this test wants, or the daemon listening (the attack worked).
  await refused.waitFor(() => refused.exitInfo !== undefined || refused.text.some((line) => line.includes('is listening on')), 'the daemon to exit or listen');
  if (refused.exitInfo === undefined) await refused.stop();
  const { code } = await refused.exited;
  assert.notEqual(code, 0, 'the daemon started with a group-writable plugins directory');
  const output = `${refused.stderr}\n${refused.logs.map((line) => JSON.stringify(line)).join('\n')}`;
  assert.match(output, /ERR_MANIFEST_UNTRUSTED|is refused/);
  assert.ok(output.includes(refused.pluginsDir), output);
  assert.match(output, /mode 0775/);
  assert.equal(existsSync(join(work.dir, 'start-marker')), false, 'the manifest\'s launch never ran');
});

test('a 0666 manifest dropped in is refused on hot reload with its path and mode; its launch never runs; running plugins stay', async () => {
  const marker = join(work.dir, 'world-writable-ran');
  const file = await dropManifest('50-evil.json', shellManifest('evil', marker), 0o666);
  const refusal = await reloadExpectingRefusal(file);
  assert.match(String(refusal.err), /mode 0666/);
  assert.match(String(refusal.err), /writable by group and others/);
  assert.equal(existsSync(marker), false);
  assert.deepEqual(await runningPlugins(), ['base']);
});

test('a symlinked manifest is followed: a link to a group-writable file elsewhere is refused, a link to a trusted file is used', async () => {
  const outside = join(work.dir, 'elsewhere');
  await mkdir(outside, { recursive: true, mode: 0o755 });
  const marker = join(work.dir, 'symlinked-ran');
  await writeFile(join(outside, 'evil.json'), JSON.stringify(shellManifest('linked-evil', marker)));
  await chmod(join(outside, 'evil.json'), 0o664);
  const link = join(daemon.pluginsDir, '60-linked.json');
  await symlink(join(outside, 'evil.json'), link);
  const refusal = await reloadExpectingRefusal(link);
  assert.ok(String(refusal.err).includes(`${link} -> ${join(outside, 'evil.json')}`), String(refusal.err));
  assert.match(String(refusal.err), /mode 0664/);
  assert.equal(existsSync(marker), false);

  await chmod(join(outside, 'evil.json'), 0o644);
  await writeFile(join(outside, 'evil.json'), JSON.stringify(fixtureManifest('linked-good', 'sets-label.ts', { config: { label: 'l', value: 'v' } })));
  const from = daemon.logs.length;
  await reload();
  assert.equal(daemon.logs.slice(from).some(isSkip(link)), false);
  assert.deepEqual(await runningPlugins(), ['base', 'linked-good']);
  await daemon.removeManifest('60-linked.json');
  await reload();
});

test('a manifest owned by another user is refused even with mode 0644', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('changing a file\'s owner needs root');
  const marker = join(work.dir, 'other-owner-ran');
  const file = await dropManifest('70-nobody.json', shellManifest('nobody', marker), 0o644, 65534);
  const refusal = await reloadExpectingRefusal(file);
  assert.match(String(refusal.err), /owned by uid 65534/);
  assert.equal(existsSync(marker), false);
  await daemon.removeManifest('70-nobody.json');
});

test('a trusted manifest that becomes group-writable is skipped on reload, and its running plugin keeps running', async () => {
  const file = join(daemon.pluginsDir, '10-base.json');
  await chmod(file, 0o664);
  const refusal = await reloadExpectingRefusal(file);
  assert.equal(refusal.kept, 'base');
  assert.deepEqual(await runningPlugins(), ['base']);
  await chmod(file, 0o644);
});

test('a plugins directory made group-writable while running refuses the whole reload; the set in force stays', async () => {
  const marker = join(work.dir, 'dir-writable-ran');
  await daemon.removeManifest('50-evil.json');
  await chmod(daemon.pluginsDir, 0o777);
  try {
    await writeFile(join(daemon.pluginsDir, '80-new.json'), JSON.stringify(shellManifest('new', marker)));
    const report = await reload();
    assert.match(String(report.msg), /not reloaded/);
    assert.ok(String(report.err).includes(daemon.pluginsDir));
    assert.match(String(report.err), /mode 0777/);
    assert.equal(existsSync(marker), false);
    assert.deepEqual(await runningPlugins(), ['base']);
  } finally {
    await chmod(daemon.pluginsDir, 0o755);
    await daemon.removeManifest('80-new.json');
  }
});
