// The host's own CPU per request (issue 9), measured as CPU time of this process rather than wall
// time: on a machine shared with other work, wall-clock latency moves by milliseconds between runs
// while the host's share is tens of microseconds, but the CPU this process spends per request
// hardly depends on what else runs. Same plugins and requests as `npm run bench` (the bundled
// bench plugins, attached hosts, a raw grpc-js client to the same sockets); host and raw
// alternate in rounds. The plugins' CPU is their own processes' and is not counted.
//   host CPU/request − raw CPU/request = what hookd adds on the host side of one request.
// Usage: node --import tsx bench/host-cpu.ts [requests per round, default 500] [rounds, default 6]
// (`npm run build` first for bench/dist). Rows: noop-1, noop-4-par, env-1, env-4-par, env-4-seq.

import { loadavg } from 'node:os';
import { pino } from 'pino';
import type { PluginHost } from '../src/host/index.ts';
import { attachHost, launchPool, stopAll } from './plugin-pool.ts';
import { RawPluginClient } from './raw-client.ts';
import { hostOperation, orderOf, rawOperation, ROWS } from './scenarios.ts';
import type { Operation } from './measure.ts';

const REQUESTS = Number(process.argv[2] ?? 500);
const ROUNDS = Number(process.argv[3] ?? 6);
const ROW_IDS = ['noop-1', 'noop-4-par', 'env-1', 'env-4-par', 'env-4-seq'];

/** CPU microseconds (user + system) of this process per request, over `count` sequential requests. */
async function cpuPerRequestUs(operation: Operation, count: number): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) await operation();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const pool = await launchPool(4, logger);
  const hosts: PluginHost[] = [];
  console.log(`# ${new Date().toISOString()}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${ROUNDS} rounds of ${REQUESTS} requests per mode, alternating`);
  console.log('| row | host CPU/request | raw CPU/request | host − raw | host / raw |');
  console.log('|---|---|---|---|---|');
  try {
    for (const row of ROWS.filter((r) => ROW_IDS.includes(r.id))) {
      const names = pool.names.slice(0, row.plugins);
      const host = await attachHost(pool, names.map((name, i) => ({ name, order: orderOf(row, i), config: row.config(i) })), logger);
      hosts.push(host);
      const clients = names.map((name) => new RawPluginClient(pool.address(name)));
      const modes = { host: hostOperation(host), raw: rawOperation(row, clients, 10_000) };
      const samples = { host: [] as number[], raw: [] as number[] };
      await cpuPerRequestUs(modes.host, 100); // warm-up: JIT, channels
      await cpuPerRequestUs(modes.raw, 100);
      for (let round = 0; round < ROUNDS; round++) {
        for (const mode of round % 2 === 0 ? (['host', 'raw'] as const) : (['raw', 'host'] as const)) samples[mode].push(await cpuPerRequestUs(modes[mode], REQUESTS));
      }
      for (const client of clients) client.close();
      const h = median(samples.host);
      const r = median(samples.raw);
      console.log(`| ${row.label} | ${h.toFixed(0)} µs | ${r.toFixed(0)} µs | ${(h - r).toFixed(0)} µs | ${(h / r).toFixed(2)}× |`);
    }
  } finally {
    await stopAll(pool, hosts);
  }
  console.log(`# load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

await main();
