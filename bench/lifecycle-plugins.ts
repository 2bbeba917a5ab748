// node --import tsx bench/lifecycle-plugins.ts [--runs N]: a real container lifecycle
// (`docker run --rm busybox true` through the docker CLI: create with container.preCreate, start,
// wait, remove) against the compiled daemon with 0, 2 and 4 Node plugins subscribed to
// container.preCreate, in one run. The plugins are the bundled bench no-op (bench/dist). The
// figure that matters is 2 and 4 plugins over 0: hooks must not show in a container's lifecycle.
// Needs root, runc and the docker CLI (the daemon picks runc; without it, the process runtime).
// Figures only. Run `npm run build` first.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { machineLines } from './report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PLUGIN_COUNTS = [0, 2, 4];

interface Daemon { child: ChildProcess; host: string; dir: string }

async function startDaemon(plugins: number): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'hookd-lc-'));
  mkdirSync(join(dir, 'plugins.d'));
  for (let i = 0; i < plugins; i++) {
    writeFileSync(join(dir, 'plugins.d', `p${i}.json`), JSON.stringify({
      name: `bench-${i}`, launch: { command: process.execPath, args: [join(ROOT, 'bench/dist/noop-plugin.js')] }, startTimeoutMs: 60_000,
    }));
  }
  writeFileSync(join(dir, 'hookd.json'), JSON.stringify({ dataRoot: 'data', pluginsDir: 'plugins.d', runcRoot: 'runc', logLevel: 'warn' }));
  const child = spawn(process.execPath, [join(ROOT, 'bin/hookd.js'), 'daemon', '--config', join(dir, 'hookd.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const host = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /is listening on (unix:\/\/\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', () => reject(new Error('the daemon exited before it listened')));
  });
  const imported = spawnSync('bash', [join(ROOT, 'scripts/import-busybox.sh'), host], { encoding: 'utf8' });
  if (imported.status !== 0) throw new Error(`import-busybox failed: ${imported.stderr}`);
  return { child, host, dir };
}

async function stopDaemon(daemon: Daemon): Promise<void> {
  const exited = once(daemon.child, 'exit');
  daemon.child.kill('SIGTERM');
  await exited;
  rmSync(daemon.dir, { recursive: true, force: true });
}

function lifecycleMs(host: string): number {
  const started = process.hrtime.bigint();
  const run = spawnSync('docker', ['-H', host, 'run', '--rm', 'busybox', 'true'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`docker run failed: ${run.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function runLifecycleBench(runs: number): Promise<string> {
  const daemons = new Map<number, Daemon>();
  try {
    for (const count of PLUGIN_COUNTS) daemons.set(count, await startDaemon(count));
    const samples = new Map<number, number[]>(PLUGIN_COUNTS.map((count) => [count, []]));
    for (const count of PLUGIN_COUNTS) lifecycleMs(daemons.get(count)!.host); // warm-up
    // Interleaved: one lifecycle on each daemon per round, so load from elsewhere hits all three;
    // each round starts with the next daemon, so none is always measured first or right after the
    // same other daemon (whose container's clean-up may still be running).
    for (let round = 0; round < runs; round++) {
      for (let i = 0; i < PLUGIN_COUNTS.length; i++) {
        const count = PLUGIN_COUNTS[(round + i) % PLUGIN_COUNTS.length]!;
        samples.get(count)!.push(lifecycleMs(daemons.get(count)!.host));
      }
    }
    const base = median(samples.get(0)!);
    return [
      `### Container lifecycle with 0, 2 and 4 plugins (docker run --rm busybox true, median of ${runs}, interleaved)`,
      '',
      '| plugins on container.preCreate | lifecycle p50 | / 0 plugins |',
      '|---|---|---|',
      ...PLUGIN_COUNTS.map((count) => {
        const value = median(samples.get(count)!);
        return `| ${count} | ${value.toFixed(0)} ms | ${(value / base).toFixed(3)}× |`;
      }),
    ].join('\n');
  } finally {
    for (const daemon of daemons.values()) await stopDaemon(daemon);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
  const table = await runLifecycleBench(Number(values.runs));
  process.stdout.write(`${machineLines({ runs: values.runs as string })}\n\n${table}\n`);
}
