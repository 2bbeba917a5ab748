// Chaos: plugins SIGKILLed under load against the real daemon. Clients loop volume create/remove
// (volume.preVolumeCreate runs in a launched plugin whose policy is `fail`, so every request needs
// it) while the plugin is SIGKILLed again and again, each time once it is back and serving. The
// plugin comes back well within its call timeout, so the goal is exact: 0 failed and 0 hung
// requests, and every created volume carries the plugin's label (the plugin really ran).
//
// Short form (npm test, CI): HOOKD_CHAOS_KILLS=10. Longer run: HOOKD_CHAOS_KILLS=100
// HOOKD_CHAOS_CLIENTS=7 node scripts/run-tests.mjs test/chaos (docs/chaos-and-fuzz.md).
// Loopback unix sockets only; everything lives in one temp dir, removed at the end.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DaemonProcess, fixtureManifest, makeWorkDir } from '../e2e/daemon-process.ts';

const KILLS = Number(process.env.HOOKD_CHAOS_KILLS ?? 10);
const CLIENTS = Number(process.env.HOOKD_CHAOS_CLIENTS ?? 4);
/** A request that has not answered in this long is hung (the plugin's timeout is 10 s). */
const HUNG_AFTER_MS = 30_000;
const PLUGIN = 'volume-defaults';

const work = await makeWorkDir();
after(() => work.remove());

interface Tally { ok: number; failed: string[]; hung: number }

function send(socketPath: string, method: string, path: string, body?: string): Promise<{ status: number; body: string } | 'hung'> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: { Host: 'docker', 'Content-Type': 'application/json' }, timeout: HUNG_AFTER_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('timeout', () => { req.destroy(); resolve('hung'); });
    req.on('error', reject);
    req.end(body);
  });
}

async function client(daemon: DaemonProcess, id: number, isRunning: () => boolean, tally: Tally): Promise<void> {
  for (let i = 0; isRunning(); i += 1) {
    const name = `chaos-${id}-${i}`;
    const created = await send(daemon.socketPath, 'POST', '/volumes/create', JSON.stringify({ Name: name }));
    if (created === 'hung') { tally.hung += 1; continue; }
    if (created.status !== 201 || !(JSON.parse(created.body) as { Labels?: Record<string, string> }).Labels?.['io.hookd.volume.owner']) {
      tally.failed.push(`create ${name}: ${created.status} ${created.body}`);
      continue;
    }
    const removed = await send(daemon.socketPath, 'DELETE', `/volumes/${name}`);
    if (removed === 'hung') tally.hung += 1;
    else if (removed.status !== 204) tally.failed.push(`remove ${name}: ${removed.status} ${removed.body}`);
    else tally.ok += 1;
  }
}

async function pluginStatus(daemon: DaemonProcess): Promise<{ state: string; pid?: number; restarts: number }> {
  const answer = await send(daemon.socketPath, 'GET', '/hookd/plugins');
  assert.notEqual(answer, 'hung');
  const listing = (JSON.parse((answer as { body: string }).body) as { Plugins: Array<{ name: string; state: string; pid?: number; restarts: number }> }).Plugins;
  return listing.find((plugin) => plugin.name === PLUGIN)!;
}

test(`${KILLS} SIGKILLs of a plugin under load from ${CLIENTS} clients: 0 failed, 0 hung requests`, { timeout: 60_000 + KILLS * 10_000 }, async () => {
  const daemon = await DaemonProcess.start({
    dir: join(work.dir, 'kills'),
    config: { runtime: 'process', logLevel: 'info' },
    manifests: {
      'volume-defaults.json': fixtureManifest(PLUGIN, 'volume-defaults.ts', {
        failurePolicy: 'fail', timeoutMs: 10_000,
        // Comes back within its timeout: short backoff, and no parking while the test kills it on purpose.
        restart: { maxFailures: KILLS + 10, initialBackoffMs: 50, maxBackoffMs: 500 },
      }),
    },
  });
  const tally: Tally = { ok: 0, failed: [], hung: 0 };
  let running = true;
  const clients = Array.from({ length: CLIENTS }, (_, id) => client(daemon, id, () => running, tally));
  try {
    for (let kill = 0; kill < KILLS; kill += 1) {
      const from = daemon.logs.length;
      const { pid, state } = await pluginStatus(daemon);
      assert.equal(state, 'ready', `before kill ${kill + 1}`);
      const servedBefore = tally.ok;
      await sleep(50 + Math.random() * 250); // the chaos schedule: a random point in the load
      process.kill(pid!, 'SIGKILL');
      await daemon.waitForLog((line) => line.plugin === PLUGIN && line.to === 'ready', from, `plugin ${PLUGIN} ready again after kill ${kill + 1}`);
      assert.ok(tally.ok >= servedBefore, 'the tally only grows');
    }
  } finally {
    running = false;
    await Promise.all(clients);
  }
  const status = await pluginStatus(daemon);
  await daemon.stop();
  assert.deepEqual(tally.failed, [], `failed requests: ${tally.failed.length} of ${tally.ok + tally.failed.length}`);
  assert.equal(tally.hung, 0, 'hung requests');
  assert.ok(tally.ok > KILLS, `requests served: ${tally.ok}`);
  assert.equal(status.state, 'ready');
  assert.ok(status.restarts >= KILLS, `restarts: ${status.restarts}`);
  process.stdout.write(`# chaos: ${KILLS} kills, ${CLIENTS} clients, ${tally.ok} create+remove pairs, 0 failed, 0 hung, ${status.restarts} restarts\n`);
});
