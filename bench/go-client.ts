// node --import tsx bench/go-client.ts [--iterations N]: the Node host calling the Go example plugin
// (examples/go-endpoint-params, container.preCreateEndpoint) against a raw grpc-js client and a
// grpc-go client (bench/goclient) sending the same request bytes to the same plugin process, in
// one run, one call at a time and with 64 concurrent callers. Figures only.
//
//   host     PluginHost.invoke('container.preCreateEndpoint'): everything hookd does per request
//   grpc-js  a generic grpc-js client sending the request bytes the host would send (identity codec)
//   grpc-go  the same bytes through grpc-go (pass-through codec), measured inside the Go process
//   wire     the host's own transport (src/host/wire-client.ts, the thin gRPC client every hook
//            call takes) called directly with the same request, nothing of the host around it
//
// The host's share is host / grpc-js (the goal); host / wire is the host's own work over the
// transport it uses; grpc-js / grpc-go is the Node transport's own cost.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';

import { GO_BINARY, GO_EXAMPLE, GO_METHOD, goManifest, goRequest, HOST_INPUT } from './go-endpoint-fixture.ts';
import { PluginHost, WireClient } from './shipped-host.ts';
import { machineLines } from './report.ts';
import { summarize } from './stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GO_CLIENT = join(ROOT, 'bench/dist/goclient');
const CONCURRENCY = 64;

interface Figures { p50Ms: number; p99Ms: number; meanMs: number; perSecond: number }

function build(): void {
  if (!existsSync(GO_BINARY)) {
    const built = spawnSync('bash', ['build.sh'], { cwd: GO_EXAMPLE, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('examples/go-endpoint-params/build.sh failed');
  }
  const built = spawnSync('go', ['build', '-o', GO_CLIENT, '.'], { cwd: join(ROOT, 'bench/goclient'), stdio: 'inherit', env: { ...process.env, GOFLAGS: '-mod=mod' } });
  if (built.status !== 0) throw new Error('building bench/goclient failed');
}

/** Closed-loop: `concurrency` callers, each sending its next call when the last returns. */
async function measure(operation: () => Promise<unknown>, calls: number, concurrency: number): Promise<Figures> {
  for (let i = 0; i < 100; i++) await operation();
  const samples: number[] = [];
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = 0; i < calls; i++) {
      const t = process.hrtime.bigint();
      await operation();
      samples.push(Number(process.hrtime.bigint() - t));
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = summarize(samples);
  return { p50Ms: summary.p50Ms, p99Ms: summary.p99Ms, meanMs: summary.meanMs, perSecond: samples.length / seconds };
}

function goClient(address: string, requestFile: string, calls: number, concurrency: number): Figures {
  const run = spawnSync(GO_CLIENT, ['-addr', address, '-method', GO_METHOD, '-request', requestFile, '-n', String(calls), '-concurrency', String(concurrency)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`goclient failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Figures;
}

export async function runGoClientBench(iterations: number): Promise<string> {
  build();
  const runtimeDir = mkdtempSync(join(tmpdir(), 'hookd-goclient-'));
  // HOOKD_BENCH_MAX_IN_FLIGHT: the plugin's maxInFlight (default: the host's default, 32), as in plugin-pool.ts.
  const manifest = goManifest(process.env.HOOKD_BENCH_MAX_IN_FLIGHT ? { maxInFlight: Number(process.env.HOOKD_BENCH_MAX_IN_FLIGHT) } : {});
  const host = new PluginHost({ logger: pino({ level: 'warn' }), hostName: 'hookd-bench', hostVersion: '0.1.0', runtimeDir });
  const address = `unix://${join(runtimeDir, 'go-endpoint-params.sock')}`;
  const raw = new grpc.Client(address, grpc.credentials.createInsecure());
  const wire = new WireClient('bench-raw-wire', address);
  try {
    await host.start([manifest]);
    // The bytes the host sends: its request message for this hook, encoded by the same descriptor.
    const { request, requestBytes } = goRequest();
    const requestFile = join(runtimeDir, 'request.bin');
    writeFileSync(requestFile, requestBytes);
    const viaHost = async () => {
      const result = await host.invoke('container.preCreateEndpoint', HOST_INPUT);
      if (result.called.length !== 1) throw new Error('the host did not call the plugin');
    };
    const viaGrpcJs = () => new Promise<void>((resolve, reject) => {
      raw.makeUnaryRequest(GO_METHOD, (bytes: Buffer) => bytes, (bytes: Buffer) => bytes, requestBytes, { deadline: Date.now() + 5000 }, (error) => (error ? reject(error) : resolve()));
    });
    const viaWire = () => wire.call('ContainerPreCreateEndpoint', request, { deadline: Date.now() + 5000, plugin: 'bench-raw-wire', hook: 'container.preCreateEndpoint' });
    const rows: string[] = [];
    const perMode = async (concurrency: number, calls: number) => {
      // Two interleaved rounds of host, grpc-js, wire, grpc-go; the figures are the means of the rounds.
      const results = { host: [] as Figures[], js: [] as Figures[], wire: [] as Figures[], go: [] as Figures[] };
      for (let round = 0; round < 2; round++) {
        const half = Math.ceil(calls / 2);
        results.host.push(await measure(viaHost, half, concurrency));
        results.js.push(await measure(viaGrpcJs, half, concurrency));
        results.wire.push(await measure(viaWire, half, concurrency));
        results.go.push(goClient(address, requestFile, half, concurrency));
      }
      const mean = (list: Figures[], key: keyof Figures) => list.reduce((sum, f) => sum + f[key], 0) / list.length;
      return Object.fromEntries(Object.entries(results).map(([mode, list]) => [mode, { p50Ms: mean(list, 'p50Ms'), p99Ms: mean(list, 'p99Ms'), meanMs: mean(list, 'meanMs'), perSecond: mean(list, 'perSecond') }])) as Record<'host' | 'js' | 'wire' | 'go', Figures>;
    };
    const sequential = await perMode(1, iterations);
    const concurrent = await perMode(CONCURRENCY, Math.max(20, Math.round(iterations / 16)));
    const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
    rows.push(
      '### Host vs grpc-js vs grpc-go, examples/go-endpoint-params (container.preCreateEndpoint, the plugin changes the endpoint)',
      '',
      '| calls | host p50 | grpc-js p50 | wire p50 | grpc-go p50 | host/grpc-js p50 (host\'s share) | host/wire p50 | grpc-js/grpc-go p50 | host/grpc-go p50 | host p99 / p50 |',
      '|---|---|---|---|---|---|---|---|---|---|',
      `| 1 at a time (${iterations} each) | ${us(sequential.host.p50Ms)} | ${us(sequential.js.p50Ms)} | ${us(sequential.wire.p50Ms)} | ${us(sequential.go.p50Ms)} | ${(sequential.host.p50Ms / sequential.js.p50Ms).toFixed(2)}× | ${(sequential.host.p50Ms / sequential.wire.p50Ms).toFixed(2)}× | ${(sequential.js.p50Ms / sequential.go.p50Ms).toFixed(2)}× | ${(sequential.host.p50Ms / sequential.go.p50Ms).toFixed(2)}× | ${(sequential.host.p99Ms / sequential.host.p50Ms).toFixed(1)} |`,
      '',
      '| 64 concurrent | host req/s | grpc-js req/s | wire req/s | grpc-go req/s | host/grpc-js throughput | host/wire throughput | host p50 | host p99 | host p99 / p50 |',
      '|---|---|---|---|---|---|---|---|---|---|',
      `| closed loop | ${concurrent.host.perSecond.toFixed(0)} | ${concurrent.js.perSecond.toFixed(0)} | ${concurrent.wire.perSecond.toFixed(0)} | ${concurrent.go.perSecond.toFixed(0)} | ${(concurrent.host.perSecond / concurrent.js.perSecond).toFixed(2)}× | ${(concurrent.host.perSecond / concurrent.wire.perSecond).toFixed(2)}× | ${us(concurrent.host.p50Ms)} | ${us(concurrent.host.p99Ms)} | ${(concurrent.host.p99Ms / concurrent.host.p50Ms).toFixed(1)} |`,
    );
    return rows.join('\n');
  } finally {
    raw.close();
    wire.close();
    await host.stop('bench done');
    rmSync(runtimeDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '2000' } } });
  const table = await runGoClientBench(Number(values.iterations));
  process.stdout.write(`${machineLines({ iterations: values.iterations as string })}\n\n${table}\n`);
}
