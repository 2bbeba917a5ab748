// Latency samples → the figures the tables print. Samples are nanoseconds (process.hrtime.bigint
// differences, kept as numbers: a sample is far below 2^53 ns).

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

/** Nearest-rank percentile of sorted samples (p in 0..100). */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(samplesNs: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samplesNs).sort();
  let total = 0;
  for (const sample of sorted) total += sample;
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50) / 1e6,
    p99Ms: percentile(sorted, 99) / 1e6,
    meanMs: sorted.length === 0 ? Number.NaN : total / sorted.length / 1e6,
  };
}

/** "812 µs", "4.37 ms", "0.4 µs": three significant figures or so, unit chosen by size. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  const us = ms * 1000;
  if (us >= 100) return `${us.toFixed(0)} µs`;
  if (us >= 1) return `${us.toFixed(1)} µs`;
  return `${us.toFixed(2)} µs`;
}

/** "3.4×", "1210×": how many times `a` is `b`. */
export function formatRatio(a: number, b: number): string {
  if (!(b > 0) || !Number.isFinite(a)) return 'n/a';
  const ratio = a / b;
  return ratio >= 100 ? `${ratio.toFixed(0)}×` : ratio >= 10 ? `${ratio.toFixed(1)}×` : `${ratio.toFixed(2)}×`;
}

/** "+412 µs", "−0.20 ms": a signed difference. */
export function formatDelta(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return `${ms < 0 ? '−' : '+'}${formatMs(Math.abs(ms))}`;
}
