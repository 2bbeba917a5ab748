// The Python SDK as a plugin author gets it: a wheel built from plugin-sdk/python, pip-installed
// into a fresh venv outside the repository (its dependencies from PyPI or pip's cache), and the
// SDK README's example plugin run from that venv through `hookd plugin test`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { pluginTest, ROOT, runOk, scratchDir } from './outside-repo.ts';

const SDK_DIR = join(ROOT, 'plugin-sdk/python');
// The wheel is built with the SDK's development venv (setuptools is there; no build isolation, so
// no download); the plugin then runs from a venv that has nothing but the wheel and its dependencies.
const BUILD_PYTHON = join(SDK_DIR, '.venv/bin/python');

function missingTool(): string | undefined {
  const base = spawnSync('python3.11', ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  if (base.status !== 0) return `python3.11 with venv and ensurepip is needed (apt-get install python3.11-venv): ${base.stderr || base.error?.message}`;
  const build = spawnSync(BUILD_PYTHON, ['-c', 'import setuptools, pip'], { encoding: 'utf8' });
  if (build.status !== 0) return `${BUILD_PYTHON} is missing or has no setuptools: run npm run check-generated (it makes the SDK venv)`;
  return undefined;
}

/** The first ```python block of the SDK's README: the plugin users copy. */
async function readmePlugin(): Promise<string> {
  const match = /```python\n([\s\S]*?)```/.exec(await readFile(join(SDK_DIR, 'README.md'), 'utf8'));
  assert.ok(match?.[1], 'plugin-sdk/python/README.md starts its examples with a ```python block');
  return match[1];
}

test('the Python SDK wheel, installed in a fresh venv outside the repository, runs the README plugin to a conformance PASS', { timeout: 900_000 }, async (t) => {
  const missing = missingTool();
  if (missing) {
    t.skip(missing);
    return;
  }
  const scratch = await scratchDir(t, 'python-sdk-wheel');
  // Built from a copy, so that setuptools' build/ and egg-info land in the scratch folder.
  const source = join(scratch, 'sdk-source');
  await cp(SDK_DIR, source, { recursive: true, filter: (path) => !/[/](\.venv|build|__pycache__|[^/]*\.egg-info|\.pytest_cache)$/.test(path) });
  const wheels = join(scratch, 'wheels');
  await runOk(BUILD_PYTHON, ['-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '--wheel-dir', wheels, source], { cwd: scratch });
  const [wheel] = (await readdir(wheels)).filter((name) => name.endsWith('.whl'));
  assert.ok(wheel, `a wheel in ${wheels}`);

  const venv = join(scratch, 'venv');
  await runOk('python3.11', ['-m', 'venv', venv], { cwd: scratch });
  await runOk(join(venv, 'bin/pip'), ['install', '--disable-pip-version-check', '--prefer-binary', join(wheels, wheel)], { cwd: scratch, timeoutMs: 600_000 });

  const app = join(scratch, 'quota');
  await mkdir(app);
  await writeFile(join(app, 'quota.py'), await readmePlugin());
  const where = await runOk(join(venv, 'bin/python'), ['-c', 'import hookd_plugin; print(hookd_plugin.__file__)'], { cwd: app });
  assert.ok(where.trim().startsWith(venv), `hookd_plugin comes from the fresh venv, not the repository: ${where}`);

  const report = await pluginTest(app, [join(venv, 'bin/python'), 'quota.py']);
  assert.equal(report.code, 0, report.output);
  assert.match(report.output, /^PASS: quota 1\.0\.0: \d+ passed, 0 failed/m);
});
