// Profiles one row's host loop and raw loop separately (node:inspector), writing two .cpuprofile
// files and a self-time summary by function, so the host's extra CPU per request can be read off
// as (host profile − raw profile). Usage:
//   node --import tsx bench/profile-modes.ts <row-id> [requests, default 3000] [out dir, default /tmp]
// (`npm run build` first for bench/dist.) A development tool: it prints figures, asserts nothing.

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

import { pino } from 'pino';

import type { Operation } from './measure.ts';
import { attachHost, launchPool, stopAll } from './plugin-pool.ts';
import { RawPluginClient } from './raw-client.ts';
import { hostOperation, orderOf, rawOperation, ROWS } from './scenarios.ts';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const rowId = process.argv[2] ?? 'env-1';
const requests = Number(process.argv[3] ?? 3000);
const outDir = process.argv[4] ?? '/tmp';

function summary(profile: Profile, count: number): string[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    if (!node) return;
    const url = node.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(src|bench|plugin-sdk)\//, '$1/');
    const key = `${node.callFrame.functionName || '(anon)'} ${url}:${node.callFrame.lineNumber + 1}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = (profile.endTime - profile.startTime) / count;
  const top = [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, 40);
  return [`wall per request ${total.toFixed(1)} µs`, ...top.map(([key, us]) => `${(us / count).toFixed(2).padStart(8)} µs  ${key}`)];
}

async function profiled(session: Session, name: string, operation: Operation): Promise<void> {
  // The row's concurrency: that many closed-loop workers, `requests` in all.
  const run = async (count: number): Promise<void> => {
    let next = 0;
    await Promise.all(Array.from({ length: row.concurrency }, async () => {
      while (next < count) {
        next += 1;
        await operation();
      }
    }));
  };
  await run(300);
  await session.post('Profiler.start');
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await run(requests);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  console.log(`## ${name}: ${(requests / seconds).toFixed(0)} requests/s`);
  const { profile } = await session.post('Profiler.stop') as unknown as { profile: Profile };
  writeFileSync(join(outDir, `${rowId}-${name}.cpuprofile`), JSON.stringify(profile));
  console.log(`## ${name}: CPU per request ${((used.user + used.system) / requests).toFixed(1)} µs`);
  console.log(summary(profile, requests).join('\n'));
}

const found = ROWS.find((r) => r.id === rowId);
if (!found) throw new Error(`no row ${rowId}`);
const row = found;
const logger = pino({ level: 'warn' }, pino.destination(2));
const pool = await launchPool(row.plugins, logger);
const names = pool.names.slice(0, row.plugins);
const host = await attachHost(pool, names.map((name, i) => ({ name, order: orderOf(row, i), config: row.config(i) })), logger);
const clients = names.map((name) => new RawPluginClient(pool.address(name)));
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 50 });
try {
  await profiled(session, 'raw', rawOperation(row, clients, 10_000));
  await profiled(session, 'host', hostOperation(host));
} finally {
  for (const client of clients) client.close();
  await stopAll(pool, [host]);
}
