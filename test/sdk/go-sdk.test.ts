// Runs `go test ./...` in the Go plugin SDK and in every examples/go-* module as part of
// `npm test`, so that the project has one test command. Each module is its own `go test` process
// in its own directory. Without `go` on PATH the suites skip with a printed reason; CI installs Go
// >= 1.25 (the SDK needs 1.24, examples/go-env-files 1.25) so that nothing is skipped there.
// Modules come from the Go module proxy on first use. Then the Go examples are built and run
// under the real host (src/host), to prove the two languages agree on the wire.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Writable } from 'node:stream';

import { pino } from 'pino';

import { parseManifest } from '../../src/host/manifest.ts';
import { PluginHost } from '../../src/host/plugin-host.ts';
import { runSuite, type SuiteRun } from './run-suite.ts';

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

// -count=1: always run (no cached "ok"), since the suites start real processes.
function runGoTest(cwd: string): Promise<SuiteRun> {
  return runSuite('go', ['test', './...'], { cwd, env: { GOFLAGS: '-count=1' }, timeoutMs: SUITE_TIMEOUT_MS });
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

// The examples as the daemon runs them: built by their build.sh, loaded from their manifest.json,
// launched and called by the real host. This is the cross-language proof: a Go plugin and the
// TypeScript host agree on the handshake, the document replies, the merge's provenance and stop.
describe('Go example plugins under the real hookd host', { timeout: SUITE_TIMEOUT_MS }, () => {
  const found = findGo();
  const logger = pino({ level: 'warn' }, new Writable({ write: (_chunk, _encoding, done) => done() }));
  const host = new PluginHost({ logger, hostName: 'hookd-test', hostVersion: '0.0.0', stopGraceMs: 2_000 });
  const examples = ['go-endpoint-params', 'go-env-files'];

  before(async () => {
    if ('missing' in found) return;
    for (const example of examples) {
      const build = await runSuite('bash', ['build.sh'], { cwd: join(ROOT, 'examples', example), timeoutMs: SUITE_TIMEOUT_MS });
      assert.equal(build.code, 0, `examples/${example}/build.sh failed:\n${build.output}`);
    }
    const manifests = examples.map((example) => {
      const file = join(ROOT, 'examples', example, 'manifest.json');
      return parseManifest(JSON.parse(readFileSync(file, 'utf8')), file);
    });
    const statuses = await host.start(manifests);
    assert.deepEqual(statuses.map((status) => [status.name, status.state, status.lastError?.message]),
      examples.map((example) => [example, 'ready', undefined]));
  });
  after(() => host.stop('test over'));

  it('derives endpoint GenericParams, Priority and DisableResolver, keeping the fields it does not know', async (t) => {
    if ('missing' in found) return t.skip(`${found.missing}; ${INSTALL_HINT}`);
    const result = await host.invoke('container.preCreateEndpoint', {
      endpoint: { Name: 'bridge', ID: 'ep1', Priority: 0, GenericParams: { keep: 'me' }, EndpointConfig: { Links: null }, Vendor: [1] },
      containerId: 'c1', env: ['RequestedIP=10.0.0.9', 'alinet_vlan=3', 'HOME=/root'], phase: 'ENDPOINT_PHASE_CREATE',
    });
    const document = result.document as Record<string, unknown>;
    assert.deepEqual(document.GenericParams, {
      keep: 'me', alinet_vlan: '3', 'com.docker.network.endpoint.macaddress': '02:42:0a:00:00:09',
    });
    assert.equal(document.DisableResolver, true);
    assert.ok(typeof document.Priority === 'number' && document.Priority > 0, `Priority = ${String(document.Priority)}`);
    assert.deepEqual([document.ID, document.EndpointConfig, document.Vendor], ['ep1', { Links: null }, [1]]);
    assert.deepEqual(result.provenance.map((entry) => `${entry.plugin} ${entry.action} ${entry.path}`).sort(), [
      'go-endpoint-params set DisableResolver',
      'go-endpoint-params set GenericParams[alinet_vlan]',
      'go-endpoint-params set GenericParams[com.docker.network.endpoint.macaddress]',
      'go-endpoint-params set Priority',
    ]);
  });

  it('writes the updated env into the rootfs on container.postUpdate', async (t) => {
    if ('missing' in found) return t.skip(`${found.missing}; ${INSTALL_HINT}`);
    const rootfs = mkdtempSync(join(tmpdir(), 'hookd-rootfs-'));
    try {
      const result = await host.invoke('container.postUpdate', { containerId: 'c1', rootfs, env: ['A=1', "B=it's", 'HOME=/root'] });
      assert.deepEqual(result.called, ['go-env-files']);
      const profile = readFileSync(join(rootfs, 'etc/profile.d/hookd-env.sh'), 'utf8');
      assert.match(profile, /^export A='1'\nexport B='it'\\''s'\n$/m);
      assert.ok(!profile.includes('HOME'), profile);
      assert.ok(readFileSync(join(rootfs, 'etc/instanceInfo'), 'utf8').endsWith("A=1\nB=it's\n"));
    } finally {
      rmSync(rootfs, { recursive: true, force: true });
    }
  });
});
