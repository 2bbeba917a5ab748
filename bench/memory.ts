// node --import tsx bench/memory.ts [--requests N] [--quick]: resident memory of the host process
// with 1 and with 16 bench plugins, idle and after N container.preCreate requests, plus the
// resident memory of each plugin process. Figures only. Linux (reads /proc for the plugins' RSS).
//
//   baseline      this process with the host library loaded, no plugin
//   for 1 and 16 plugins: launch (PluginHost from manifests) → idle figures → N requests
//     (all plugins order 0, one request at a time) → figures again → stop, check the processes exited

import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { pino } from 'pino';

import { CREATE_CONFIG } from './fixtures/create-config.ts';
import { hasExited, launchPool, type PluginPool } from './plugin-pool.ts';
import { machineLines } from './report.ts';

setFlagsFromString('--expose-gc');
// Figures after a full collection, so they show what is retained rather than garbage not yet collected.
const collectGarbage = runInNewContext('gc') as () => void;

interface Snapshot {
  label: string;
  hostRssMiB: number;
  hostHeapMiB: number;
  pluginRssMiB: number[];
}

const MIB = 2 ** 20;

/** VmRSS of another process, from /proc; NaN when it cannot be read (not Linux, or the process is gone). */
function rssOfPid(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN; // reported as n/a: a plugin that exited has no memory to show
  }
}

function snapshot(label: string, pool?: PluginPool): Snapshot {
  collectGarbage();
  const usage = process.memoryUsage();
  return { label, hostRssMiB: usage.rss / MIB, hostHeapMiB: usage.heapUsed / MIB, pluginRssMiB: pool?.pids().map(rssOfPid) ?? [] };
}

function format(snapshots: readonly Snapshot[]): string {
  const fixed = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');
  const header = '| state | host RSS (MiB) | host heap used (MiB) | plugins | RSS per plugin, mean (MiB) | all plugins (MiB) |';
  const lines = snapshots.map((shot) => {
    const total = shot.pluginRssMiB.reduce((sum, value) => sum + value, 0);
    const mean = shot.pluginRssMiB.length === 0 ? Number.NaN : total / shot.pluginRssMiB.length;
    return `| ${shot.label} | ${fixed(shot.hostRssMiB)} | ${fixed(shot.hostHeapMiB)} | ${shot.pluginRssMiB.length} | ${fixed(mean)} | ${shot.pluginRssMiB.length === 0 ? '' : fixed(total)} |`;
  });
  return [header, '|---|---|---|---|---|---|', ...lines].join('\n');
}

async function measurePool(count: number, requests: number, logger: pino.Logger): Promise<Snapshot[]> {
  const pool = await launchPool(count, logger);
  const label = `${count} plugin${count === 1 ? '' : 's'}`;
  try {
    const idle = snapshot(`${label}, idle`, pool);
    for (let i = 0; i < requests; i += 1) await pool.host.invoke('container.preCreate', { config: CREATE_CONFIG, name: '' });
    return [idle, snapshot(`${label}, after ${requests} requests`, pool)];
  } finally {
    await pool.stop();
    const leftovers = pool.pids().filter((pid) => !hasExited(pid));
    if (leftovers.length > 0) process.stderr.write(`WARNING: plugin processes still running: ${leftovers.join(', ')}\n`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string' }, quick: { type: 'boolean', default: false } } });
  const requests = values.requests === undefined ? (values.quick ? 200 : 2000) : Number(values.requests);
  if (!Number.isSafeInteger(requests) || requests < 1) throw new Error(`--requests must be a positive integer, got ${JSON.stringify(values.requests)}`);
  const logger = pino({ level: 'warn', base: { component: 'bench' } }, pino.destination(2));
  setMaxListeners(32); // one abort listener per plugin of a group: see hook-latency.ts

  process.stdout.write(`# hookd bench: memory\n\n${machineLines({ requests })}\n\n`);
  const snapshots = [snapshot('host library loaded, no plugin')];
  for (const count of [1, 16]) {
    process.stderr.write(`measuring ${count} plugin(s)\n`);
    snapshots.push(...await measurePool(count, requests, logger));
  }
  process.stdout.write(`${format(snapshots)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
