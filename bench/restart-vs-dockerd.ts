// Daemon restart with N containers on record (issue 15), hookd beside a private Debian dockerd in
// one run, interleaved: the time from spawning the daemon until /_ping answers. hookd is measured
// three ways, so the plugins' share is visible: no plugins; 4 plugins as shipped (the bundled
// bench no-op, bench/dist/noop-plugin.js); 4 plugins through tsx (test/e2e fixtures, how
// bench/lifecycle-vs-dockerd.ts measured it first). The records are created, never started
// (as in that bench), plus HOOKD_BENCH_EXITED of them started and exited.
// Usage (root; dockerd, conmon, runc, busybox-static; `npm run build` first):
//   node --import tsx bench/restart-vs-dockerd.ts
// Env: HOOKD_BENCH_RECORDS (200), HOOKD_BENCH_EXITED (0), HOOKD_BENCH_RESTARTS (5).

import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { buildBusyboxRootfsTarball } from '../test/fixtures/rootfs.ts';
import { DaemonProcess, fixtureManifest, makeWorkDir } from '../test/e2e/daemon-process.ts';
import { EngineClient, pingOrExit } from './engines/engine-client.ts';
import { PrivateDockerd } from './engines/private-dockerd.ts';
import { formatMs, formatRatio } from './stats.ts';

const RECORDS = Number(process.env.HOOKD_BENCH_RECORDS ?? 200);
const EXITED = Number(process.env.HOOKD_BENCH_EXITED ?? 0);
const RESTARTS = Number(process.env.HOOKD_BENCH_RESTARTS ?? 5);
const IMAGE = 'busybox:bench';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Engine {
  name: string;
  client: EngineClient;
  restart(): Promise<number>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timeMs(operation: () => Promise<unknown>): Promise<number> {
  const began = performance.now();
  await operation();
  return performance.now() - began;
}

async function createRecords(client: EngineClient): Promise<void> {
  for (let i = 0; i < RECORDS; i++) {
    const started = i < EXITED;
    const { Id } = JSON.parse(await client.ok('POST', '/containers/create', { Image: IMAGE, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } })) as { Id: string };
    if (started) {
      await client.ok('POST', `/containers/${Id}/start`);
      await client.ok('POST', `/containers/${Id}/wait`);
    }
  }
}

function bundledManifests(): Record<string, Record<string, unknown>> {
  return Object.fromEntries([1, 2, 3, 4].map((n) => [`${n}0-noop.json`, {
    name: `noop-${n}`, launch: { command: process.execPath, args: [join(ROOT, 'bench/dist/noop-plugin.js')] }, order: n * 10, startTimeoutMs: 60_000,
  }]));
}

function tsxManifests(): Record<string, Record<string, unknown>> {
  return Object.fromEntries([1, 2, 3, 4].map((n) => [`${n}0-label.json`, fixtureManifest(`label-${n}`, 'sets-label.ts', { order: n * 10, config: { label: `bench.${n}`, value: 'yes' } })]));
}

async function hookdEngine(name: string, dir: string, tarball: string, manifests: Record<string, Record<string, unknown>>): Promise<{ engine: Engine; daemon: DaemonProcess }> {
  const daemon = await DaemonProcess.start({ dir, config: { runtime: 'runc', logLevel: 'warn' }, manifests });
  const imported = await daemon.cli(['import', tarball, IMAGE]);
  if (imported.exitCode !== 0) throw new Error(imported.stderr);
  const client = new EngineClient(daemon.socketPath);
  const restart = async (): Promise<number> => {
    await daemon.stop();
    return timeMs(async () => { await daemon.spawn(); await pingOrExit(daemon); });
  };
  return { engine: { name, client, restart }, daemon };
}

async function main(): Promise<void> {
  const reason = await PrivateDockerd.missingReason();
  if (reason) {
    console.log(`skipped: ${reason}`);
    return;
  }
  // makeWorkDir unmounts the records' overlay rootfs (they outlive a stopped daemon) before removing.
  const { dir, remove } = await makeWorkDir();
  const tarball = await buildBusyboxRootfsTarball(dir);
  if (!tarball) throw new Error('busybox-static is not installed');
  const dockerd = new PrivateDockerd(join(dir, 'dockerd'));
  const daemons: DaemonProcess[] = [];
  try {
    await dockerd.start();
    await dockerd.importImage(tarball, IMAGE);
    const engines: Engine[] = [{ name: 'dockerd', client: dockerd.client, restart: async () => { await dockerd.stop(); return dockerd.start(); } }];
    for (const [name, manifests] of [['hookd, no plugins', {}], ['hookd, 4 plugins as shipped (bundled)', bundledManifests()], ['hookd, 4 plugins through tsx', tsxManifests()]] as const) {
      const { engine, daemon } = await hookdEngine(name, join(dir, `hookd-${daemons.length}`), tarball, manifests);
      daemons.push(daemon);
      engines.push(engine);
    }
    for (const engine of engines) await createRecords(engine.client);
    const dockerdVersion = (await execa('dockerd', ['--version'])).stdout.trim();
    console.log(`# ${new Date().toISOString()}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${RECORDS} records (${EXITED} ran and exited); ${RESTARTS} restarts each, interleaved; ${dockerdVersion}`);
    const times = new Map<string, number[]>(engines.map((engine) => [engine.name, []]));
    for (let round = 0; round < RESTARTS; round++) {
      for (const engine of round % 2 === 0 ? engines : [...engines].reverse()) times.get(engine.name)!.push(await engine.restart());
    }
    console.log(`# load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const anchor = median(times.get('dockerd')!);
    console.log(`\n## daemon restart with ${RECORDS} containers on record (spawn until /_ping answers; median of ${RESTARTS})`);
    console.log('| daemon | median | min | / dockerd (median) |');
    console.log('|---|---|---|---|');
    for (const engine of engines) {
      const samples = times.get(engine.name)!;
      console.log(`| ${engine.name} | ${formatMs(median(samples))} | ${formatMs(Math.min(...samples))} | ${formatRatio(median(samples), anchor)} |`);
    }
  } finally {
    for (const daemon of daemons) await daemon.stop();
    await dockerd.stop();
    await remove();
  }
}

await main();
