// The daemon's own hook points, around the real process: a plugin refusing daemon.preStart keeps
// the daemon from ever listening (non-zero exit, the plugin's message on stderr); SIGTERM calls
// daemon.preStop before the daemon exits 0; a config error exits 2 naming file and field.

import assert from 'node:assert/strict';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { DaemonProcess, fixtureManifest, makeWorkDir, REPO } from './daemon-process.ts';

let work: { dir: string; remove: () => Promise<void> };

before(async () => { work = await makeWorkDir(); });
after(async () => { await work?.remove(); });

test('a plugin that refuses daemon.preStart makes the daemon exit non-zero with the plugin\'s message, before the API listens', async () => {
  const daemon = await DaemonProcess.create({
    dir: join(work.dir, 'refused'),
    config: { runtime: 'process' },
    manifests: { 'gate.json': fixtureManifest('gate', 'daemon-hooks.ts', { config: { failStart: 'license server unreachable' } }) },
  });
  await daemon.spawn();
  await assert.rejects(daemon.listening(), /daemon exited while waiting for the daemon to listen/);
  assert.equal((await daemon.exited).code, 1);
  assert.match(daemon.stderr, /^hookd: daemon\.preStart failed, so the daemon does not start: plugin "gate" rejected daemon\.preStart: license server unreachable$/m);
  assert.ok(!daemon.logs.some((line) => line.msg === 'API listening'), 'the API never listened');
  await assert.rejects(access(daemon.socketPath));
});

test('SIGTERM calls daemon.preStop, then the daemon exits 0', async () => {
  const marker = join(work.dir, 'stopped.log');
  const daemon = await DaemonProcess.start({
    dir: join(work.dir, 'stopping'),
    config: { runtime: 'process' },
    manifests: { 'hooks.json': fixtureManifest('daemon-hooks', 'daemon-hooks.ts', { config: { stopMarker: marker } }) },
  });
  const { code } = await daemon.stop('SIGTERM');
  assert.equal(code, 0, daemon.stderr);
  assert.equal(await readFile(marker, 'utf8'), 'preStop SIGTERM\n');
  assert.ok(daemon.logs.some((line) => line.msg === 'stopped; containers keep running under their shims'));
  await assert.rejects(access(daemon.socketPath), 'the socket is removed on a clean stop');
});

test('an invalid manifest at start-up makes the daemon exit 1 naming the manifest file and field', async () => {
  const daemon = await DaemonProcess.create({
    dir: join(work.dir, 'bad-manifest'),
    config: { runtime: 'process' },
    manifests: { 'typo.json': fixtureManifest('typo', 'daemon-hooks.ts', { failurePolicy: 'sometimes' }) },
  });
  await daemon.spawn();
  await assert.rejects(daemon.listening());
  assert.equal((await daemon.exited).code, 1);
  assert.match(daemon.stderr, new RegExp(`hookd: manifest ${daemon.pluginsDir}/typo\\.json: field "failurePolicy" must be one of "fail", "ignore", got "sometimes"`));
});

test('a config with an unknown field exits 2 naming the file and the field; `hookd config` prints the effective config', async () => {
  const file = join(work.dir, 'bad.json');
  await writeFile(file, JSON.stringify({ dataRoot: 'data', pluginsDir: 'plugins.d', listen: { sockt: 'x.sock' } }));
  const refused = await execa(process.execPath, [join(REPO, 'bin/hookd.js'), 'daemon', '--config', file], { reject: false });
  assert.equal(refused.exitCode, 2);
  assert.match(String(refused.stderr), new RegExp(`config ${file}: field "listen.sockt" is not a known field`));

  const good = join(work.dir, 'good.json');
  await writeFile(good, JSON.stringify({ dataRoot: 'data', pluginsDir: 'plugins.d' }));
  const shown = await execa(process.execPath, [join(REPO, 'bin/hookd.js'), 'config', '--config', good], { reject: false });
  assert.equal(shown.exitCode, 0, String(shown.stderr));
  const effective = JSON.parse(String(shown.stdout)) as { dataRoot: string; listen: { socket: { path: string; mode: string } }; runtime: string };
  assert.equal(effective.dataRoot, join(work.dir, 'data'), 'relative to the config file');
  assert.deepEqual(effective.listen.socket, { path: join(work.dir, 'data', 'hookd.sock'), mode: '0660' });
  assert.equal(effective.runtime, 'auto');
});
