// Runs the Python SDK's and the Python examples' pytest suites as part of `npm test`, so that the
// project has one test command, and has the real host (src/host) launch each Python example from
// its manifest.json, so that the SDK is proven against the host and not only against itself. Each suite runs in its own pytest process, in its own directory
// (where its pytest config lives), with the interpreter of plugin-sdk/python/.venv when it exists
// (created by scripts/generate.d/python.sh or by hand, see below), else python3 from PATH.
// Without Python 3.11 and the SDK's dependencies the suites skip with a printed reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

import { pino } from 'pino';

import { isHookdError, PluginHost, type PluginManifest } from '../../src/host/index.ts';
import { parseManifest } from '../../src/host/manifest.ts';
import { runSuite, type SuiteRun } from './run-suite.ts';

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

// No bytecode or cache files in the work tree.
function runPytest(python: string, cwd: string): Promise<SuiteRun> {
  return runSuite(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd, env: { PYTHONDONTWRITEBYTECODE: '1' }, timeoutMs: SUITE_TIMEOUT_MS });
}

/** Probed once for both groups of tests. */
const found = findPython();

describe('Python plugin SDK and examples (pytest)', () => {
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

/** An example's manifest as the daemon would load it, run by the interpreter the suites use. */
function loadExampleManifest(example: string, python: string): PluginManifest {
  const file = join(ROOT, 'examples', example, 'manifest.json');
  const manifest = parseManifest(JSON.parse(readFileSync(file, 'utf8')), file);
  assert.ok(manifest.launch, `${file} launches its plugin`);
  assert.equal(manifest.launch.command, 'python3');
  // python3 on PATH may lack grpcio; the venv's interpreter stands in for it.
  return { ...manifest, launch: { ...manifest.launch, command: python }, startTimeoutMs: 30_000 };
}

async function withHost<T>(manifest: PluginManifest, use: (host: PluginHost) => Promise<T>): Promise<T> {
  const host = new PluginHost({ logger: pino({ level: 'silent' }), hostName: 'python-sdk-test', hostVersion: '0.0.0' });
  try {
    const [status] = await host.start([manifest]);
    assert.equal(status?.state, 'ready', `plugin ${manifest.name} did not start: ${JSON.stringify(status?.lastError)}`);
    return await use(host);
  } finally {
    await host.stop('test over');
  }
}

describe('the host runs the Python examples from their manifests', () => {
  const hostTimeoutMs = 90_000;

  it('volume-defaults fills default DriverOpts and Labels and refuses a disallowed driver', { timeout: hostTimeoutMs }, async (t) => {
    if ('missing' in found) return t.skip(`${found.missing}: ${INSTALL_HINT}`);
    await withHost(loadExampleManifest('python-volume-defaults', found.python), async (host) => {
      const created = await host.invoke('volume.preCreate', { config: { Name: 'data', Driver: '', Labels: null } });
      assert.deepEqual(created.document, {
        Name: 'data', Driver: '', DriverOpts: { size: '10G' },
        Labels: { 'io.hookd.volume.owner': 'platform', 'io.hookd.volume-defaults.defaulted': 'size' },
      });
      assert.ok(created.provenance.every((entry) => entry.plugin === 'volume-defaults'));

      await assert.rejects(host.invoke('volume.preCreate', { config: { Name: 'data', Driver: 'nfs' } }), (error) => {
        assert.ok(isHookdError(error), String(error));
        assert.equal(error.code, 'ERR_HOOK_REJECTED');
        assert.match(error.message, /volume driver "nfs" is not allowed on this host; allowed: local, tmpfs/);
        return true;
      });
    });
  });

  it('disk-quota moves the DiskQuota env var into the DiskQuota map, within its allowed paths', { timeout: hostTimeoutMs }, async (t) => {
    if ('missing' in found) return t.skip(`${found.missing}: ${INSTALL_HINT}`);
    await withHost(loadExampleManifest('python-quota', found.python), async (host) => {
      const created = await host.invoke('container.preCreate', {
        config: { Image: 'busybox', Env: ['A=1', 'DiskQuota=/=10g;/data=50g'], HostConfig: { Memory: 0 } },
        name: 'web',
      });
      assert.deepEqual(created.document, {
        Image: 'busybox', Env: ['A=1'], HostConfig: { Memory: 0 }, DiskQuota: { '/': '10g', '/data': '50g' },
      });
      const unchanged = await host.invoke('container.preCreate', { config: { Image: 'busybox', Env: ['A=1'] }, name: '' });
      assert.equal(unchanged.changed, false);
    });
  });
});
