// Where the time of one hook call goes, measured piece by piece on the same 2 KB document: the
// steps the host and the SDK do around every call, without any I/O, and the host's whole dispatch
// path (dispatch.ts: selection, groups, deadline guards, reply decoding, diff and merge) over
// in-memory plugin handles that answer at once. Printed under the latency table so the ratios can
// be read against them (docs/performance.md explains the sums).

import { decodeDocument, encodeDocumentReply } from '../plugin-sdk/node/src/documents.ts';
import type { PluginHandle, PluginStatus } from '../src/host/types.ts';
import { CREATE_CONFIG, CREATE_CONFIG_BYTES } from './fixtures/create-config.ts';
import { timeAsync, timeSync } from './measure.ts';
import { decodeReplyClaims, decodeReplyDocument, dispatchHook, hookSpec, mergeGroup, parseManifest, SentDocument } from './shipped-host.ts';
import { loadPluginDefinition } from './raw-client.ts';

export interface CostLine {
  step: string;
  where: string;
  meanNs: number;
}

interface Serializers {
  requestSerialize(value: object): Buffer;
  requestDeserialize(bytes: Buffer): object;
}

export function measureBreakdown(iterations: number): CostLine[] {
  const method = (loadPluginDefinition()['hookd.v1.Plugin'] as Record<string, Serializers>).ContainerPreCreate as Serializers;
  const request = { name: '', context: { request_id: '0b6f7c1e-8a53-4f1d-9b1e-2f7d2c6a9e10' }, config_json: CREATE_CONFIG_BYTES };
  const requestBytes = method.requestSerialize(request);
  const spec = hookSpec('container.preCreate');
  const changedDocument = (index: number) => ({ ...CREATE_CONFIG, Env: [...(CREATE_CONFIG.Env ?? []), `BENCH_PLUGIN_${index}=1`] });
  const changedBytes = Buffer.from(JSON.stringify(changedDocument(1)));
  // Replies as the host has them: parsed from the reply's bytes, so they share no objects with the
  // input (a spread copy would share HostConfig and every other unchanged object with it, and the
  // diff skips identical objects without looking inside them).
  const parsed = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
  const oneReply = [{ plugin: 'p1', output: parsed(changedDocument(1)) }];
  const fourReplies = [1, 2, 3, 4].map((i) => ({ plugin: `p${i}`, output: parsed(changedDocument(i)) }));
  const group = { hook: spec.name, order: 0 };

  const lines: Array<[string, string, () => unknown]> = [
    ['JSON.stringify of the document', 'host, once per request and per changed group', () => JSON.stringify(CREATE_CONFIG)],
    ['protobuf encode of the request', 'host (wire client, proto-loader), per plugin call', () => method.requestSerialize(request)],
    ['protobuf decode of the request', 'plugin (grpc-js), per call', () => method.requestDeserialize(requestBytes)],
    ['SDK: parse + re-stringify + compare (unchanged reply)', 'plugin (SDK), per call', () => {
      const document = decodeDocument(CREATE_CONFIG_BYTES, 'config_json');
      return encodeDocumentReply(undefined, document, 'containerPreCreate');
    }],
    ['changed reply → claims, narrowed by bytes (the usual path)', 'host, per changed reply', () => {
      // The fast path (reply-claims.ts): the reply's bytes against the bytes the plugin was sent. A
      // new SentDocument each time, as each request's group has, so its one-off check is counted.
      return decodeReplyClaims(spec, 'p1', { config: { json: changedBytes } }, new SentDocument(CREATE_CONFIG, CREATE_CONFIG_BYTES));
    }],
    ['full path: decode of a changed reply (JSON.parse)', 'host, per changed reply the narrowing cannot take', () => decodeReplyDocument(spec, 'p1', { config: { json: changedBytes } }, CREATE_CONFIG)],
    ['full path: diff + merge, 1 changed reply', 'host, per group', () => mergeGroup(CREATE_CONFIG, oneReply, group)],
    ['full path: diff + merge, 4 changed replies', 'host, per group', () => mergeGroup(CREATE_CONFIG, fourReplies, group)],
  ];
  return lines.map(([step, where, operation]) => ({ step, where, meanNs: timeSync(operation, iterations) }));
}

/**
 * A ready plugin that answers ContainerPreCreate at once with a prepared reply, in the shape
 * grpc-client.ts decodes (`config: null` = unchanged). What is left is the host's own work.
 */
function inMemoryHandle(name: string, order: number, setEnv: string | undefined): PluginHandle {
  const manifest = parseManifest({ name, attach: { address: `unix:///nonexistent/${name}.sock` }, order }, '<inline>');
  const reply = setEnv === undefined
    ? { config: null }
    : { config: { json: Buffer.from(JSON.stringify({ ...CREATE_CONFIG, Env: [...(CREATE_CONFIG.Env ?? []), setEnv] })) } };
  const subscriptions = new Map([['container.preCreate' as const, { hook: 'container.preCreate' as const }]]);
  const status: PluginStatus = { name, kind: 'attached', state: 'ready', hooks: ['container.preCreate'], restarts: 0, consecutiveFailures: 0, since: new Date().toISOString() };
  // It answers at once, so it ends every call by the deadline: enforcesDeadline lets dispatch take
  // the path it takes for the supervisor's handles (no guard timer and controller per call), so the
  // figure is the host's own work on the path requests really take.
  return { name, manifest, state: 'ready', enforcesDeadline: true, subscriptions: () => subscriptions, call: async () => reply, status: () => status };
}

export async function measureDispatchOnly(iterations: number): Promise<CostLine[]> {
  const cases: Array<[string, PluginHandle[]]> = [
    ['1 no-op', [inMemoryHandle('p01', 0, undefined)]],
    ['16 no-op, parallel', Array.from({ length: 16 }, (_, i) => inMemoryHandle(`p${i}`, 0, undefined))],
    ['16 no-op, 16 groups', Array.from({ length: 16 }, (_, i) => inMemoryHandle(`p${i}`, i, undefined))],
    ['4 set 1 env var each, parallel', Array.from({ length: 4 }, (_, i) => inMemoryHandle(`p${i}`, 0, `BENCH_PLUGIN_${i + 1}=1`))],
    ['4 set 1 env var each, 4 groups', Array.from({ length: 4 }, (_, i) => inMemoryHandle(`p${i}`, i, `BENCH_PLUGIN_${i + 1}=1`))],
  ];
  const lines: CostLine[] = [];
  for (const [label, handles] of cases) {
    const meanNs = await timeAsync(() => dispatchHook(handles, 'container.preCreate', { document: CREATE_CONFIG }), iterations);
    lines.push({ step: `dispatch with in-memory plugins: ${label}`, where: 'host, per request (no gRPC)', meanNs });
  }
  return lines;
}
