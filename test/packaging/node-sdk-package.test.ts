// The Node SDK as a plugin author gets it: `npm pack` of plugin-sdk/node, the tarball installed into
// an empty folder outside the repository, the README's ten-line plugin written there and checked
// by `hookd plugin test`. Also checks that the package carries compiled JavaScript with types and
// nothing that needs tsx, and that the README's plugin type-checks against those types.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { npmPack, pluginTest, ROOT, runOk, scratchDir } from './outside-repo.ts';

/** The ```ts block under "## A plugin in ten lines" in the README: the code users copy. */
async function readmePlugin(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A plugin in ten lines'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  assert.ok(match?.[1], 'README.md has a ```ts block under "## A plugin in ten lines"');
  return match[1];
}

test('the packed Node SDK, installed outside the repository, runs the README plugin to a conformance PASS', { timeout: 600_000 }, async (t) => {
  const scratch = await scratchDir(t, 'node-sdk-pack');
  const tarball = await npmPack(join(ROOT, 'plugin-sdk/node'), scratch);

  const app = join(scratch, 'team-label');
  await mkdir(app);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'team-label', version: '1.0.0', private: true, type: 'module' }));
  await runOk('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: app });

  const installed = join(app, 'node_modules/@hookd/plugin-sdk');
  const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }>; dependencies: Record<string, string> };
  for (const [entry, target] of Object.entries(manifest.exports)) {
    assert.match(target.default, /^\.\/dist\/.*\.js$/, `exports["${entry}"] is compiled JavaScript`);
    assert.ok(existsSync(join(installed, target.default)), `${target.default} is in the package`);
    assert.ok(existsSync(join(installed, target.types)), `${target.types} is in the package`);
  }
  assert.ok(!existsSync(join(installed, 'src')), 'the package ships dist/, not the TypeScript sources');
  assert.ok(!('tsx' in manifest.dependencies), 'tsx is not a dependency of the SDK');
  assert.ok(!existsSync(join(app, 'node_modules/tsx')), 'installing the SDK brings no tsx');

  // The README's plugin has no type annotations, so it is also the plain JavaScript a user runs.
  const code = await readmePlugin();
  await writeFile(join(app, 'team-label.mjs'), code);
  const report = await pluginTest(app, ['node', 'team-label.mjs']);
  assert.equal(report.code, 0, report.output);
  assert.match(report.output, /^PASS: team-label 1\.0\.0: \d+ passed, 0 failed/m);

  // The same code as TypeScript, checked against the package's declarations (strict, no lib skip
  // for the SDK's own .d.ts files: a broken declaration fails here).
  await writeFile(join(app, 'team-label.ts'), `${code}\nexport type Check = import('@hookd/plugin-sdk').ContainerCreateConfig;\n`);
  await runOk(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'es2022',
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--typeRoots', join(ROOT, 'node_modules/@types'),
    'team-label.ts'], { cwd: app, timeoutMs: 180_000 });
});
