// hookd as users install it: `npm pack` of the repository root (prepack builds dist/), installed
// with `npm install --global --prefix <temp>` (a global install that leaves the machine's own
// prefix alone), then run from an unrelated folder with --config: the daemon answers _ping and
// runs a Node plugin that is nothing but an example's bundle copied out of the repository. Also
// `npx` with the tarball. Nothing here resolves through the checkout's node_modules.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';

import { npmPack, ROOT, runOk, scratchDir } from './outside-repo.ts';

function getOverSocket(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the packed daemon, installed globally, runs from any folder with --config; npx runs it too', { timeout: 900_000 }, async (t) => {
  const scratch = await scratchDir(t, 'global');
  const packs = join(scratch, 'packs');
  await mkdir(packs);
  const tarball = await npmPack(ROOT, packs);
  const prefix = join(scratch, 'prefix');
  await runOk('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: scratch, timeoutMs: 600_000 });
  const hookd = join(prefix, 'bin/hookd');

  // A deployment folder: config, one plugin (the legacy-env example's one-file bundle), data.
  const site = join(scratch, 'site');
  await mkdir(join(site, 'plugins.d'), { recursive: true });
  await mkdir(join(site, 'legacy-env'));
  await copyFile(join(ROOT, 'examples/node-legacy-env/dist/main.js'), join(site, 'legacy-env/main.mjs'));
  await writeFile(join(site, 'plugins.d/legacy-env.json'), JSON.stringify({
    name: 'legacy-env', launch: { command: 'node', args: ['main.mjs'], cwd: '../legacy-env' }, startTimeoutMs: 60_000,
  }));
  const config = join(site, 'hookd.json');
  await writeFile(config, JSON.stringify({ dataRoot: 'data', pluginsDir: 'plugins.d', runtime: 'process', logLevel: 'info' }));

  const elsewhere = await scratchDir(t, 'global-cwd'); // not the site, not the repository
  const effective = JSON.parse(await runOk(hookd, ['config', '--config', config], { cwd: elsewhere })) as { dataRoot: string };
  assert.equal(effective.dataRoot, join(site, 'data'), 'paths in the config are relative to the config file, not the cwd');

  const daemon = spawn(hookd, ['daemon', '--config', config], { cwd: elsewhere, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(daemon, 'exit');
  t.after(async () => {
    if (daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill('SIGTERM');
      await exited;
    }
  });
  let stderr = '';
  daemon.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: daemon.stdout });
  const socket = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /is listening on (?:unix:\/\/)?(\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then(() => reject(new Error(`the daemon exited before it listened; stderr:\n${stderr}`)));
  });
  const ping = await getOverSocket(socket, '/_ping');
  assert.deepEqual(ping, { status: 200, body: 'OK' });

  const listing = JSON.parse(await runOk(hookd, ['plugins', '--config', config, '--json'], { cwd: elsewhere })) as { Plugins: Array<{ name: string; state: string }> };
  assert.deepEqual(listing.Plugins.map((plugin) => [plugin.name, plugin.state]), [['legacy-env', 'ready']]);

  daemon.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0, stderr);

  // npx with the tarball: the same CLI, fetched into npm's own cache instead of a prefix.
  const viaNpx = await runOk('npx', ['--yes', '--prefer-offline', `--package=${tarball}`, '--', 'hookd', 'config', '--config', config], { cwd: elsewhere, timeoutMs: 600_000 });
  assert.equal((JSON.parse(viaNpx) as { dataRoot: string }).dataRoot, join(site, 'data'));
});
