// Attached plugins (sidecars): the host dials an address it did not create, runs the same
// Describe → Configure → health sequence, and redials when the sidecar goes away and comes back.

import { tempDirRemovedAtExit } from '../../fixtures/temp-dir.ts';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it, type TestContext } from 'node:test';

import { PluginHost } from '../../../src/host/plugin-host.ts';
import type { PluginHandle } from '../../../src/host/types.ts';
import { attachedManifest, capturedLogger, FIXTURES_DIR, REPO_ROOT } from './fixture-manifest.ts';
import { recordStates, waitForState } from './observe.ts';
import { makeTestPki, openSslMissing } from '../../fixtures/test-pki.ts';

/** Runs the well-behaved fixture ourselves, as a sidecar would run, serving `address`. */
function runSidecar(t: TestContext, address: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `${FIXTURES_DIR}well-behaved.ts`], {
    cwd: REPO_ROOT,
    env: { ...process.env, HOOKD_PLUGIN_ADDRESS: address, HOOKD_PLUGIN_NAME: 'sidecar' },
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

function pull(handle: PluginHandle, imageRef: string) {
  return handle.call('ImagePostPull', { image_ref: imageRef }, { deadline: Date.now() + 5_000, hook: 'image.postPull' });
}

describe('attached plugins', { timeout: 60_000 }, () => {
  it('dials a sidecar, redials after it goes away and comes back, serves calls again, and sends it Shutdown on stop', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'hookd-sidecar-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const address = `unix://${join(dir, 'sidecar.sock')}`;
    let sidecar = runSidecar(t, address);

    const host = new PluginHost({ logger: capturedLogger().logger, hostName: 'hookd-test', hostVersion: '0.0.0' });
    t.after(() => host.stop('test over'));
    const states = recordStates(host);
    const [status] = await host.start([attachedManifest('sidecar', address, { config: { snapshotters: ['overlay-extra'] } })]);
    assert.equal(status?.state, 'ready');
    assert.equal(status?.kind, 'attached');
    assert.equal(status?.pid, undefined);
    const handle = host.plugins()[0]!;
    assert.deepEqual(await pull(handle, 'first'), { snapshotters: ['first', 'overlay-extra'] });

    const restarting = waitForState(host, 'restarting');
    const readyAgain = waitForState(host, 'ready');
    sidecar.kill('SIGKILL');
    await once(sidecar, 'exit');
    assert.match((await restarting).reason ?? '', /the connection was lost/);
    // A call made while the sidecar is away waits for the redial (within its deadline) and is served.
    const whileAway = pull(handle, 'while-away');
    sidecar = runSidecar(t, address);
    await readyAgain;
    assert.deepEqual(await whileAway, { snapshotters: ['while-away', 'overlay-extra'] });
    // Configure ran again on the new sidecar: the echo includes the manifest's config.
    assert.deepEqual(await pull(handle, 'second'), { snapshotters: ['second', 'overlay-extra'] });
    assert.deepEqual(states, ['starting', 'ready', 'restarting', 'starting', 'ready']);

    // Stopping the host sends Shutdown to the sidecar, which (like the SDKs) exits on it.
    const exited = once(sidecar, 'exit');
    await host.stop('daemon stopping');
    assert.deepEqual(await exited, [0, null]);
  });

  it('redials a sidecar whose manifest changed instead of telling it to exit, and it serves with the new config', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'hookd-sidecar-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const address = `unix://${join(dir, 'sidecar.sock')}`;
    const sidecar = runSidecar(t, address);
    let exited = false;
    sidecar.once('exit', () => { exited = true; });
    const host = new PluginHost({ logger: capturedLogger().logger, hostName: 'hookd-test', hostVersion: '0.0.0' });
    t.after(() => host.stop('test over'));
    await host.start([attachedManifest('sidecar', address, { config: { snapshotters: ['before'] } })]);
    const result = await host.reconcile([attachedManifest('sidecar', address, { config: { snapshotters: ['after'] } })]);
    assert.deepEqual(result.replaced, ['sidecar']);
    assert.equal(host.status()[0]?.state, 'ready');
    assert.deepEqual(await pull(host.plugins()[0]!, 'edited'), { snapshotters: ['edited', 'after'] });
    assert.equal(exited, false, 'the sidecar was not sent Shutdown');
  });

  it('attaches to a TCP sidecar over mutual TLS and is refused without a client certificate', { skip: openSslMissing() }, async (t) => {
    const dir = tempDirRemovedAtExit('hookd-tls-');
    t.after(() => rm(dir, { recursive: true, force: true }));
    const pki = makeTestPki(dir, { subjectAltName: 'DNS:localhost,IP:127.0.0.1', serverName: 'localhost' });
    const sidecar = spawn(process.execPath, ['--import', 'tsx', `${FIXTURES_DIR}well-behaved.ts`], {
      cwd: REPO_ROOT,
      env: { ...process.env, HOOKD_PLUGIN_ADDRESS: '127.0.0.1:0', HOOKD_PLUGIN_NAME: 'secure', FIXTURE_TLS_CERT: pki.serverCert, FIXTURE_TLS_KEY: pki.serverKey, FIXTURE_TLS_CA: pki.ca },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    t.after(() => sidecar.kill('SIGKILL'));
    const [line] = (await once(createInterface({ input: sidecar.stdout! }), 'line')) as [string];
    const address = `127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;

    const host = new PluginHost({ logger: capturedLogger().logger, hostName: 'hookd-test', hostVersion: '0.0.0' });
    t.after(() => host.stop('test over'));
    const [secure, anonymous] = await host.start([
      attachedManifest('secure', address, { attach: { address, tls: { caFile: pki.ca, certFile: pki.clientCert, keyFile: pki.clientKey, serverName: 'localhost' } } }),
      attachedManifest('anonymous', address, { attach: { address, tls: { caFile: pki.ca, serverName: 'localhost' } }, startTimeoutMs: 1_500, restart: { maxFailures: 1 } }),
    ]);
    assert.equal(secure?.state, 'ready');
    assert.deepEqual(await pull(host.plugins()[0]!, 'over-tls'), { snapshotters: ['over-tls'] });
    assert.equal(anonymous?.state, 'failed');
    assert.match(anonymous?.lastError?.message ?? '', /did not become ready within 1500 ms/);
  });

  it('refuses a TCP address without TLS, naming the plugin', async (t) => {
    const host = new PluginHost({ logger: capturedLogger().logger, hostName: 'hookd-test', hostVersion: '0.0.0' });
    t.after(() => host.stop('test over'));
    const states = recordStates(host);
    const [status] = await host.start([attachedManifest('plaintext', '127.0.0.1:1')]);
    assert.deepEqual(states, ['starting', 'failed'], 'parked at once: retrying cannot fix a manifest');
    assert.equal(status?.lastError?.code, 'ERR_MANIFEST_INVALID');
    assert.equal(status?.lastError?.message, 'manifest <inline>: field "attach.tls" is required: plugin "plaintext" is attached over TCP (127.0.0.1:1)');
  });
});
