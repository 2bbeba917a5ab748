// The rows of the latency table, and for each row the three ways of doing the same work:
//   host        PluginHost.invoke('container.preCreate') over the row's plugins
//   raw         the same request message sent by a bare grpc-js client to the same plugin
//               processes, in the same shape (all at once for one group, one after the other for
//               ordered groups, the next one getting the previous reply's bytes), nothing else
//   in-process  benchPreCreate called in this process with the same configs, in the same shape:
//               the handler alone, as PouchContainer's compiled-in plugins ran (no encoding, no merge)

import { randomUUID } from 'node:crypto';

import type { ContainerCreateConfig } from '@hookd/plugin-sdk';

import type { PluginHost } from '../src/host/index.ts';
import { CREATE_CONFIG, CREATE_CONFIG_BYTES } from './fixtures/create-config.ts';
import { benchPreCreate, type NoopConfig } from './fixtures/pre-create-handler.ts';
import type { Operation } from './measure.ts';
import type { PreCreateClient } from './raw-client.ts';

export interface Row {
  id: string;
  label: string;
  plugins: number;
  /** parallel: every plugin order 0 (one group); groups: plugin i has order i (a pipeline). */
  layout: 'parallel' | 'groups';
  /** The manifest config of plugin i (0-based). */
  config(index: number): NoopConfig;
  /** Requests in flight at once. */
  concurrency: number;
  /** Share of --iterations this row measures (slow rows measure fewer). */
  weight: number;
}

const noop = (): NoopConfig => ({});
const setsEnv = (index: number): NoopConfig => ({ setEnv: `BENCH_PLUGIN_${index + 1}=1` });
const waits5ms = (): NoopConfig => ({ delayMs: 5 });

export const ROWS: readonly Row[] = [
  { id: 'noop-1', label: '1 plugin, no-op', plugins: 1, layout: 'parallel', config: noop, concurrency: 1, weight: 1 },
  { id: 'noop-4-par', label: '4 no-op, parallel', plugins: 4, layout: 'parallel', config: noop, concurrency: 1, weight: 1 },
  { id: 'noop-16-par', label: '16 no-op, parallel', plugins: 16, layout: 'parallel', config: noop, concurrency: 1, weight: 0.5 },
  { id: 'noop-4-seq', label: '4 no-op, 4 groups', plugins: 4, layout: 'groups', config: noop, concurrency: 1, weight: 1 },
  { id: 'noop-16-seq', label: '16 no-op, 16 groups', plugins: 16, layout: 'groups', config: noop, concurrency: 1, weight: 0.5 },
  { id: 'env-1', label: '1 plugin, sets 1 env var', plugins: 1, layout: 'parallel', config: setsEnv, concurrency: 1, weight: 1 },
  { id: 'env-4-par', label: '4 set 1 env var each, parallel', plugins: 4, layout: 'parallel', config: setsEnv, concurrency: 1, weight: 1 },
  { id: 'env-4-seq', label: '4 set 1 env var each, 4 groups', plugins: 4, layout: 'groups', config: setsEnv, concurrency: 1, weight: 1 },
  { id: 'wait-16-par', label: '16 wait 5 ms, parallel', plugins: 16, layout: 'parallel', config: waits5ms, concurrency: 1, weight: 0.25 },
  { id: 'wait-16-seq', label: '16 wait 5 ms, 16 groups', plugins: 16, layout: 'groups', config: waits5ms, concurrency: 1, weight: 0.06 },
  { id: 'conc-64x4', label: '64 concurrent requests, 4 no-op parallel', plugins: 4, layout: 'parallel', config: noop, concurrency: 64, weight: 2 },
];

export function orderOf(row: Row, index: number): number {
  return row.layout === 'groups' ? index : 0;
}

export function hostOperation(host: PluginHost): Operation {
  return () => host.invoke('container.preCreate', { config: CREATE_CONFIG, name: '' });
}

/**
 * What the host would send, byte for byte (its request message for hostOperation's input: `name`,
 * `context.request_id`, `config_json`): a fresh request id per request, the document bytes per group.
 */
export function rawOperation(row: Row, clients: readonly PreCreateClient[], timeoutMs: number): Operation {
  if (row.layout === 'parallel') {
    return () => {
      const request = { name: '', context: { request_id: randomUUID() }, config_json: CREATE_CONFIG_BYTES };
      return Promise.all(clients.map((client) => client.preCreate(request, timeoutMs)));
    };
  }
  return async () => {
    const requestId = randomUUID();
    let document: Buffer = CREATE_CONFIG_BYTES;
    for (const client of clients) {
      document = (await client.preCreate({ name: '', context: { request_id: requestId }, config_json: document }, timeoutMs)) ?? document;
    }
    return document;
  };
}

export function inProcessOperation(row: Row): Operation {
  const configs = Array.from({ length: row.plugins }, (_, i) => row.config(i));
  if (row.layout === 'parallel') {
    return () => Promise.all(configs.map(async (pluginConfig) => benchPreCreate({ config: CREATE_CONFIG, pluginConfig })));
  }
  return async () => {
    let config: ContainerCreateConfig = CREATE_CONFIG;
    for (const pluginConfig of configs) config = (await benchPreCreate({ config, pluginConfig })) ?? config;
    return config;
  };
}
