// hookd (4 plugins, containers under conmon + runc) side by side with Debian's dockerd (a private
// one, containerd-shim-runc-v2 + runc) on the same machine, interleaved, printed as ratios:
//   1. lifecycle create + start + wait + rm of busybox `true`, --network none, per step;
//   2. resident memory per idle running container outside the container's own processes
//      (conmon vs containerd-shim-runc-v2);
//   3. N containers running: daemon + monitors RSS, and `docker ps` latency;
//   4. daemon restart with 200 containers on record: time until /_ping answers.
// Usage (root, dockerd + conmon + runc + busybox-static): node --import tsx bench/lifecycle-vs-dockerd.ts
// Env: HOOKD_BENCH_LIFECYCLES (30), HOOKD_BENCH_RUNNING (100), HOOKD_BENCH_RECORDS (200).

import { join } from 'node:path';
import { execa } from 'execa';
import { buildBusyboxRootfsTarball, scratchDir } from '../test/fixtures/rootfs.ts';
import { DaemonProcess, fixtureManifest } from '../test/e2e/daemon-process.ts';
import { EngineClient, pingOrExit } from './engines/engine-client.ts';
import { PrivateDockerd } from './engines/private-dockerd.ts';
import { pidsWithCmdline, processTree, totalRssKiB } from './engines/process-memory.ts';
import { formatMs, formatRatio, summarize } from './stats.ts';

const LIFECYCLES = Number(process.env.HOOKD_BENCH_LIFECYCLES ?? 30);
const RUNNING = Number(process.env.HOOKD_BENCH_RUNNING ?? 100);
const RECORDS = Number(process.env.HOOKD_BENCH_RECORDS ?? 200);
const IMAGE = 'busybox:bench';
const STEPS = ['create', 'start', 'wait', 'rm'] as const;
type Step = (typeof STEPS)[number];

interface Engine {
  name: 'hookd' | 'dockerd';
  client: EngineClient;
  /** Pids of the monitors of running containers (conmon / containerd-shim-runc-v2). */
  monitorPids(): Promise<number[]>;
  /** Pids of the daemon side (hookd + its plugins / dockerd + containerd). */
  daemonPids(): Promise<number[]>;
  restart(): Promise<number>;
}

async function lifecycle(client: EngineClient, cmd: string[]): Promise<Record<Step, number>> {
  const times = {} as Record<Step, number>;
  let at = performance.now();
  const lap = (step: Step): void => { const now = performance.now(); times[step] = now - at; at = now; };
  const { Id } = JSON.parse(await client.ok('POST', '/containers/create', { Image: IMAGE, Cmd: cmd, HostConfig: { NetworkMode: 'none' } })) as { Id: string };
  lap('create');
  await client.ok('POST', `/containers/${Id}/start`);
  lap('start');
  await client.ok('POST', `/containers/${Id}/wait`);
  lap('wait');
  await client.ok('DELETE', `/containers/${Id}?force=1`);
  lap('rm');
  return times;
}

async function startDetached(client: EngineClient, count: number, cmd: string[], start: boolean): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { Id } = JSON.parse(await client.ok('POST', '/containers/create', { Image: IMAGE, Cmd: cmd, HostConfig: { NetworkMode: 'none' } })) as { Id: string };
    if (start) await client.ok('POST', `/containers/${Id}/start`);
    ids.push(Id);
  }
  return ids;
}

async function removeAll(client: EngineClient, ids: string[]): Promise<void> {
  for (const id of ids) await client.ok('DELETE', `/containers/${id}?force=1`);
}

async function timeMs(operation: () => Promise<unknown>): Promise<number> {
  const began = performance.now();
  await operation();
  return performance.now() - began;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const reason = await PrivateDockerd.missingReason();
  if (reason) {
    console.log(`skipped: ${reason}`);
    return;
  }
  const { dir, remove } = await scratchDir('hookd-bench-');
  const tarball = await buildBusyboxRootfsTarball(dir);
  if (!tarball) throw new Error('busybox-static is not installed');
  const dockerd = new PrivateDockerd(join(dir, 'dockerd'));
  const plugins = Object.fromEntries([1, 2, 3, 4].map((n) => [`${n}0-label.json`, fixtureManifest(`label-${n}`, 'sets-label.ts', { order: n * 10, config: { label: `bench.${n}`, value: 'yes' } })]));
  const hookd = await DaemonProcess.start({ dir: join(dir, 'hookd'), config: { runtime: 'runc', logLevel: 'warn' }, manifests: plugins });
  try {
    await dockerd.start();
    await dockerd.importImage(tarball, IMAGE);
    const imported = await hookd.cli(['import', tarball, IMAGE]);
    if (imported.exitCode !== 0) throw new Error(imported.stderr);
    const engines: Engine[] = [
      {
        name: 'hookd', client: new EngineClient(hookd.socketPath),
        monitorPids: () => pidsWithCmdline(['conmon', '--socket-dir-path', join(hookd.dir, 'run')]),
        daemonPids: () => processTree(hookd.child!.pid!).then((pids) => pids.filter((pid) => pid !== undefined)),
        restart: async () => { await hookd.stop(); return timeMs(async () => { await hookd.spawn(); await pingOrExit(hookd); }); },
      },
      {
        name: 'dockerd', client: dockerd.client,
        monitorPids: () => pidsWithCmdline(['containerd-shim-runc-v2', '-namespace', 'hookd-bench']),
        daemonPids: async () => [...(await pidsWithCmdline(['dockerd', '--data-root', dockerd.dir])), ...(await pidsWithCmdline(['containerd', '--config', dockerd.dir]))],
        restart: async () => { await dockerd.stop(); return dockerd.start(); },
      },
    ];
    const daemonPidsNoMonitors = async (engine: Engine): Promise<number[]> => {
      const monitors = new Set(await engine.monitorPids());
      const tree = engine.name === 'hookd' ? await engine.daemonPids() : await engine.daemonPids();
      return tree.filter((pid) => !monitors.has(pid));
    };
    const dockerdVersion = (await execa('dockerd', ['--version'])).stdout.trim();
    console.log(`# ${new Date().toISOString()}; ${LIFECYCLES} lifecycles each, interleaved; hookd with 4 plugins under conmon + runc; ${dockerdVersion}`);

    // 1. Lifecycle, interleaved (one hookd, one dockerd, ...), after two warm-up rounds each.
    for (const engine of engines) for (let i = 0; i < 2; i++) await lifecycle(engine.client, ['true']);
    const samples: Record<string, Record<Step | 'total', number[]>> = {};
    for (const engine of engines) samples[engine.name] = { create: [], start: [], wait: [], rm: [], total: [] };
    for (let i = 0; i < LIFECYCLES; i++) {
      for (const engine of i % 2 === 0 ? engines : [...engines].reverse()) {
        const times = await lifecycle(engine.client, ['true']);
        const row = samples[engine.name]!;
        for (const step of STEPS) row[step].push(times[step] * 1e6);
        row.total.push(STEPS.reduce((sum, step) => sum + times[step], 0) * 1e6);
      }
    }
    console.log('\n## lifecycle (p50 / mean), --network none');
    console.log('| step | hookd | dockerd | hookd / dockerd (p50) |');
    console.log('|---|---|---|---|');
    for (const step of [...STEPS, 'total'] as const) {
      const h = summarize(samples.hookd![step]);
      const d = summarize(samples.dockerd![step]);
      console.log(`| ${step} | ${formatMs(h.p50Ms)} / ${formatMs(h.meanMs)} | ${formatMs(d.p50Ms)} / ${formatMs(d.meanMs)} | ${formatRatio(h.p50Ms, d.p50Ms)} |`);
    }

    // 2 + 3. Idle running containers: monitor RSS each, daemon + monitors RSS, docker ps latency.
    const running: Record<string, string[]> = {};
    for (const engine of engines) running[engine.name] = await startDetached(engine.client, RUNNING, ['sleep', '3600'], true);
    console.log(`\n## ${RUNNING} idle containers running (sleep)`);
    console.log('| figure | hookd | dockerd | hookd / dockerd |');
    console.log('|---|---|---|---|');
    const figures: Record<string, { monitorEach: number; monitors: number; daemon: number; ps: number }> = {};
    for (const engine of engines) {
      const monitors = await engine.monitorPids();
      const monitorKiB = await totalRssKiB(monitors);
      const daemonKiB = await totalRssKiB(await daemonPidsNoMonitors(engine));
      const psTimes: number[] = [];
      for (let i = 0; i < 20; i++) psTimes.push(await timeMs(() => engine.client.ok('GET', '/containers/json')));
      figures[engine.name] = { monitorEach: monitorKiB / Math.max(1, monitors.length), monitors: monitorKiB, daemon: daemonKiB, ps: median(psTimes) };
    }
    const h = figures.hookd!;
    const d = figures.dockerd!;
    const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
    console.log(`| RSS per container monitor (conmon / containerd-shim-runc-v2) | ${mib(h.monitorEach)} | ${mib(d.monitorEach)} | ${formatRatio(h.monitorEach, d.monitorEach)} |`);
    console.log(`| monitors, all ${RUNNING} | ${mib(h.monitors)} | ${mib(d.monitors)} | ${formatRatio(h.monitors, d.monitors)} |`);
    console.log(`| daemon side (hookd + 4 plugins / dockerd + containerd) | ${mib(h.daemon)} | ${mib(d.daemon)} | ${formatRatio(h.daemon, d.daemon)} |`);
    console.log(`| daemon + monitors | ${mib(h.daemon + h.monitors)} | ${mib(d.daemon + d.monitors)} | ${formatRatio(h.daemon + h.monitors, d.daemon + d.monitors)} |`);
    console.log(`| docker ps latency (median of 20) | ${formatMs(h.ps)} | ${formatMs(d.ps)} | ${formatRatio(h.ps, d.ps)} |`);
    for (const engine of engines) await removeAll(engine.client, running[engine.name]!);

    // 4. Restart with RECORDS containers on record (created, never started), twice each, interleaved.
    const records: Record<string, string[]> = {};
    for (const engine of engines) records[engine.name] = await startDetached(engine.client, RECORDS, ['true'], false);
    const restarts: Record<string, number[]> = { hookd: [], dockerd: [] };
    for (let i = 0; i < 3; i++) for (const engine of engines) restarts[engine.name]!.push(await engine.restart());
    console.log(`\n## daemon restart with ${RECORDS} containers on record (until /_ping answers; median of 3)`);
    console.log('| hookd | dockerd | hookd / dockerd |');
    console.log('|---|---|---|');
    console.log(`| ${formatMs(median(restarts.hookd!))} | ${formatMs(median(restarts.dockerd!))} | ${formatRatio(median(restarts.hookd!), median(restarts.dockerd!))} |`);
    for (const engine of engines) await removeAll(engine.client, records[engine.name]!);
  } finally {
    await hookd.stop();
    await dockerd.stop();
    await remove();
  }
}

await main();
