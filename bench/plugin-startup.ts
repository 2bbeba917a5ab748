// node --import tsx bench/plugin-startup.ts [--runs N]: how fast a Node plugin is ready and how much
// memory it holds idle, against a bare grpc-js server with the same service (the anchor), in one
// run. Figures only. Run `npm run build` first (it makes the bundles measured here).
//
//   for each round: each variant, in turn, is spawned the way the host launches a plugin (private
//   socket in HOOKD_PLUGIN_ADDRESS, stdin a pipe): ready = the "serving" line on stderr; then one
//   Describe answered over the socket; then 1 s idle; RSS = VmRSS from /proc; stdin closed, exit awaited
//
// Rounds interleave the variants so load from elsewhere lands on all of them.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { connectPlugin } from '@hookd/plugin-sdk/testing';

import { machineLines } from './report.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IDLE_MS = 1000;

interface Variant { id: string; label: string; command: string[]; cwd?: string; anchor?: boolean }

const VARIANTS: Variant[] = [
  { id: 'bare', label: 'bare grpc-js server, same service (anchor)', command: [process.execPath, 'bench/fixtures/bare-grpc-plugin.mjs'], anchor: true },
  { id: 'sdk-bundle', label: 'Node SDK no-op plugin as shipped (one bundled file)', command: [process.execPath, 'bench/dist/noop-plugin.js'] },
  { id: 'example', label: 'examples/node-legacy-env as its manifest runs it (bundle)', command: [process.execPath, 'dist/main.js'], cwd: 'examples/node-legacy-env' },
  { id: 'sdk-modules', label: 'Node SDK no-op plugin, SDK + grpc-js from node_modules (no bundler)', command: [process.execPath, 'bench/fixtures/sdk-plugin-unbundled.mjs'] },
  { id: 'sdk-tsx', label: 'Node SDK no-op plugin through tsx (how it ran before dist/)', command: [process.execPath, '--import', 'tsx', 'bench/fixtures/noop-plugin.ts'] },
  { id: 'go', label: 'examples/go-env-files (Go SDK, for scale)', command: ['./bin/go-env-files'], cwd: 'examples/go-env-files' },
];

interface Sample { readyMs: number; rssMiB: number }

function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

async function measureOnce(variant: Variant): Promise<Sample> {
  const dir = mkdtempSync(join(tmpdir(), 'hookd-startup-'));
  const address = `unix://${join(dir, 'plugin.sock')}`;
  const [command, ...args] = variant.command as [string, ...string[]];
  const started = process.hrtime.bigint();
  const child = spawn(command, args, {
    cwd: join(ROOT, variant.cwd ?? '.'),
    env: { ...process.env, HOOKD_PLUGIN_ADDRESS: address, HOOKD_PLUGIN_NAME: variant.id, HOOKD_PROTOCOL_VERSIONS: '1', HOOKD_LOG_LEVEL: 'info' },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const exited = once(child, 'exit');
  try {
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('"msg":"serving"')) resolve();
      });
      void exited.then(() => reject(new Error(`${variant.id} exited before it was ready: ${stderr}`)));
    });
    const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
    const connection = connectPlugin(address);
    await connection.call('Describe', { host_protocol_versions: ['1'] });
    connection.close();
    await sleep(IDLE_MS);
    const rss = rssMiB(child.pid as number);
    return { readyMs, rssMiB: rss };
  } finally {
    child.stdin.end();
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] as number : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function runPluginStartup(runs: number): Promise<string> {
  const variants = VARIANTS.filter((variant) => existsSync(join(ROOT, variant.cwd ?? '.', variant.command.at(-1) as string)));
  const samples = new Map<string, Sample[]>(variants.map((variant) => [variant.id, []]));
  // One unmeasured start of each, so the page cache holds every file before the first timed round.
  for (const variant of variants) await measureOnce(variant);
  for (let round = 0; round < runs; round++) {
    for (const variant of variants) samples.get(variant.id)!.push(await measureOnce(variant));
    process.stderr.write(`plugin start-up: round ${round + 1}/${runs}\n`);
  }
  const anchor = samples.get('bare')!;
  const anchorReady = median(anchor.map((s) => s.readyMs));
  const anchorRss = median(anchor.map((s) => s.rssMiB));
  const lines = [
    `### Node plugin start-up (median of ${runs} starts each, interleaved)`,
    '',
    '| plugin | spawn → ready | ready / bare | idle RSS | RSS / bare |',
    '|---|---|---|---|---|',
  ];
  for (const variant of variants) {
    const of = samples.get(variant.id)!;
    const ready = median(of.map((s) => s.readyMs));
    const rss = median(of.map((s) => s.rssMiB));
    lines.push(`| ${variant.label} | ${ready.toFixed(0)} ms | ${(ready / anchorReady).toFixed(2)}× | ${rss.toFixed(1)} MiB | ${(rss / anchorRss).toFixed(2)}× |`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
  const table = await runPluginStartup(Number(values.runs));
  process.stdout.write(`${machineLines({ runs: values.runs as string })}\n\n${table}\n`);
}
