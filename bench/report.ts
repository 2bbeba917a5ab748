// Printing: Markdown tables, so a run's output can be pasted into docs/performance.md as it is.

import os from 'node:os';

import type { CostLine } from './breakdown.ts';
import type { ModeSamples } from './measure.ts';
import type { Row } from './scenarios.ts';
import { formatDelta, formatMs, formatRatio, summarize } from './stats.ts';

export type Mode = 'host' | 'raw' | 'wire' | 'inProcess';

export interface RowResult {
  row: Row;
  iterations: number;
  modes: Record<Mode, ModeSamples>;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function machineLines(settings: Record<string, string | number>): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((value) => value.toFixed(2)).join(' ');
  return [
    `machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()} (${os.arch()})`,
    `node ${process.version}; load average at start ${load}`,
    `settings: ${Object.entries(settings).map(([key, value]) => `${key}=${value}`).join(', ')}`,
  ].join('\n');
}

export function latencyTable(results: readonly RowResult[]): string {
  const header = ['row', 'n', 'host p50', 'host p99', 'host mean', 'raw gRPC p50', 'raw p99', 'raw wire p50', 'in-process p50', 'in-proc p99', 'host/raw p50', 'host/raw mean', 'host−raw p50', 'host/wire p50', 'host−wire p50', 'host/in-proc p50'];
  const rows = results.filter((result) => result.row.concurrency === 1).map(({ row, iterations, modes }) => {
    const host = summarize(modes.host.samplesNs);
    const raw = summarize(modes.raw.samplesNs);
    const wire = summarize(modes.wire.samplesNs);
    const inProcess = summarize(modes.inProcess.samplesNs);
    return [
      row.label, String(iterations),
      formatMs(host.p50Ms), formatMs(host.p99Ms), formatMs(host.meanMs),
      formatMs(raw.p50Ms), formatMs(raw.p99Ms), formatMs(wire.p50Ms),
      formatMs(inProcess.p50Ms), formatMs(inProcess.p99Ms),
      formatRatio(host.p50Ms, raw.p50Ms), formatRatio(host.meanMs, raw.meanMs), formatDelta(host.p50Ms - raw.p50Ms),
      formatRatio(host.p50Ms, wire.p50Ms), formatDelta(host.p50Ms - wire.p50Ms), formatRatio(host.p50Ms, inProcess.p50Ms),
    ];
  });
  return table(header, rows);
}

export function concurrencyTable(results: readonly RowResult[]): string {
  const header = ['row', 'mode', 'requests', 'p50 per request', 'p99 per request', 'throughput', 'host p50 / this p50', 'this / host throughput'];
  const names: Record<Mode, string> = { host: 'host', raw: 'raw gRPC', wire: 'raw wire', inProcess: 'in-process' };
  const rows: string[][] = [];
  for (const { row, modes } of results.filter((result) => result.row.concurrency > 1)) {
    const throughput = (mode: Mode) => modes[mode].samplesNs.length / (modes[mode].wallNs / 1e9);
    const host = summarize(modes.host.samplesNs);
    for (const mode of ['host', 'raw', 'wire', 'inProcess'] as const) {
      const summary = summarize(modes[mode].samplesNs);
      rows.push([
        row.label, names[mode], String(summary.count), formatMs(summary.p50Ms), formatMs(summary.p99Ms),
        `${throughput(mode).toFixed(0)} req/s`,
        mode === 'host' ? '' : formatRatio(host.p50Ms, summary.p50Ms),
        mode === 'host' ? '' : formatRatio(throughput(mode), throughput('host')),
      ]);
    }
  }
  return table(header, rows);
}

export function breakdownTable(lines: readonly CostLine[]): string {
  return table(['step (2 KB create config)', 'who, how often', 'mean'], lines.map((line) => [line.step, line.where, formatMs(line.meanNs / 1e6)]));
}
