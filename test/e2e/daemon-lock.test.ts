// One daemon per data root, and a running daemon's socket is never taken over or deleted by another.

import assert from 'node:assert/strict';
import { lstat, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultPluginRuntimeDirPath } from '../../src/daemon/plugin-runtime-dir.ts';
import { DaemonProcess, fixtureManifest, makeWorkDir } from './daemon-process.ts';

const work = await makeWorkDir();
after(() => work.remove());

test('a second daemon on the same data root is refused with the first one\'s pid, and the first keeps its socket', async () => {
  const first = await DaemonProcess.start({ dir: join(work.dir, 'a'), config: { runtime: 'process' } });
  try {
    const second = new DaemonProcess(first.dir);
    await second.spawn();
    const exit = await second.exited;
    assert.equal(exit.code, 1);
    assert.match(second.stderr, new RegExp(`another hookd daemon \\(pid ${first.child!.pid}\\) is using the data root`));
    const ping = await first.http('GET', '/_ping');
    assert.equal(ping.status, 200, 'the first daemon still answers on its socket');
  } finally {
    await first.stop();
  }
  assert.equal(await lstat(join(first.dataRoot, 'hookd.pid')).catch(() => undefined), undefined, 'the lock is released on stop');
});

test('a daemon on another data root refuses a socket path a running daemon listens on, and does not delete it', async () => {
  const first = await DaemonProcess.start({ dir: join(work.dir, 'b'), config: { runtime: 'process' } });
  try {
    const other = await DaemonProcess.create({ dir: join(work.dir, 'c'), config: { runtime: 'process', listen: { socket: { path: first.socketPath } } } });
    await other.spawn();
    const exit = await other.exited;
    assert.equal(exit.code, 1);
    assert.match(other.stderr, /is in use by another running daemon/);
    assert.equal((await first.http('GET', '/_ping')).status, 200);
  } finally {
    await first.stop();
  }
});

test('a lock left by a killed daemon is taken over, and so is its stale socket', async () => {
  const dir = join(work.dir, 'd');
  const first = await DaemonProcess.start({ dir, config: { runtime: 'process' } });
  await first.stop('SIGKILL');
  assert.ok(await lstat(join(first.dataRoot, 'hookd.pid')), 'SIGKILL leaves the lock behind');
  assert.ok(await lstat(first.socketPath), 'and the socket');
  const again = new DaemonProcess(dir);
  await again.spawn();
  await again.listening();
  assert.equal((await again.http('GET', '/_ping')).status, 200);
  await again.stop();
});

test('a killed daemon\'s plugin runtime dir is reused and emptied by the next start, and removed by a clean stop', async () => {
  const dir = join(work.dir, 'e');
  const manifests = { 'labels.json': fixtureManifest('labels', 'sets-label.ts', { config: { label: 'team', value: 'red' } }) };
  const first = await DaemonProcess.start({ dir, config: { runtime: 'process' }, manifests });
  const runtimeDir = defaultPluginRuntimeDirPath(first.dataRoot);
  assert.deepEqual(await readdir(runtimeDir), ['labels.sock']);
  await first.stop('SIGKILL');
  await writeFile(join(runtimeDir, 'stale.sock'), ''); // what a killed daemon's plugins leave
  const again = new DaemonProcess(dir);
  await again.spawn();
  await again.listening();
  assert.deepEqual(await readdir(runtimeDir), ['labels.sock'], 'the same dir, emptied of the killed daemon\'s sockets');
  await again.stop();
  assert.equal(await lstat(runtimeDir).catch(() => undefined), undefined, 'a clean stop removes it');
});
