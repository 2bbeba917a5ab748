// Where one host call's wall time goes, against a raw grpc-js call to the same plugin: timestamps
// at invoke, when the HTTP/2 stream is opened (the request leaves the host), when its trailers
// arrive (the reply is in), and when invoke resolves. Medians over N sequential calls of one bench row.
//   node --import tsx bench/trace-call.ts <row-id> [calls, default 2000]
// A development tool (`npm run build` first); asserts nothing.

import * as http2 from 'node:http2';

import { pino } from 'pino';

import { attachHost, launchPool, stopAll } from './plugin-pool.ts';
import { RawPluginClient } from './raw-client.ts';
import { hostOperation, orderOf, rawOperation, ROWS } from './scenarios.ts';

const rowId = process.argv[2] ?? 'env-1';
const calls = Number(process.argv[3] ?? 2000);
const found = ROWS.find((r) => r.id === rowId);
if (!found) throw new Error(`no row ${rowId}`);
const row = found;

// One mark per event, per call in flight; the rows traced here make one gRPC call at a time per plugin.
let marks: { sent: bigint[]; received: bigint[] } = { sent: [], received: [] };
// Every client here ends in node:http2: grpc-js's transport, the host's thin client
// (src/host/wire-client.ts) and the raw wire baseline all open one stream per call with
// ClientHttp2Session#request. Mark the stream's creation (the request leaves) and its trailers (the
// reply and its status are in; the clients settle right after). The prototype comes from a session
// to a closed loopback port, destroyed at once.
type RequestFn = (this: http2.ClientHttp2Session, ...args: unknown[]) => http2.ClientHttp2Stream;
const probe = http2.connect('http://127.0.0.1:9');
probe.on('error', () => {});
const sessionPrototype = Object.getPrototypeOf(probe) as { request: RequestFn };
probe.destroy();
const request = sessionPrototype.request;
sessionPrototype.request = function traced(this: http2.ClientHttp2Session, ...args: unknown[]): http2.ClientHttp2Stream {
  const stream = request.apply(this, args);
  marks.sent.push(process.hrtime.bigint());
  stream.once('trailers', () => marks.received.push(process.hrtime.bigint()));
  return stream;
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const logger = pino({ level: 'warn' }, pino.destination(2));
const pool = await launchPool(row.plugins, logger);
const names = pool.names.slice(0, row.plugins);
const host = await attachHost(pool, names.map((name, i) => ({ name, order: orderOf(row, i), config: row.config(i) })), logger);
const clients = names.map((name) => new RawPluginClient(pool.address(name)));
try {
  const modes = { raw: rawOperation(row, clients, 10_000), host: hostOperation(host) };
  const phases = Object.fromEntries(Object.keys(modes).map((mode) => [mode, { before: [] as number[], wire: [] as number[], after: [] as number[], total: [] as number[] }]));
  for (const operation of Object.values(modes)) for (let i = 0; i < 300; i++) await operation();
  // Blocks of 100 calls, alternating which mode goes first, so neither always follows the other.
  for (let block = 0; block < Math.ceil(calls / 100); block++) {
    for (const mode of block % 2 === 0 ? ['raw', 'host'] as const : ['host', 'raw'] as const) {
      for (let i = 0; i < 100; i++) {
        marks = { sent: [], received: [] };
        const start = process.hrtime.bigint();
        await modes[mode]();
        const end = process.hrtime.bigint();
        const firstSent = marks.sent[0]!;
        const lastReceived = marks.received[marks.received.length - 1]!;
        const into = phases[mode]!;
        into.before.push(Number(firstSent - start) / 1000);
        into.wire.push(Number(lastReceived - firstSent) / 1000);
        into.after.push(Number(end - lastReceived) / 1000);
        into.total.push(Number(end - start) / 1000);
      }
    }
  }
  for (const [mode, into] of Object.entries(phases)) {
    console.log(`${mode.padEnd(5)} p50 µs: before the first send ${median(into.before).toFixed(1)}, first send → last reply ${median(into.wire).toFixed(1)}, after the last reply ${median(into.after).toFixed(1)}, total ${median(into.total).toFixed(1)}`);
  }
} finally {
  for (const client of clients) client.close();
  await stopAll(pool, [host]);
}
