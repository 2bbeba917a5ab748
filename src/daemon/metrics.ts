// GET /metrics: what the plugins cost and how they behave, per plugin and hook, in Prometheus's
// text format (metrics-format.ts). Collected without touching the host's internals:
// - hook calls: by wrapping the HookInvoker the daemon calls. A plugin took part in an invocation
//   when it is in InvokeResult.called or .skipped, or is the plugin a thrown HookdError names.
//   Its latency sample is the wall time of the whole invocation (for a plugin in a parallel group
//   that is the group's time, not its own reply time; the host does not report per-plugin times).
// - HTTP served by plugins (api.handleHttp): recorded by the forwarder per call, exact times.
// - states and restarts: read from the host's status() at scrape time, state changes counted
//   from its 'state' events.

import { performance } from 'node:perf_hooks';
import type { HookdError, HookInvoker, PluginState, PluginStatus, StateChange } from '../host/index.ts';
import { CONTENT_TYPE, formatFamilies, type Family, type HistogramSample, type Sample } from './metrics-format.ts';

/** Latency buckets in seconds: from sub-millisecond hook replies to the 60 s timeout ceiling. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const PLUGIN_STATES: readonly PluginState[] = ['starting', 'ready', 'degraded', 'restarting', 'failed', 'stopping', 'stopped'];
const TIMEOUT_CODE = 'ERR_HOOK_TIMEOUT';

interface CallSeries {
  plugin: string;
  hook: string;
  calls: number;
  timeouts: number;
  errors: Map<string, number>;
  /** One count per bucket, plus one for above the last bound. */
  buckets: number[];
  sumSeconds: number;
}

export interface PluginStateSource {
  status(): PluginStatus[];
  on(event: 'state', listener: (change: StateChange) => void): unknown;
}

export class DaemonMetrics {
  readonly contentType = CONTENT_TYPE;
  readonly #calls = new Map<string, CallSeries>();
  /** hook → invocations and failed invocations (including those with no plugin subscribed). */
  readonly #invocations = new Map<string, { total: number; failed: number }>();
  readonly #transitions = new Map<string, { plugin: string; to: PluginState; count: number }>();
  #statusOf: () => PluginStatus[] = () => [];
  /** Families other parts of the daemon keep (the CRI server's), rendered after the plugin metrics. */
  readonly #sources: Array<() => Family[]> = [];

  /** Adds a part's own metric families to GET /metrics. */
  addSource(families: () => Family[]): void {
    this.#sources.push(families);
  }

  /** Reads states and restarts from `host` and counts its state changes. */
  observe(host: PluginStateSource): void {
    this.#statusOf = () => host.status();
    host.on('state', (change) => {
      const key = `${change.plugin}\0${change.to}`;
      const entry = this.#transitions.get(key) ?? { plugin: change.plugin, to: change.to, count: 0 };
      entry.count += 1;
      this.#transitions.set(key, entry);
    });
  }

  /** The invoker the daemon should call: same results, timed and counted. */
  wrap(invoker: HookInvoker): HookInvoker {
    return {
      invoke: async (hook, input, options) => {
        const startedAt = performance.now();
        const invocations = this.#invocations.get(hook) ?? { total: 0, failed: 0 };
        this.#invocations.set(hook, invocations);
        invocations.total += 1;
        try {
          const result = await invoker.invoke(hook, input, options);
          const seconds = (performance.now() - startedAt) / 1000;
          const skipped = new Map(result.skipped.map((skip) => [skip.plugin, skip.code]));
          for (const plugin of new Set([...result.called, ...skipped.keys()])) this.recordCall(plugin, hook, seconds, skipped.get(plugin));
          return result;
        } catch (error) {
          invocations.failed += 1;
          const seconds = (performance.now() - startedAt) / 1000;
          const { plugin, code, details } = (error ?? {}) as Partial<HookdError>;
          if (typeof plugin === 'string') this.recordCall(plugin, hook, seconds, code ?? 'ERR_UNKNOWN');
          // A merge or route conflict names two plugins; both took part in the failure.
          if (typeof details?.other === 'string') this.recordCall(details.other, hook, seconds, code ?? 'ERR_UNKNOWN');
          throw error;
        }
      },
    };
  }

  /** One call of `plugin` for `hook` that took `seconds`; `errorCode` when it failed. */
  recordCall(plugin: string, hook: string, seconds: number, errorCode?: string): void {
    const key = `${plugin}\0${hook}`;
    let series = this.#calls.get(key);
    if (!series) {
      series = { plugin, hook, calls: 0, timeouts: 0, errors: new Map(), buckets: new Array<number>(LATENCY_BUCKETS_SECONDS.length + 1).fill(0), sumSeconds: 0 };
      this.#calls.set(key, series);
    }
    series.calls += 1;
    series.sumSeconds += seconds;
    const bucket = LATENCY_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
    series.buckets[bucket < 0 ? LATENCY_BUCKETS_SECONDS.length : bucket]! += 1;
    if (errorCode !== undefined) {
      series.errors.set(errorCode, (series.errors.get(errorCode) ?? 0) + 1);
      if (errorCode === TIMEOUT_CODE) series.timeouts += 1;
    }
  }

  /** The exposition text for GET /metrics. */
  render(): string {
    return formatFamilies(this.families());
  }

  families(): Family[] {
    const calls = [...this.#calls.values()].sort((a, b) => compare(a.plugin, b.plugin) || compare(a.hook, b.hook));
    const statuses = [...this.#statusOf()].sort((a, b) => compare(a.name, b.name));
    const perCall = (value: (series: CallSeries) => number): Sample[] =>
      calls.map((series) => ({ labels: { plugin: series.plugin, hook: series.hook }, value: value(series) }));
    const histograms: HistogramSample[] = calls.map((series) => ({
      labels: { plugin: series.plugin, hook: series.hook }, bounds: LATENCY_BUCKETS_SECONDS, counts: series.buckets, sum: series.sumSeconds,
    }));
    return [
      { name: 'hookd_hook_invocations_total', help: 'Hook points the daemon ran, whether or not any plugin was subscribed.', type: 'counter',
        samples: [...this.#invocations].sort(([a], [b]) => compare(a, b)).map(([hook, { total }]) => ({ labels: { hook }, value: total })) },
      { name: 'hookd_hook_invocation_failures_total', help: 'Hook points that failed the daemon operation (a plugin error under policy fail, a conflict, a required plugin down).', type: 'counter',
        samples: [...this.#invocations].sort(([a], [b]) => compare(a, b)).map(([hook, { failed }]) => ({ labels: { hook }, value: failed })) },
      { name: 'hookd_plugin_calls_total', help: 'Calls of a plugin for a hook (api.handleHttp: HTTP requests served or wrapped).', type: 'counter', samples: perCall((series) => series.calls) },
      { name: 'hookd_plugin_call_errors_total', help: 'Failed calls of a plugin for a hook, by error code (skipped under policy ignore included).', type: 'counter',
        samples: calls.flatMap((series) => [...series.errors].sort(([a], [b]) => compare(a, b))
          .map(([code, value]) => ({ labels: { plugin: series.plugin, hook: series.hook, code }, value }))) },
      { name: 'hookd_plugin_call_timeouts_total', help: 'Calls of a plugin for a hook that ran out of time (ERR_HOOK_TIMEOUT).', type: 'counter', samples: perCall((series) => series.timeouts) },
      { name: 'hookd_plugin_call_duration_seconds', help: 'Wall time of the hook invocations a plugin took part in (api.handleHttp: of each HTTP call).', type: 'histogram', samples: histograms },
      { name: 'hookd_plugin_restarts_total', help: 'Restarts (launched) or redials (attached) of a plugin since it was last (re)loaded.', type: 'counter',
        samples: statuses.map((status) => ({ labels: { plugin: status.name }, value: status.restarts })) },
      { name: 'hookd_plugin_state', help: 'A plugin\'s supervision state: 1 for the state it is in, 0 for the others.', type: 'gauge',
        samples: statuses.flatMap((status) => PLUGIN_STATES.map((state) => ({ labels: { plugin: status.name, state }, value: status.state === state ? 1 : 0 }))) },
      { name: 'hookd_plugin_state_changes_total', help: 'State changes of a plugin, by the state it entered.', type: 'counter',
        samples: [...this.#transitions.values()].sort((a, b) => compare(a.plugin, b.plugin) || compare(a.to, b.to))
          .map((entry) => ({ labels: { plugin: entry.plugin, state: entry.to }, value: entry.count })) },
      ...this.#sources.flatMap((source) => source()),
    ];
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
