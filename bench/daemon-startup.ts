// node --import tsx bench/daemon-startup.ts [--runs N]: daemon spawn → `GET /_ping` answering,
// against a private dockerd on the same machine (the anchor), in one run; and with 1, 2 and 4
// plugins, to show that plugins start in parallel (N plugins cost about the slowest one). Figures
// only. Run `npm run build` first (the compiled daemon and the bundled bench plugin are measured).
//
// The dockerd is this bench's own: its own --data-root, --exec-root, unix socket and pidfile,
// a bridge of its own (test/fixtures/private-dockerd.ts: --bridge=none would delete docker0), no iptables, stopped by its pid after each start. The
// machine's shared dockerd is never touched. Readiness is polled: a GET /_ping every 2 ms.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { chooseCodeCacheDir } from '../src/cli/code-cache-dir.ts';
import { codeCacheFile, readCodeCache, sha256 } from '../src/cli/code-cache-file.ts';
import { makePrivateDockerdBridge } from '../test/fixtures/private-dockerd.ts';
import { machineLines } from './report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PING_EVERY_MS = 2;
const GIVE_UP_MS = 60_000;

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Spawns, polls _ping until it answers; returns ms from spawn to the first 200. */
async function timeToPing(child: ChildProcess, socketPath: string, started: bigint, what: string): Promise<number> {
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (await ping(socketPath)) return Number(process.hrtime.bigint() - started) / 1e6;
    if (exited) throw new Error(`${what} exited before _ping answered`);
    if (Number(process.hrtime.bigint() - started) / 1e6 > GIVE_UP_MS) throw new Error(`${what}: no _ping within ${GIVE_UP_MS} ms`);
    await sleep(PING_EVERY_MS);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function measureHookd(plugins: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hookd-start-'));
  try {
    mkdirSync(join(dir, 'plugins.d'));
    for (let i = 0; i < plugins; i++) {
      writeFileSync(join(dir, 'plugins.d', `p${i}.json`), JSON.stringify({
        name: `bench-${i}`, launch: { command: process.execPath, args: [join(ROOT, 'bench/dist/noop-plugin.js')] }, startTimeoutMs: 60_000,
      }));
    }
    writeFileSync(join(dir, 'hookd.json'), JSON.stringify({ dataRoot: 'data', pluginsDir: 'plugins.d', runtime: 'process', logLevel: 'warn' }));
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(ROOT, 'bin/hookd.js'), 'daemon', '--config', join(dir, 'hookd.json')], { stdio: 'ignore' });
    try {
      return await timeToPing(child, join(dir, 'data/hookd.sock'), started, 'hookd');
    } finally {
      await stop(child);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureDockerd(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'hookd-dockerd-'));
  const socket = join(dir, 'docker.sock');
  const bridge = await makePrivateDockerdBridge();
  try {
    const started = process.hrtime.bigint();
    const child = spawn('dockerd', [
      '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '-H', `unix://${socket}`, '--pidfile', join(dir, 'docker.pid'),
      ...bridge.args,
    ], { stdio: 'ignore' });
    try {
      return await timeToPing(child, socket, started, 'dockerd');
    } finally {
      await stop(child);
    }
  } finally {
    await bridge.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function runDaemonStartup(runs: number): Promise<string> {
  const haveDockerd = spawnSync('dockerd', ['--version']).status === 0;
  const rows: Array<{ label: string; run: () => Promise<number>; samples: number[] }> = [
    ...(haveDockerd ? [{ label: 'dockerd, private instance (anchor)', run: measureDockerd, samples: [] as number[] }] : []),
    ...[0, 1, 2, 4].map((plugins) => ({ label: `hookd, ${plugins} Node plugin${plugins === 1 ? '' : 's'} (bundled no-op)`, run: () => measureHookd(plugins), samples: [] as number[] })),
  ];
  for (const row of rows) await row.run(); // warm the page cache
  for (let round = 0; round < runs; round++) {
    for (const row of rows) row.samples.push(await row.run());
    process.stderr.write(`daemon start-up: round ${round + 1}/${runs}\n`);
  }
  const anchor = haveDockerd ? median(rows[0]!.samples) : Number.NaN;
  const noPlugins = median(rows[haveDockerd ? 1 : 0]!.samples);
  const lines = [
    `### Daemon start-up: spawn → _ping answers (median of ${runs}, interleaved)`,
    '',
    '| daemon | spawn → _ping | / dockerd | − hookd with 0 plugins |',
    '|---|---|---|---|',
    ...rows.map((row) => {
      const value = median(row.samples);
      return `| ${row.label} | ${value.toFixed(0)} ms | ${(value / anchor).toFixed(2)}× | ${row.label.startsWith('hookd') ? `${(value - noPlugins).toFixed(0)} ms` : ''} |`;
    }),
  ];
  if (!haveDockerd) lines.push('', 'dockerd is not installed: no anchor (apt-get install docker.io)');
  lines.push('', codeCacheLine(), ...extraCaCertsLines());
  return lines.join('\n');
}

/** Whether the measured starts could use the bundle's code cache (docs/packaging.md, "Start-up"): the warm-up start writes it. */
function codeCacheLine(): string {
  const bundle = join(ROOT, 'dist/cli/hookd.cjs');
  const { dir, reason } = chooseCodeCacheDir();
  if (dir === undefined) return `hookd's code cache: off (${reason})`;
  const file = codeCacheFile(dir, bundle);
  const read = readCodeCache(file, { bundle, sourceSha256: sha256(readFileSync(bundle)) });
  return 'data' in read ? `hookd's code cache: ${file}, made for this build` : `hookd's code cache: not usable (${read.reason}): every start compiled the bundle`;
}

/**
 * NODE_EXTRA_CA_CERTS makes node read and parse that bundle before any JavaScript runs, in every
 * Node process (hookd, its Node plugins), which dockerd does not pay: measured here when it is set.
 */
function extraCaCertsLines(): string[] {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (!extra) return [];
  const bare = (env: NodeJS.ProcessEnv): number => {
    const samples = Array.from({ length: 5 }, () => {
      const started = process.hrtime.bigint();
      spawnSync(process.execPath, ['-e', '0'], { env, stdio: 'ignore' });
      return Number(process.hrtime.bigint() - started) / 1e6;
    });
    return median(samples);
  };
  const { NODE_EXTRA_CA_CERTS: _, ...without } = process.env;
  return [`NODE_EXTRA_CA_CERTS=${extra} is set in this environment: \`node -e 0\` takes ${bare(process.env).toFixed(0)} ms with it, ${bare(without).toFixed(0)} ms without (median of 5); every hookd start above pays the difference, dockerd does not.`];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
  const table = await runDaemonStartup(Number(values.runs));
  process.stdout.write(`${machineLines({ runs: values.runs as string })}\n\n${table}\n`);
}
