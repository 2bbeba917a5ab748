// Every example plugin, in every language, passes `hookd plugin test` as its manifest launches it.
// Go examples are built with their build.sh first; Python ones run with plugin-sdk/python/.venv's
// interpreter when it exists (python3 on PATH may lack grpcio). A language whose toolchain or
// dependencies are missing is skipped with the reason printed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { ROOT, runKit } from './run-kit.ts';

const VENV_PYTHON = join(ROOT, 'plugin-sdk/python/.venv/bin/python');

/** Why a language cannot run here, or undefined when it can. */
function missingToolchain(language: string): string | undefined {
  if (language === 'go') {
    const probe = spawnSync('go', ['version'], { encoding: 'utf8' });
    return probe.status === 0 ? undefined : 'go is not on PATH (install Go ≥ 1.25)';
  }
  if (language === 'python') {
    const python = pythonFor();
    const probe = spawnSync(python, ['-c', 'import grpc, grpc_health.v1.health, google.protobuf'], { encoding: 'utf8' });
    if (probe.error) return `${python} cannot be run (${probe.error.message})`;
    return probe.status === 0 ? undefined : `${python} lacks grpcio/grpcio-health-checking/protobuf; create plugin-sdk/python/.venv (see plugin-sdk/python/README.md)`;
  }
  return undefined;
}

function pythonFor(): string {
  return existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3';
}

const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, 'examples', entry.name, 'manifest.json')))
  .map((entry) => entry.name)
  .sort();

describe('every example passes hookd plugin test in launch mode', () => {
  const missing = new Map<string, string | undefined>();
  for (const example of examples) {
    const language = example.split('-')[0] as string;
    it(`${example} passes`, { timeout: 180_000 }, async (t) => {
      if (!missing.has(language)) missing.set(language, missingToolchain(language));
      const reason = missing.get(language);
      if (reason) {
        console.error(`conformance of ${example} skipped: ${reason}`);
        t.skip(reason);
        return;
      }
      const dir = join(ROOT, 'examples', example);
      if (language === 'go') {
        const build = spawnSync('bash', [join(dir, 'build.sh')], { encoding: 'utf8', timeout: 170_000 });
        assert.equal(build.status, 0, `${example}/build.sh failed:\n${build.stdout}${build.stderr}`);
      }
      const manifestFile = join(dir, 'manifest.json');
      // Bounds generous enough for a loaded CI machine: this test is about conformance, not speed.
      const args = ['--manifest', manifestFile, '--timeout-ms', '30000', '--call-timeout-ms', '5000', '--grace-ms', '5000'];
      if (language === 'python') {
        // The manifest says python3; the interpreter that has the SDK's dependencies stands in for it.
        const launch = (JSON.parse(readFileSync(manifestFile, 'utf8')) as { launch: { args: string[] } }).launch;
        args.push('--', pythonFor(), ...launch.args);
      }
      const run = await runKit(args);
      t.diagnostic(run.report.split('\n').at(-1) ?? '');
      assert.equal(run.exitCode, 0, run.report);
      assert.ok(![...run.marks.values()].includes('✖'), run.report);
      for (const id of ['run-by-hand', 'start', 'describe', 'health', 'configure', 'shutdown', 'stdout', 'stdin-close', 'sigterm']) {
        assert.equal(run.marks.get(id), '✔', `check ${id}:\n${run.report}`);
      }
    });
  }
});
