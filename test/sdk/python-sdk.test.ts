// Runs the Python SDK's and the Python examples' pytest suites as part of `npm test`, so that the
// project has one test command. Each suite runs in its own pytest process, in its own directory
// (where its pytest config lives), with the interpreter of plugin-sdk/python/.venv when it exists
// (created by scripts/generate.d/python.sh or by hand, see below), else python3 from PATH.
// Without Python 3.11 and the SDK's dependencies the suites skip with a printed reason.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const SDK_DIR = join(ROOT, 'plugin-sdk/python');
const VENV_PYTHON = join(SDK_DIR, '.venv/bin/python');
const INSTALL_HINT =
  'install with: python3 -m venv plugin-sdk/python/.venv && ' +
  'plugin-sdk/python/.venv/bin/pip install -r plugin-sdk/python/requirements-dev.txt';
// pytest for the SDK starts real plugin processes and makes TLS certificates; on a busy 2-core
// machine that takes tens of seconds, never minutes.
const SUITE_TIMEOUT_MS = 240_000;

const PROBE = [
  'import sys',
  'assert sys.version_info >= (3, 11), f"Python {sys.version.split()[0]} is older than 3.11"',
  'import grpc, grpc_health.v1.health, google.protobuf, pytest',
].join('\n');

/** The interpreter to use, or why there is none. */
function findPython(): { python: string } | { missing: string } {
  const python = existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3';
  const probe = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
  if (probe.error) return { missing: `${python} cannot be run (${probe.error.message})` };
  if (probe.status !== 0) {
    const reason = probe.stderr.trim().split('\n').at(-1) ?? `exit ${probe.status}`;
    return { missing: `${python} lacks what the suites need (${reason})` };
  }
  return { python };
}

function listSuites(): string[] {
  const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('python-'))
    .map((entry) => join(ROOT, 'examples', entry.name))
    .sort();
  return [SDK_DIR, ...examples];
}

interface PytestRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function runPytest(python: string, cwd: string): Promise<PytestRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
      cwd,
      // No bytecode or cache files in the work tree; no HOOKD_* from a developer's shell leaking
      // into the plugins the suites start.
      env: { ...withoutHookdVariables(process.env), PYTHONDONTWRITEBYTECODE: '1' },
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

describe('Python plugin SDK and examples (pytest)', () => {
  const found = findPython();
  if ('missing' in found) console.error(`python suites skipped: ${found.missing}; ${INSTALL_HINT}`);

  for (const suite of listSuites()) {
    const name = relative(ROOT, suite);
    it(`passes the pytest suite of ${name}`, { timeout: SUITE_TIMEOUT_MS + 10_000 }, async (t) => {
      if ('missing' in found) {
        t.skip(`${found.missing}: ${INSTALL_HINT}`);
        return;
      }
      const run = await runPytest(found.python, suite);
      const summary = run.output.trim().split('\n').at(-1) ?? '';
      assert.equal(run.code, 0, `pytest in ${name} exited with ${run.code ?? run.signal}:\n${run.output}`);
      t.diagnostic(`${name}: ${summary}`);
    });
  }
});
