// Where the time of one hook call goes, measured piece by piece on the same 2 KB document: the
// steps the host and the SDK do around every call, without any I/O. Printed under the latency
// table so the ratios can be read against them (docs/performance.md explains the sums).

import { decodeDocument, encodeDocumentReply } from '../plugin-sdk/node/src/documents.ts';
import { hookSpec } from '../src/host/hooks.ts';
import { mergeGroup } from '../src/host/merge.ts';
import { decodeReplyDocument } from '../src/host/reply-decode.ts';
import { CREATE_CONFIG, CREATE_CONFIG_BYTES } from './fixtures/create-config.ts';
import { timeSync } from './measure.ts';
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
  const request = { context: { request_id: '0b6f7c1e-8a53-4f1d-9b1e-2f7d2c6a9e10' }, config_json: CREATE_CONFIG_BYTES };
  const requestBytes = method.requestSerialize(request);
  const spec = hookSpec('container.preCreate');
  const changedDocument = (index: number) => ({ ...CREATE_CONFIG, Env: [...(CREATE_CONFIG.Env ?? []), `BENCH_PLUGIN_${index}=1`] });
  const changedBytes = Buffer.from(JSON.stringify(changedDocument(1)));
  const oneReply = [{ plugin: 'p1', output: changedDocument(1) }];
  const fourReplies = [1, 2, 3, 4].map((i) => ({ plugin: `p${i}`, output: changedDocument(i) }));
  const group = { hook: spec.name, order: 0 };

  const lines: Array<[string, string, () => unknown]> = [
    ['JSON.stringify of the document', 'host, once per request and per changed group', () => JSON.stringify(CREATE_CONFIG)],
    ['protobuf encode of the request', 'host (grpc-js), per plugin call', () => method.requestSerialize(request)],
    ['protobuf decode of the request', 'plugin (grpc-js), per call', () => method.requestDeserialize(requestBytes)],
    ['SDK: parse + re-stringify + compare (unchanged reply)', 'plugin (SDK), per call', () => {
      const document = decodeDocument(CREATE_CONFIG_BYTES, 'config_json');
      return encodeDocumentReply(undefined, document, 'containerPreCreate');
    }],
    ['decode of a changed reply (JSON.parse)', 'host, per changed reply', () => decodeReplyDocument(spec, 'p1', { config: { json: changedBytes } }, CREATE_CONFIG)],
    ['diff + merge, 1 changed reply', 'host, per group', () => mergeGroup(CREATE_CONFIG, oneReply, group)],
    ['diff + merge, 4 changed replies', 'host, per group', () => mergeGroup(CREATE_CONFIG, fourReplies, group)],
  ];
  return lines.map(([step, where, operation]) => ({ step, where, meanNs: timeSync(operation, iterations) }));
}
