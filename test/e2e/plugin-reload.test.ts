// Hot reload and misbehaving plugins against the real daemon: manifests dropped into and removed
// from pluginsDir take effect on the next create; an invalid manifest is reported naming file and
// field while the set in force stays; two conflicting plugins and a plugin that times out fail the
// create with a clear error and store nothing.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { PluginListing } from '../../src/daemon/plugin-routes.ts';
import type { ReloadReport } from '../../src/daemon/reload.ts';
import { buildTinyRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, fixtureManifest, makeWorkDir } from './daemon-process.ts';

const IMAGE = 'tiny:e2e';
let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess;

const labelPlugin = (name: string, label: string, value: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  fixtureManifest(name, 'sets-label.ts', { config: { label, value }, ...extra });

before(async () => {
  work = await makeWorkDir();
  daemon = await DaemonProcess.start({
    dir: join(work.dir, 'd'),
    config: { runtime: 'process' },
    manifests: { '10-base.json': labelPlugin('base', 'base', 'yes'), '90-api.json': fixtureManifest('api-routes', 'api-routes.ts') },
  });
  const tarball = await buildTinyRootfsTarball(work.dir);
  const { createReadStream } = await import('node:fs');
  await new Promise<void>((resolve, reject) => {
    void daemon.docker().importImage(createReadStream(tarball), { repo: 'tiny', tag: 'e2e' }).then((stream) => {
      stream.on('end', resolve);
      stream.on('error', reject);
      stream.resume();
    }, reject);
  });
});

after(async () => {
  if (daemon && daemon.exitInfo === undefined) {
    const { code } = await daemon.stop();
    assert.equal(code, 0, daemon.stderr);
  }
  await work?.remove();
});

async function labelsOfNewContainer(name: string): Promise<Record<string, string>> {
  const container = await daemon.docker().createContainer({ Image: IMAGE, name, Cmd: ['/bin/hello'] });
  return (await container.inspect()).Config.Labels ?? {};
}

async function listing(): Promise<{ Plugins: PluginListing[]; LastReload: ReloadReport | null }> {
  return JSON.parse((await daemon.http('GET', '/hookd/plugins')).body) as { Plugins: PluginListing[]; LastReload: ReloadReport | null };
}

async function containerIds(): Promise<string[]> {
  return (await daemon.docker().listContainers({ all: true })).map((c) => c.Id).sort();
}

test('a manifest added to pluginsDir starts its plugin, whose hook applies to the next create', async () => {
  assert.deepEqual(await labelsOfNewContainer('before-add'), { base: 'yes' });
  const from = daemon.logs.length;
  await daemon.writeManifest('20-extra.json', labelPlugin('extra', 'extra', 'added'));
  const reload = await daemon.waitForReload(from, 'watch', (line) => (line.added as string[] | undefined)?.includes('extra') === true);
  assert.deepEqual(reload.unchanged, ['base', 'api-routes'], 'the plugins already running were not touched');
  assert.deepEqual(await labelsOfNewContainer('after-add'), { base: 'yes', extra: 'added' });
  const extra = (await listing()).Plugins.find((plugin) => plugin.name === 'extra');
  assert.equal(extra?.state, 'ready');
});

test('a manifest removed from pluginsDir stops its plugin and its hook no longer applies', async () => {
  const from = daemon.logs.length;
  await daemon.removeManifest('20-extra.json');
  await daemon.waitForReload(from, 'watch', (line) => (line.removed as string[] | undefined)?.includes('extra') === true);
  assert.deepEqual(await labelsOfNewContainer('after-remove'), { base: 'yes' });
  assert.deepEqual((await listing()).Plugins.map((plugin) => plugin.name), ['base', 'api-routes']);
});

test('an invalid manifest is reported naming its file and field, and the set in force stays', async () => {
  const from = daemon.logs.length;
  await daemon.writeManifest('30-typo.json', { ...labelPlugin('typo', 'typo', 'x'), timeoutMS: 500 });
  const refused = await daemon.waitForReload(from, 'watch', (line) => String(line.msg).includes('30-typo.json'));
  assert.equal(refused.level, 50, 'logged as an error');
  assert.match(String(refused.msg), /30-typo\.json: field "timeoutMS" is not a known field/);
  assert.match(String(refused.msg), /previous set stays in force/);
  const { Plugins, LastReload } = await listing();
  assert.deepEqual(Plugins.map((plugin) => [plugin.name, plugin.state]), [['base', 'ready'], ['api-routes', 'ready']]);
  assert.equal(LastReload?.ok, false);
  assert.match(LastReload?.error ?? '', /30-typo\.json/);
  assert.deepEqual(await labelsOfNewContainer('during-typo'), { base: 'yes' }, 'the old set still applies');

  const fixed = daemon.logs.length;
  await daemon.removeManifest('30-typo.json');
  const report = await daemon.waitForReload(fixed, 'watch', (line) => line.msg === 'plugin manifests reloaded');
  assert.deepEqual(report.unchanged, ['base', 'api-routes']);
  assert.equal((await listing()).LastReload?.ok, true);
});

test('two plugins of one order setting one label differently fail the create naming both and the path; nothing is stored', async () => {
  await daemon.writeManifest('40-red.json', labelPlugin('team-red', 'team', 'red', { order: 5 }));
  await daemon.writeManifest('41-blue.json', labelPlugin('team-blue', 'team', 'blue', { order: 5 }));
  const reload = await daemon.reloadNow();
  assert.equal(reload.msg, 'plugin manifests reloaded');
  const before = await containerIds();
  const answer = await daemon.http('POST', '/v1.43/containers/create?name=conflicted', JSON.stringify({ Image: IMAGE, Cmd: ['/bin/hello'] }));
  assert.equal(answer.status, 500);
  const { message } = JSON.parse(answer.body) as { message: string };
  assert.match(message, /plugins "team-(red|blue)" and "team-(red|blue)" both tried to set Labels\[team\]/);
  assert.match(message, /team-red/);
  assert.match(message, /team-blue/);
  assert.deepEqual(await containerIds(), before, 'nothing was stored');
  const ps = await daemon.cli(['ps', '-a', '--format', '{{.Names}}']);
  assert.doesNotMatch(ps.stdout, /conflicted/);

  await daemon.removeManifest('40-red.json');
  await daemon.removeManifest('41-blue.json');
  await daemon.reloadNow();
  assert.deepEqual((await listing()).Plugins.map((plugin) => plugin.name), ['base', 'api-routes']);
});

test('a create in flight is not disturbed by a reload that adds a plugin meanwhile', async () => {
  const release = join(work.dir, 'release-the-create');
  await daemon.writeManifest('60-hold.json', fixtureManifest('slow-create', 'slow-create.ts', { timeoutMs: 30_000, config: { releaseFile: release } }));
  await daemon.reloadNow();
  const from = daemon.logs.length;
  const pending = daemon.http('POST', '/v1.43/containers/create?name=held', JSON.stringify({ Image: IMAGE, Cmd: ['/bin/hello'] }));
  await daemon.waitForLog((line) => line.plugin === 'slow-create' && line.msg === 'holding the create', from, 'the create to reach slow-create');

  const reloadFrom = daemon.logs.length;
  await daemon.writeManifest('20-late.json', labelPlugin('late', 'late', 'yes'));
  const reload = await daemon.waitForReload(reloadFrom, 'watch', (line) => (line.added as string[] | undefined)?.includes('late') === true);
  assert.ok((reload.unchanged as string[]).includes('slow-create'), 'the plugin serving the create was left alone');
  await writeFile(release, 'go');
  const answer = await pending;
  assert.equal(answer.status, 201, answer.body);
  assert.deepEqual((await daemon.docker().getContainer('held').inspect()).Config.Labels, { base: 'yes' }, 'the create finished with the plugins it started with');
  assert.deepEqual(await labelsOfNewContainer('after-late'), { base: 'yes', late: 'yes' }, 'the next create sees the new plugin');

  await daemon.removeManifest('60-hold.json');
  await daemon.removeManifest('20-late.json');
  await daemon.reloadNow();
});

test('a plugin that does not answer within its timeout fails the create with a clear error in time; nothing is stored', async () => {
  await daemon.writeManifest('50-slow.json', fixtureManifest('slow-create', 'slow-create.ts', { timeoutMs: 500, config: { delayMs: 30_000 } }));
  await daemon.reloadNow();
  const before = await containerIds();
  const startedAt = Date.now();
  const answer = await daemon.http('POST', '/v1.43/containers/create?name=too-slow', JSON.stringify({ Image: IMAGE, Cmd: ['/bin/hello'] }));
  const elapsedMs = Date.now() - startedAt;
  assert.equal(answer.status, 503);
  assert.match((JSON.parse(answer.body) as { message: string }).message, /plugin "slow-create" did not answer container\.preCreate within 500 ms/);
  assert.ok(elapsedMs < 5000, `answered after ${elapsedMs} ms, not after the plugin's 30 s`);
  assert.deepEqual(await containerIds(), before, 'nothing was stored');
  const metrics = (await daemon.http('GET', '/metrics')).body;
  assert.match(metrics, /^hookd_plugin_call_timeouts_total\{plugin="slow-create",hook="container.preCreate"\} 1$/m);
  assert.match(metrics, /^hookd_plugin_call_errors_total\{plugin="slow-create",hook="container.preCreate",code="ERR_HOOK_TIMEOUT"\} 1$/m);
});

test('a route served by an API plugin whose manifest was removed answers 503 naming the plugin', async () => {
  assert.equal((await daemon.http('GET', '/e2e/hello/again')).body, 'hello again');
  await daemon.removeManifest('90-api.json');
  const reload = await daemon.reloadNow();
  assert.deepEqual(reload.removed, ['api-routes']);
  const answer = await daemon.http('GET', '/e2e/hello/again');
  assert.equal(answer.status, 503);
  assert.match((JSON.parse(answer.body) as { message: string }).message, /plugin "api-routes" serves this route but is no longer loaded/);
  const version = await daemon.http('GET', '/version');
  assert.equal(version.status, 503, 'the route it wrapped fails the same way until the daemon restarts');
});
