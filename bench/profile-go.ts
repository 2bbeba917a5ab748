// Profiles the host and the raw grpc-js client (pass-through codec) calling examples/go-endpoint-params
// one call at a time (or N at once), apart, as bench/go-client.ts calls them (`npm run bench:go` once first, for the
// binaries). Prints CPU and self time per call by function. A development tool; asserts nothing.
//   node --import tsx bench/profile-go.ts [calls, default 3000] [concurrency, default 1]

import { mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';

import { GO_METHOD, goManifest, goRequest, HOST_INPUT } from './go-endpoint-fixture.ts';
import { PluginHost, WireClient } from './shipped-host.ts';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const calls = Number(process.argv[2] ?? 3000);
// Callers at once (closed loop, as bench/go-client.ts's 64-concurrent row); 1 by default.
const concurrency = Number(process.argv[3] ?? 1);

function top(profile: Profile, count: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const key = `${frame.functionName || '(anon)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|bench)\//, '$1/')}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, 45).map(([key, us]) => `${(us / count).toFixed(2).padStart(8)} µs  ${key}`).join('\n');
}

const runtimeDir = mkdtempSync(join(tmpdir(), 'hookd-profile-go-'));
const manifest = goManifest();
const host = new PluginHost({ logger: pino({ level: 'warn' }), hostName: 'hookd-bench', hostVersion: '0.1.0', runtimeDir });
const address = `unix://${join(runtimeDir, 'go-endpoint-params.sock')}`;
const raw = new grpc.Client(address, grpc.credentials.createInsecure());
const wire = new WireClient('profile-wire', address);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 50 });
try {
  await host.start([manifest]);
  const { request, requestBytes } = goRequest();
  const modes: Record<string, () => Promise<unknown>> = {
    raw: () => new Promise<void>((resolve, reject) => {
      raw.makeUnaryRequest(GO_METHOD, (bytes: Buffer) => bytes, (bytes: Buffer) => bytes, requestBytes, { deadline: Date.now() + 5000 }, (error) => (error ? reject(error) : resolve()));
    }),
    wire: () => wire.call('ContainerPreCreateEndpoint', request, { deadline: Date.now() + 5000, plugin: 'profile-wire', hook: 'container.preCreateEndpoint' }),
    host: () => host.invoke('container.preCreateEndpoint', HOST_INPUT),
  };
  for (const [name, operation] of Object.entries(modes)) {
    for (let i = 0; i < 500; i++) await operation();
    await session.post('Profiler.start');
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let i = 0; i < Math.ceil(calls / concurrency); i++) await operation();
    }));
    const wallUs = Number(process.hrtime.bigint() - started) / 1000 / calls;
    const used = process.cpuUsage(cpu);
    const { profile } = await session.post('Profiler.stop') as unknown as { profile: Profile };
    console.log(`## ${name}: wall ${wallUs.toFixed(0)} µs, CPU ${((used.user + used.system) / calls).toFixed(0)} µs per call`);
    console.log(top(profile, calls));
  }
} finally {
  raw.close();
  wire.close();
  await host.stop('profile done');
  rmSync(runtimeDir, { recursive: true, force: true });
}
