// Where the CPU of one call goes: the Node process's and the Go plugin's CPU per call, host vs the
// host's thin client (wire) vs raw grpc-js, sequential and 64 at once. Development tool.
//   node --import tsx bench/cpu-split-go.ts [calls] [concurrency]
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { GO_METHOD, goManifest, goRequest, HOST_INPUT } from './go-endpoint-fixture.ts';
import { PluginHost, WireClient } from './shipped-host.ts';

const calls = Number(process.argv[2] ?? 3000);
const concurrency = Number(process.argv[3] ?? 1);
const runtimeDir = mkdtempSync(join(tmpdir(), 'hookd-cpu-split-'));
const manifest = goManifest();
const host = new PluginHost({ logger: pino({ level: 'warn' }), hostName: 'hookd-bench', hostVersion: '0.1.0', runtimeDir });
const address = `unix://${join(runtimeDir, 'go-endpoint-params.sock')}`;
const raw = new grpc.Client(address, grpc.credentials.createInsecure());
const wire = new WireClient('split-wire', address);
const ticks = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
try {
  await host.start([manifest]);
  const pid = Number(readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(' ').at(-1));
  const { request, requestBytes } = goRequest();
  const rawCall = () => new Promise<void>((resolve, reject) => {
    raw.makeUnaryRequest(GO_METHOD, (b: Buffer) => b, (b: Buffer) => b, requestBytes, { deadline: Date.now() + 5000 }, (e) => (e ? reject(e) : resolve()));
  });
  const modes: Record<string, () => Promise<unknown>> = {
    raw: rawCall,
    wire: () => wire.call('ContainerPreCreateEndpoint', request, { deadline: Date.now() + 5000, plugin: 'split-wire', hook: 'container.preCreateEndpoint' }),
    host: () => host.invoke('container.preCreateEndpoint', HOST_INPUT),
  };
  for (let round = 0; round < 2; round++) {
    for (const [name, operation] of Object.entries(modes)) {
      for (let i = 0; i < 500; i++) await operation();
      const cpu = process.cpuUsage(); const before = ticks(pid); const started = process.hrtime.bigint();
      await Promise.all(Array.from({ length: concurrency }, async () => { for (let i = 0; i < Math.ceil(calls / concurrency); i++) await operation(); }));
      const wallUs = Number(process.hrtime.bigint() - started) / 1000 / calls;
      const used = process.cpuUsage(cpu); const pluginUs = (ticks(pid) - before) * 10_000 / calls;
      console.log(`${name.padEnd(5)} wall ${wallUs.toFixed(0).padStart(5)} µs  node CPU ${((used.user + used.system) / calls).toFixed(0).padStart(4)} µs (user ${(used.user / calls).toFixed(0)}, sys ${(used.system / calls).toFixed(0)})  plugin CPU ${pluginUs.toFixed(0)} µs per call`);
    }
  }
} finally { raw.close(); wire.close(); await host.stop('done'); rmSync(runtimeDir, { recursive: true, force: true }); }
