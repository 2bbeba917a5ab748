// Runs `go test ./...` in the Go plugin SDK and in every examples/go-* module as part of
// `npm test`, so that the project has one test command. Each module is its own `go test` process
// in its own directory. Without `go` on PATH the suites skip with a printed reason; CI installs Go
// >= 1.25 (the SDK needs 1.24, examples/go-env-files 1.25) so that nothing is skipped there.
// Modules come from the Go module proxy on first use.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const SDK_DIR = join(ROOT, 'plugin-sdk/go');
const INSTALL_HINT = 'install Go >= 1.25 from https://go.dev/dl/ and put `go` on PATH';
// The SDK's suite builds a plugin binary and runs it as a real process; a cold module cache adds
// downloads. On a busy 2-core machine that is tens of seconds, never minutes.
const SUITE_TIMEOUT_MS = 300_000;

/** `go version`'s answer, or why there is no usable go. */
function findGo(): { version: string } | { missing: string } {
  const probe = spawnSync('go', ['version'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.error) return { missing: `go is not installed: ${probe.error.message}` };
  if (probe.status !== 0) return { missing: `go version failed: ${probe.stderr.trim()}` };
  return { version: probe.stdout.trim() };
}

function listModules(): string[] {
  const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('go-'))
    .map((entry) => join(ROOT, 'examples', entry.name))
    .sort();
  return [SDK_DIR, ...examples];
}

interface GoTestRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function runGoTest(cwd: string): Promise<GoTestRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn('go', ['test', './...'], {
      cwd,
      // -count=1: always run (no cached "ok"), since the suites start real processes. No HOOKD_*
      // from a developer's shell leaking into the plugins the suites start.
      env: { ...withoutHookdVariables(process.env), GOFLAGS: '-count=1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: SUITE_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => resolveRun({ code, signal, output }));
  });
}

function withoutHookdVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('HOOKD_')));
}

describe('Go plugin SDK and examples (go test)', () => {
  const found = findGo();
  if ('missing' in found) console.error(`go suites skipped: ${found.missing}; ${INSTALL_HINT}`);

  for (const module of listModules()) {
    const name = relative(ROOT, module);
    it(`passes go test ./... in ${name}`, { timeout: SUITE_TIMEOUT_MS + 10_000 }, async (t) => {
      if ('missing' in found) {
        t.skip(`${found.missing}; ${INSTALL_HINT}`);
        return;
      }
      const run = await runGoTest(module);
      assert.equal(run.code, 0, `go test ./... in ${name} exited with ${run.code ?? run.signal}:\n${run.output}`);
      t.diagnostic(`${name} (${found.version}):\n${run.output.trim()}`);
    });
  }
});
