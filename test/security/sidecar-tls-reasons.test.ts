// A TLS sidecar that fails the handshake is reported with the certificate's fault, not only "did
// not become ready": certificates made with openssl that are wrong in one way each (signed by
// another CA, for another name, expired) and a host without the client certificate the plugin
// requires. The warning is logged when the channel fails, and the start timeout carries it.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test, type TestContext } from 'node:test';
import { PluginHost } from '../../src/host/plugin-host.ts';
import { attachedManifest, capturedLogger, FIXTURES_DIR, REPO_ROOT } from '../integration/host/fixture-manifest.ts';
import { scratchDir } from '../fixtures/rootfs.ts';

let work: { dir: string; remove: () => Promise<void> };
let skipReason: string | undefined;

before(async () => {
  work = await scratchDir('hookd-tls-reasons-');
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    skipReason = 'openssl is not installed, so no test certificates can be made';
    console.log(`# skipping the TLS failure reasons: ${skipReason}`);
  }
});
after(() => work.remove());

const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: work.dir, stdio: 'ignore' });

function makeCa(name: string): void {
  openssl('req', '-x509', ...NEW_KEY, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${name}`);
}

/** A certificate `name` signed by `ca`, for `san`, valid for `days` (negative: already expired). */
function makeCert(name: string, ca: string, san: string, days: number, usage = 'serverAuth'): { cert: string; key: string } {
  writeFileSync(join(work.dir, `${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=${usage}\n`);
  openssl('req', ...NEW_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', String(days), '-extfile', `${name}.ext`);
  return { cert: join(work.dir, `${name}.pem`), key: join(work.dir, `${name}.key`) };
}

/** The well-behaved fixture serving TLS with `server`; `clientCa` makes it require client certificates. */
async function runTlsSidecar(t: TestContext, server: { cert: string; key: string }, clientCa?: string): Promise<string> {
  const sidecar = spawn(process.execPath, ['--import', 'tsx', `${FIXTURES_DIR}well-behaved.ts`], {
    cwd: REPO_ROOT,
    env: { ...process.env, HOOKD_PLUGIN_ADDRESS: '127.0.0.1:0', HOOKD_PLUGIN_NAME: 'tls', FIXTURE_TLS_CERT: server.cert, FIXTURE_TLS_KEY: server.key, ...(clientCa ? { FIXTURE_TLS_CA: clientCa } : {}) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  t.after(() => sidecar.kill('SIGKILL'));
  const [line] = (await once(createInterface({ input: sidecar.stdout! }), 'line')) as [string];
  return `127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
}

/** Attaches with `tls`; returns the start error's message and the TLS warning logged. */
async function attach(t: TestContext, address: string, tls: Record<string, string>): Promise<{ error: string; warning: string }> {
  const { logger, records } = capturedLogger();
  const host = new PluginHost({ logger, hostName: 'hookd-test', hostVersion: '0.0.0' });
  t.after(() => host.stop('test over'));
  const [status] = await host.start([attachedManifest('tls-sidecar', address, { attach: { address, tls }, startTimeoutMs: 2_000, restart: { maxFailures: 1 } })]);
  assert.equal(status?.state, 'failed');
  const warning = records.find((record) => String(record.msg).includes('TLS handshake failed'));
  return { error: status?.lastError?.message ?? '', warning: String(warning?.msg ?? '') };
}

const cases: Array<{ title: string; make: () => { server: { cert: string; key: string }; tls: Record<string, string>; clientCa?: string }; reason: RegExp }> = [
  {
    title: 'a certificate signed by a CA the host does not trust is reported as an unknown CA',
    make: () => ({ server: makeCert('by-other-ca', 'other-ca', 'DNS:localhost,IP:127.0.0.1', 1), tls: { caFile: join(work.dir, 'trusted-ca.pem'), serverName: 'localhost' } }),
    reason: /not signed by the CA in attach\.tls\.caFile \(unknown CA/,
  },
  {
    title: 'a certificate for another name is reported as a name mismatch naming the expected name',
    make: () => ({ server: makeCert('other-name', 'trusted-ca', 'DNS:elsewhere.example', 1), tls: { caFile: join(work.dir, 'trusted-ca.pem'), serverName: 'localhost' } }),
    reason: /does not name "localhost" \(name mismatch/,
  },
  {
    title: 'an expired certificate is reported as expired',
    make: () => ({ server: makeCert('expired', 'trusted-ca', 'DNS:localhost,IP:127.0.0.1', -1), tls: { caFile: join(work.dir, 'trusted-ca.pem'), serverName: 'localhost' } }),
    reason: /certificate has expired/,
  },
  {
    title: 'a plugin that requires a client certificate the host does not send is reported as refusing the host',
    make: () => ({
      server: makeCert('needs-client', 'trusted-ca', 'DNS:localhost,IP:127.0.0.1', 1),
      tls: { caFile: join(work.dir, 'trusted-ca.pem'), serverName: 'localhost' },
      clientCa: join(work.dir, 'trusted-ca.pem'),
    }),
    reason: /refused the host's client certificate/,
  },
];

for (const { title, make, reason } of cases) {
  test(title, async (t) => {
    if (skipReason) return t.skip(skipReason);
    makeCa('trusted-ca');
    makeCa('other-ca');
    const { server, tls, clientCa } = make();
    const address = await runTlsSidecar(t, server, clientCa);
    const { error, warning } = await attach(t, address, tls);
    assert.match(warning, reason, `logged when the channel failed: ${warning}`);
    assert.match(error, /did not become ready within 2000 ms \(no successful Describe\): TLS handshake failed: /);
    assert.match(error, reason);
  });
}
