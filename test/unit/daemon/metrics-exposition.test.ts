// GET /metrics: the Prometheus text format, and what the wrapped invoker counts per plugin and hook.

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { HookdError, type HookInvoker, type InvokeOutcome, type PluginStatus, type StateChange } from '../../../src/host/index.ts';
import { DaemonMetrics, LATENCY_BUCKETS_SECONDS } from '../../../src/daemon/metrics.ts';
import { escapeLabelValue, formatFamilies } from '../../../src/daemon/metrics-format.ts';

test('writes HELP and TYPE lines, escaped labels, and cumulative histogram buckets ending in +Inf', () => {
  const text = formatFamilies([
    { name: 'x_total', help: 'Things.\nCounted \\ here.', type: 'counter', samples: [{ labels: { plugin: 'a"b\\c\nd' }, value: 3 }] },
    { name: 'x_seconds', help: 'Time.', type: 'histogram', samples: [{ labels: { plugin: 'p' }, bounds: [0.1, 1], counts: [2, 1, 4], sum: 9.5 }] },
    { name: 'x_empty', help: 'Nothing yet.', type: 'gauge', samples: [] },
  ]);
  assert.equal(text, [
    '# HELP x_total Things.\\nCounted \\\\ here.',
    '# TYPE x_total counter',
    'x_total{plugin="a\\"b\\\\c\\nd"} 3',
    '# HELP x_seconds Time.',
    '# TYPE x_seconds histogram',
    'x_seconds_bucket{plugin="p",le="0.1"} 2',
    'x_seconds_bucket{plugin="p",le="1"} 3',
    'x_seconds_bucket{plugin="p",le="+Inf"} 7',
    'x_seconds_sum{plugin="p"} 9.5',
    'x_seconds_count{plugin="p"} 7',
    '# HELP x_empty Nothing yet.',
    '# TYPE x_empty gauge',
    '',
  ].join('\n'));
  assert.equal(escapeLabelValue('plain'), 'plain');
});

function result(hook: InvokeOutcome['hook'], called: string[], skipped: InvokeOutcome['skipped'] = []): InvokeOutcome {
  return { hook, requestId: 'r', called, skipped };
}

class FakeHost extends EventEmitter<{ state: [StateChange] }> {
  statuses: PluginStatus[] = [];
  status(): PluginStatus[] { return this.statuses; }
}

function status(name: string, state: PluginStatus['state'], restarts: number): PluginStatus {
  return { name, kind: 'launched', state, hooks: [], restarts, consecutiveFailures: 0, since: '2026-01-01T00:00:00.000Z' };
}

test('counts calls, errors by code and timeouts per plugin and hook through the wrapped invoker', async () => {
  const replies: Array<() => Promise<InvokeOutcome>> = [
    async () => result('container.preCreate', ['quota', 'netprio']),
    async () => result('container.preCreate', ['quota', 'netprio'], [{ plugin: 'netprio', code: 'ERR_HOOK_TIMEOUT', message: 'slow' }]),
    async () => { throw new HookdError('ERR_MERGE_CONFLICT', { plugin: 'quota', other: 'netprio', path: 'HostConfig.Memory', hook: 'container.preCreate' }); },
    async () => { throw new HookdError('ERR_HOOK_REJECTED', { plugin: 'quota', hook: 'container.preCreate', reason: 'no' }); },
    async () => result('daemon.preStart', []),
  ];
  // The metrics read only what every outcome has (called, skipped), whatever the hook.
  const inner = { invoke: () => replies.shift()!() } as unknown as HookInvoker;
  const metrics = new DaemonMetrics();
  const invoker = metrics.wrap(inner);
  await invoker.invoke('container.preCreate', { config: {}, name: '' });
  await invoker.invoke('container.preCreate', { config: {}, name: '' });
  await assert.rejects(invoker.invoke('container.preCreate', { config: {}, name: '' }), { code: 'ERR_MERGE_CONFLICT' });
  await assert.rejects(invoker.invoke('container.preCreate', { config: {}, name: '' }), { code: 'ERR_HOOK_REJECTED' });
  await invoker.invoke('daemon.preStart', { daemonVersion: '', dataRoot: '' });
  metrics.recordCall('router', 'api.handleHttp', 0.002);

  const text = metrics.render();
  const lines = new Set(text.split('\n'));
  for (const line of [
    'hookd_hook_invocations_total{hook="container.preCreate"} 4',
    'hookd_hook_invocation_failures_total{hook="container.preCreate"} 2',
    'hookd_hook_invocations_total{hook="daemon.preStart"} 1',
    'hookd_plugin_calls_total{plugin="quota",hook="container.preCreate"} 4',
    'hookd_plugin_calls_total{plugin="netprio",hook="container.preCreate"} 3',
    'hookd_plugin_call_errors_total{plugin="netprio",hook="container.preCreate",code="ERR_HOOK_TIMEOUT"} 1',
    'hookd_plugin_call_errors_total{plugin="netprio",hook="container.preCreate",code="ERR_MERGE_CONFLICT"} 1',
    'hookd_plugin_call_errors_total{plugin="quota",hook="container.preCreate",code="ERR_HOOK_REJECTED"} 1',
    'hookd_plugin_call_timeouts_total{plugin="netprio",hook="container.preCreate"} 1',
    'hookd_plugin_call_timeouts_total{plugin="quota",hook="container.preCreate"} 0',
    'hookd_plugin_calls_total{plugin="router",hook="api.handleHttp"} 1',
    'hookd_plugin_call_duration_seconds_bucket{plugin="router",hook="api.handleHttp",le="0.001"} 0',
    'hookd_plugin_call_duration_seconds_bucket{plugin="router",hook="api.handleHttp",le="0.0025"} 1',
    'hookd_plugin_call_duration_seconds_count{plugin="quota",hook="container.preCreate"} 4',
  ]) assert.ok(lines.has(line), `missing: ${line}\n${text}`);
  const buckets = text.split('\n').filter((line) => line.startsWith('hookd_plugin_call_duration_seconds_bucket{plugin="quota"'));
  assert.equal(buckets.length, LATENCY_BUCKETS_SECONDS.length + 1);
});

test('reports each plugin\'s state as a 0/1 gauge per state, its restarts, and counts state changes', () => {
  const host = new FakeHost();
  const metrics = new DaemonMetrics();
  metrics.observe(host);
  host.statuses = [status('quota', 'ready', 2), status('netprio', 'failed', 5)];
  host.emit('state', { plugin: 'quota', from: 'starting', to: 'ready', at: '' });
  host.emit('state', { plugin: 'quota', from: 'ready', to: 'restarting', at: '' });
  host.emit('state', { plugin: 'quota', from: 'starting', to: 'ready', at: '' });
  const lines = new Set(metrics.render().split('\n'));
  for (const line of [
    'hookd_plugin_state{plugin="quota",state="ready"} 1',
    'hookd_plugin_state{plugin="quota",state="failed"} 0',
    'hookd_plugin_state{plugin="netprio",state="failed"} 1',
    'hookd_plugin_restarts_total{plugin="netprio"} 5',
    'hookd_plugin_restarts_total{plugin="quota"} 2',
    'hookd_plugin_state_changes_total{plugin="quota",state="ready"} 2',
    'hookd_plugin_state_changes_total{plugin="quota",state="restarting"} 1',
    '# TYPE hookd_plugin_state gauge',
  ]) assert.ok(lines.has(line), `missing: ${line}`);
});
