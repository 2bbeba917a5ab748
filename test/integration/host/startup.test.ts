// Start-up of launched plugins: readiness is the first Describe, and every way a start can go
// wrong ends in a clear, parked state instead of a hang.

import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';

import { PluginHost } from '../../../src/host/plugin-host.ts';
import { capturedLogger, launchedManifest } from './fixture-manifest.ts';
import { isAlive, recordStates, waitForState } from './observe.ts';

function newHost(t: TestContext) {
  const log = capturedLogger();
  const host = new PluginHost({ logger: log.logger, hostName: 'hookd-test', hostVersion: '0.0.0', stopGraceMs: 2_000 });
  t.after(() => host.stop('test over'));
  return { host, log };
}

describe('plugin start-up', { timeout: 60_000 }, () => {
  it('becomes ready on the first Describe even when the plugin prints to stdout first', async (t) => {
    const { host, log } = newHost(t);
    const states = recordStates(host);
    const [status] = await host.start([launchedManifest('chatty', 'well-behaved', { env: { FIXTURE_PRINT_STDOUT: '1' } })]);
    assert.equal(status?.state, 'ready');
    assert.deepEqual(states, ['starting', 'ready']);
    assert.equal(status?.protocolVersion, '1');
    assert.equal(status?.version, '0.0.1-fixture');
    assert.deepEqual(status?.hooks, ['container.preCreate', 'daemon.preStop', 'image.postPull', 'volume.preCreate']);
    assert.ok(status?.pid && isAlive(status.pid));

    const forwarded = log.records.filter((record) => record.plugin === 'chatty' && record.stream === 'stdout');
    assert.deepEqual(forwarded.map((record) => [record.level, record.msg]), [
      [30, 'hello from a chatty plugin, which is not a handshake line'],
      [50, 'a JSON error line keeps its level'],
      [20, 'so does a named level'],
    ]);
    assert.ok(log.records.some((record) => record.level === 40 && /hook 99, which this host does not know/.test(String(record.msg))));
  });

  it('restarts a plugin that exits before ready, then parks it as failed with its stderr in status', async (t) => {
    const { host } = newHost(t);
    const states = recordStates(host);
    const [status] = await host.start([launchedManifest('doomed', 'exits-before-ready', { restart: { maxFailures: 3 } })]);
    assert.deepEqual(states, ['starting', 'restarting', 'starting', 'restarting', 'starting', 'failed']);
    assert.equal(status?.state, 'failed');
    assert.equal(status?.restarts, 2);
    assert.equal(status?.consecutiveFailures, 3);
    assert.equal(status?.lastError?.code, 'ERR_PLUGIN_CRASH_LOOP');
    assert.match(status?.lastError?.message ?? '', /plugin "doomed" is parked after 3 failed starts in a row/);
    assert.match(status?.lastError?.message ?? '', /exited with code 3 before it was ready; last stderr: fixture: cannot read \/nonexistent/);
  });

  it('gives up on a plugin that hangs before ready with ERR_PLUGIN_START_TIMEOUT and kills it', async (t) => {
    const { host, log } = newHost(t);
    const startTimeoutMs = 1_500;
    const starting = waitForState(host, 'starting');
    const failed = waitForState(host, 'failed');
    await host.start([launchedManifest('sleepy', 'hangs-before-ready', { startTimeoutMs, restart: { maxFailures: 1 } })]);
    const elapsedMs = Date.parse((await failed).at) - Date.parse((await starting).at);
    assert.ok(elapsedMs >= startTimeoutMs && elapsedMs < startTimeoutMs + 3_000, `failed after ${elapsedMs} ms`);

    const [status] = host.status();
    assert.equal(status?.lastError?.code, 'ERR_PLUGIN_CRASH_LOOP');
    assert.match(status?.lastError?.message ?? '', /did not become ready within 1500 ms/);
    const launched = log.records.find((record) => record.msg === 'plugin sleepy launched');
    assert.ok(launched, 'the launch was logged with its pid');
    await host.stop('test over'); // waits for the parked attempt to finish closing
    assert.equal(isAlive(Number(launched.pid)), false, 'the hung plugin is killed');
  });

  it('refuses a plugin with no common protocol version, naming both sides, and does not restart it', async (t) => {
    const { host } = newHost(t);
    const states = recordStates(host);
    const [status] = await host.start([launchedManifest('future', 'wrong-protocol')]);
    assert.deepEqual(states, ['starting', 'failed']);
    assert.equal(status?.lastError?.code, 'ERR_PLUGIN_PROTOCOL_MISMATCH');
    assert.equal(status?.lastError?.message, 'plugin "future" speaks protocol versions [7, 8] but the host speaks [1]');
    assert.equal(status?.restarts, 0);
  });

  it('parks a plugin that rejects its configuration, with the plugin\'s own message', async (t) => {
    const { host } = newHost(t);
    const states = recordStates(host);
    const [status] = await host.start([launchedManifest('picky', 'well-behaved', { config: { reject: 'quota.limit must be a number' } })]);
    assert.deepEqual(states, ['starting', 'failed']);
    assert.equal(status?.lastError?.code, 'ERR_PLUGIN_CONFIGURE_FAILED');
    assert.equal(status?.lastError?.message, 'plugin "picky" rejected its configuration: quota.limit must be a number');
  });

  it('parks a plugin whose command cannot be spawned, saying why', async (t) => {
    const { host } = newHost(t);
    const manifest = launchedManifest('ghost', 'well-behaved', { restart: { maxFailures: 2 } });
    manifest.launch!.command = '/nonexistent/hookd-plugin-binary';
    const [status] = await host.start([manifest]);
    assert.equal(status?.state, 'failed');
    assert.match(status?.lastError?.message ?? '', /plugin "ghost" could not be started: .*ENOENT/);
  });

  it('starts several plugins in parallel and settles each one, ready or failed', async (t) => {
    const { host } = newHost(t);
    const statuses = await host.start([
      launchedManifest('good', 'well-behaved'),
      launchedManifest('future', 'wrong-protocol'),
      launchedManifest('off', 'well-behaved', { enabled: false }),
    ]);
    assert.deepEqual(statuses.map((status) => [status.name, status.state]), [['good', 'ready'], ['future', 'failed']]);
  });
});
