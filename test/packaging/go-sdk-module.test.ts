// The Go SDK as a plugin author gets it: a module outside the repository that requires
// github.com/hookd/hookd/plugin-sdk/go through a replace directive to this checkout, with the SDK
// README's example as its main package, built with `go build` and checked by `hookd plugin test`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { pluginTest, ROOT, runOk, scratchDir } from './outside-repo.ts';

const SDK_DIR = join(ROOT, 'plugin-sdk/go');

/** The first ```go block of the SDK's README: the plugin users copy. */
async function readmePlugin(): Promise<string> {
  const match = /```go\n([\s\S]*?)```/.exec(await readFile(join(SDK_DIR, 'README.md'), 'utf8'));
  assert.ok(match?.[1], 'plugin-sdk/go/README.md starts its examples with a ```go block');
  return match[1];
}

test('a Go module outside the repository that requires the SDK by a replace directive builds a plugin that passes conformance', { timeout: 900_000 }, async (t) => {
  if (spawnSync('go', ['version']).status !== 0) {
    t.skip('go is not installed (.ci/run requires it)');
    return;
  }
  const module = join(await scratchDir(t, 'go-sdk-module'), 'quota');
  await mkdir(module);
  const sdkModule = /^module (\S+)/m.exec(await readFile(join(SDK_DIR, 'go.mod'), 'utf8'))?.[1];
  assert.ok(sdkModule, 'plugin-sdk/go/go.mod names its module');
  await writeFile(join(module, 'go.mod'), [
    'module example.com/quota',
    '',
    'go 1.24.0',
    '',
    `require ${sdkModule} v0.0.0`,
    '',
    `replace ${sdkModule} => ${SDK_DIR}`,
    '',
  ].join('\n'));
  // The SDK's own go.sum covers its dependencies, so tidy finds them in the module cache first.
  await writeFile(join(module, 'go.sum'), await readFile(join(SDK_DIR, 'go.sum')));
  await writeFile(join(module, 'main.go'), await readmePlugin());
  // GOWORK=off: a go.work of a developer's must not resolve the SDK instead of the replace directive.
  const env = { GOWORK: 'off', GOFLAGS: '-mod=mod' };
  await runOk('go', ['mod', 'tidy'], { cwd: module, env, timeoutMs: 600_000 });
  await runOk('go', ['build', '-o', 'quota', '.'], { cwd: module, env, timeoutMs: 600_000 });

  const report = await pluginTest(module, ['./quota']);
  assert.equal(report.code, 0, report.output);
  assert.match(report.output, /^PASS: quota 1\.0\.0: \d+ passed, 0 failed/m);
});
