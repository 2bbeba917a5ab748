// npm run bench: the latency of container.preCreate through PluginHost.invoke, beside a raw
// grpc-js call, a raw call on the host's own transport (the thin client of src/host/wire-client.ts)
// and an in-process call doing the same work (DESIGN §6), in one run. Prints Markdown
// tables (docs/performance.md explains every row and column). Figures only: nothing here asserts.
//
//   launch the plugin pool (real child processes, from manifests)
//   for each row: attach a host with the row's orders and configs, check one request of each
//     mode does what the row says, warm up, measure in interleaved rounds, detach
//   print the latency table, the concurrency table and the cost breakdown
//   stop the pool and check that every plugin process has exited
//
// Flags: --iterations N (requests per mode for a weight-1 row; default 400), --quick (a short run
// while developing: 40 iterations, fewer rounds), --warmup N, --rounds N, --row-budget-s N (no new
// round after a row has run this long; default 8), --only id,id.

import { setMaxListeners } from 'node:events';
import { parseArgs } from 'node:util';

import { pino } from 'pino';

import { measureBreakdown, measureDispatchOnly } from './breakdown.ts';
import { CREATE_CONFIG } from './fixtures/create-config.ts';
import { measureModes } from './measure.ts';
import type { PluginHost } from '../src/host/index.ts';
import { attachHost, hasExited, launchPool, stopAll, type PluginPool } from './plugin-pool.ts';
import { RawPluginClient, WireRawClient } from './raw-client.ts';
import { breakdownTable, concurrencyTable, latencyTable, machineLines, type RowResult } from './report.ts';
import { hostOperation, inProcessOperation, orderOf, rawOperation, ROWS, type Row } from './scenarios.ts';

const POOL_SIZE = Math.max(...ROWS.map((row) => row.plugins));
/** The per-call deadline of the raw baseline: the host's default per-call timeout. */
const RAW_TIMEOUT_MS = 2000;
const HELP = `usage: npm run bench -- [--quick] [--iterations N] [--warmup N] [--rounds N] [--row-budget-s N] [--only row-id,...]
rows: ${ROWS.map((row) => row.id).join(', ')}
`;

interface Settings {
  iterations: number;
  warmup: number;
  rounds: number;
  rowBudgetMs: number;
  rows: readonly Row[];
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      iterations: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      'row-budget-s': { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const count = (name: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
    return value;
  };
  const iterations = count('iterations', values.iterations, values.quick ? 40 : 400);
  const wanted = values.only?.split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = wanted?.filter((id) => !ROWS.some((row) => row.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: unknown row(s) ${unknown.join(', ')}\n${HELP}`);
  return {
    iterations,
    warmup: count('warmup', values.warmup, values.quick ? 10 : 50),
    rounds: count('rounds', values.rounds, values.quick ? 2 : 8),
    rowBudgetMs: count('row-budget-s', values['row-budget-s'], values.quick ? 3 : 8) * 1000,
    rows: wanted ? ROWS.filter((row) => wanted.includes(row.id)) : ROWS,
  };
}

/** One request of each mode, checked, so a misconfigured row fails loudly instead of timing the wrong thing. */
async function checkRow(row: Row, host: PluginHost, raw: () => Promise<unknown>): Promise<void> {
  const result = await host.invoke('container.preCreate', { config: CREATE_CONFIG, name: '' });
  const changes = Array.from({ length: row.plugins }, (_, i) => row.config(i)).filter((config) => config.setEnv !== undefined).length;
  const problems: string[] = [];
  if (result.called.length !== row.plugins) problems.push(`the host called ${result.called.length} plugins, not ${row.plugins}`);
  if (result.skipped.length > 0) problems.push(`the host skipped ${result.skipped.map((skip) => `${skip.plugin} (${skip.code})`).join(', ')}`);
  if (result.provenance.length !== changes) problems.push(`the host recorded ${result.provenance.length} changes, not ${changes}`);
  if (problems.length > 0) throw new Error(`row "${row.label}": ${problems.join('; ')}`);
  await raw();
}

/** Leaves the row's host attached (see stopAll in plugin-pool.ts); it goes into `rowHosts`. */
async function measureRow(pool: PluginPool, row: Row, settings: Settings, logger: pino.Logger, rowHosts: PluginHost[]): Promise<RowResult> {
  const names = pool.names.slice(0, row.plugins);
  const host = await attachHost(pool, names.map((name, i) => ({ name, order: orderOf(row, i), config: row.config(i) })), logger);
  rowHosts.push(host);
  const clients = names.map((name) => new RawPluginClient(pool.address(name)));
  const wireClients = names.map((name) => new WireRawClient(pool.address(name)));
  try {
    const operations = {
      host: hostOperation(host), raw: rawOperation(row, clients, RAW_TIMEOUT_MS), wire: rawOperation(row, wireClients, RAW_TIMEOUT_MS), inProcess: inProcessOperation(row),
    };
    await checkRow(row, host, operations.raw);
    await operations.wire();
    const iterations = Math.max(settings.rounds, Math.round(settings.iterations * row.weight));
    const warmup = Math.max(row.concurrency, Math.round(settings.warmup * Math.min(1, row.weight * 2)));
    const modes = await measureModes(operations, { iterations, warmup, rounds: settings.rounds, concurrency: row.concurrency, budgetMs: settings.rowBudgetMs });
    return { row, iterations: modes.host.samplesNs.length, modes };
  } finally {
    for (const client of [...clients, ...wireClients]) client.close();
  }
}

async function main(): Promise<void> {
  const settings = readSettings();
  // dispatch adds one abort listener per plugin of a group to that group's AbortSignal and removes
  // it when the call settles, so 16 parallel plugins are 16 listeners, not a leak; without this,
  // Node warns (MaxListenersExceededWarning) on every request of the 16-plugin rows.
  setMaxListeners(POOL_SIZE + 8);
  const logger = pino({ level: 'warn', base: { component: 'bench' } }, pino.destination(2));
  const startedAt = process.hrtime.bigint();
  const seconds = () => (Number(process.hrtime.bigint() - startedAt) / 1e9).toFixed(1);
  const progress = (text: string) => process.stderr.write(`[${seconds()} s] ${text}\n`);

  process.stdout.write(`# hookd bench: container.preCreate latency\n\n${machineLines({
    iterations: settings.iterations, warmup: settings.warmup, rounds: settings.rounds, 'row budget': `${settings.rowBudgetMs / 1000} s`, pool: POOL_SIZE,
  })}\n\n`);

  progress(`launching ${POOL_SIZE} bench plugins`);
  const pool = await launchPool(POOL_SIZE, logger);
  const results: RowResult[] = [];
  const rowHosts: PluginHost[] = [];
  try {
    progress('plugins ready');
    for (const row of settings.rows) {
      results.push(await measureRow(pool, row, settings, logger, rowHosts));
      progress(`measured: ${row.label}`);
    }
  } finally {
    await stopAll(pool, rowHosts);
    const leftovers = pool.pids().filter((pid) => !hasExited(pid));
    progress(leftovers.length === 0 ? `stopped; all ${pool.pids().length} plugin processes have exited` : `WARNING: plugin processes still running: ${leftovers.join(', ')}`);
  }

  process.stdout.write(`## Latency per request (one request at a time)\n\n${latencyTable(results)}\n\n`);
  if (results.some((result) => result.row.concurrency > 1)) {
    process.stdout.write(`## Concurrent requests\n\n${concurrencyTable(results)}\n\n`);
  }
  progress('measuring the cost breakdown');
  const breakdownIterations = settings.iterations < 100 ? 1_000 : 5_000;
  const breakdown = [...measureBreakdown(breakdownIterations), ...await measureDispatchOnly(breakdownIterations / 4)];
  process.stdout.write(`## Where the time goes (no I/O, mean per step)\n\n${breakdownTable(breakdown)}\n\n`);
  process.stdout.write(`total run time ${seconds()} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
