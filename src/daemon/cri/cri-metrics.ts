// The CRI server's metrics, rendered in the daemon's GET /metrics beside the plugin metrics: every
// RPC counted by method and gRPC status code, and its latency per method. Recorded once per call
// by server.ts, so a handler needs nothing to be measured.

import type * as grpc from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import type { Family } from '../metrics-format.ts';
import { LATENCY_BUCKETS_SECONDS } from '../metrics.ts';

interface MethodSeries {
  codes: Map<string, number>;
  /** One count per bucket, plus one for above the last bound. */
  buckets: number[];
  sumSeconds: number;
}

export class CriMetrics {
  readonly #methods = new Map<string, MethodSeries>();

  record(method: string, code: grpc.status, seconds: number): void {
    let series = this.#methods.get(method);
    if (!series) {
      series = { codes: new Map(), buckets: new Array<number>(LATENCY_BUCKETS_SECONDS.length + 1).fill(0), sumSeconds: 0 };
      this.#methods.set(method, series);
    }
    const name = status[code] ?? String(code);
    series.codes.set(name, (series.codes.get(name) ?? 0) + 1);
    series.sumSeconds += seconds;
    const bucket = LATENCY_BUCKETS_SECONDS.findIndex((bound) => seconds <= bound);
    series.buckets[bucket < 0 ? LATENCY_BUCKETS_SECONDS.length : bucket]! += 1;
  }

  families(): Family[] {
    const methods = [...this.#methods].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return [
      { name: 'hookd_cri_requests_total', help: 'CRI calls served, by method and gRPC status code.', type: 'counter',
        samples: methods.flatMap(([method, series]) => [...series.codes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([code, value]) => ({ labels: { method, code }, value }))) },
      { name: 'hookd_cri_request_duration_seconds', help: 'Time from a CRI call\'s arrival to its answer, by method.', type: 'histogram',
        samples: methods.map(([method, series]) => ({ labels: { method }, bounds: LATENCY_BUCKETS_SECONDS, counts: series.buckets, sum: series.sumSeconds })) },
    ];
  }
}
