// `hookd plugin test --address` checks a sidecar the operator started: here the Node example,
// run with HOOKD_LISTEN on a unix socket as docker-compose would run it. Launch-only checks
// (run by hand, stdout, stdin close) do not apply and are not listed; Shutdown still ends it.
// Over TCP the kit speaks mutual TLS with the certificates it is given.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { it } from 'node:test';

import { ROOT, runKit } from './run-kit.ts';
import { makeTestPki, openSslMissing } from '../../fixtures/test-pki.ts';

it('passes the Node example run as a sidecar on a unix socket, and Shutdown ends the sidecar', { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'hookd-sidecar-'));
  const address = `unix://${join(dir, 'legacy-env.sock')}`;
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('HOOKD_')));
  const sidecar = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(ROOT, 'examples/node-legacy-env'),
    env: { ...env, HOOKD_LISTEN: address },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  sidecar.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  sidecar.stderr.resume();
  const exited = once(sidecar, 'exit');
  try {
    const config = JSON.stringify({ jvmCgroupCapabilities: ['SYS_ADMIN'], memoryVariable: 'ali_memory' });
    // The kit retries Describe until the start timeout, so there is no need to wait for the socket.
    const run = await runKit(['--address', address, '--name', 'legacy-env', '--config', config, '--timeout-ms', '30000']);
    assert.equal(run.exitCode, 0, run.report);
    for (const id of ['start', 'describe', 'health', 'configure', 'hook container.preCreate', 'concurrency', 'shutdown']) {
      assert.equal(run.marks.get(id), '✔', `check ${id}:\n${run.report}`);
    }
    for (const id of ['run-by-hand', 'stdout', 'stdin-close', 'sigterm']) assert.equal(run.marks.has(id), false, `${id} is launch-only:\n${run.report}`);
    const [code] = await exited;
    assert.equal(code, 0, 'the sidecar exits 0 after Shutdown');
    assert.equal(stdout, '', 'the SDK writes nothing to stdout');
  } finally {
    if (sidecar.exitCode === null && sidecar.signalCode === null) sidecar.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

it('refuses a TCP address without TLS before contacting anything, with exit status 2', async () => {
  const run = await runKit(['--address', '127.0.0.1:1']);
  assert.equal(run.exitCode, 2);
  assert.match(run.report, /TLS is required/);
});

it('checks a TCP sidecar over mutual TLS with --ca, --cert and --key', { skip: openSslMissing(), timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'hookd-conformance-tls-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const pki = makeTestPki(dir, { subjectAltName: 'DNS:localhost,IP:127.0.0.1', serverName: 'localhost', caName: 'conformance-test-ca' });
  // The host's well-behaved fixture serves TLS when FIXTURE_TLS_* name PEM files, on port 0, and
  // prints the port it got on stdout.
  const sidecar = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fixtures/plugins/well-behaved.ts')], {
    cwd: ROOT,
    env: { ...process.env, HOOKD_PLUGIN_ADDRESS: '127.0.0.1:0', HOOKD_PLUGIN_NAME: 'secure', FIXTURE_TLS_CERT: pki.serverCert, FIXTURE_TLS_KEY: pki.serverKey, FIXTURE_TLS_CA: pki.ca },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  t.after(() => {
    if (sidecar.exitCode === null && sidecar.signalCode === null) sidecar.kill('SIGKILL');
  });
  const [line] = (await once(createInterface({ input: sidecar.stdout! }), 'line')) as [string];
  const address = `127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;

  const run = await runKit(['--address', address, '--ca', pki.ca, '--cert', pki.clientCert, '--key', pki.clientKey, '--server-name', 'localhost', '--name', 'secure']);
  assert.equal(run.exitCode, 0, run.report);
  for (const id of ['start', 'health', 'configure', 'hook container.preCreate', 'hook image.postPull', 'concurrency', 'shutdown']) {
    assert.equal(run.marks.get(id), '✔', `check ${id}:\n${run.report}`);
  }
  // The fixture lists hook value 99, which no host knows: worth a warning, not a failure.
  assert.equal(run.marks.get('describe'), '⚠', run.report);
  assert.match(run.report, /hooks\[4\] is 99, which this host does not know/);
});
