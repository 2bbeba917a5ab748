// Timing loops. Each row is measured in interleaved rounds (host, raw, in-process; then raw,
// in-process, host; ...) rather than one mode after the other, so a burst of load from the other
// users of a shared machine lands on all three modes instead of skewing one ratio, and no mode is
// always the one that follows another.

export type Operation = () => Promise<unknown>;

export interface ModeSamples {
  /** One latency per request, in nanoseconds. */
  samplesNs: number[];
  /** Wall time of the measured rounds (not the warm-up), for throughput. */
  wallNs: number;
}

export interface MeasurePlan {
  /** Measured requests per mode. */
  iterations: number;
  warmup: number;
  rounds: number;
  /** Requests in flight at once: 1 = one after the other; more = that many closed-loop workers. */
  concurrency: number;
  /**
   * No new round starts once the row has run this long (warm-up included), so a loaded machine
   * shortens a row instead of stretching the run; every mode still gets the same rounds, and at
   * least one. The tables print the requests actually measured.
   */
  budgetMs: number;
}

/** Runs `count` requests with `concurrency` workers, each starting its next request when the last ends. */
async function runLoop(operation: Operation, count: number, concurrency: number, into?: ModeSamples): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      const start = process.hrtime.bigint();
      await operation();
      into?.samplesNs.push(Number(process.hrtime.bigint() - start));
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (into) into.wallNs += Number(process.hrtime.bigint() - start);
}

export async function measureModes<M extends string>(operations: Record<M, Operation>, plan: MeasurePlan): Promise<Record<M, ModeSamples>> {
  const modes = Object.keys(operations) as M[];
  const results = Object.fromEntries(modes.map((mode): [M, ModeSamples] => [mode, { samplesNs: [], wallNs: 0 }])) as Record<M, ModeSamples>;
  const startedAt = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - startedAt) / 1e6;
  for (const mode of modes) await runLoop(operations[mode], plan.warmup, plan.concurrency);
  const perRound = Math.max(1, Math.ceil(plan.iterations / plan.rounds));
  for (let round = 0; round < plan.rounds; round += 1) {
    const count = Math.min(perRound, plan.iterations - round * perRound);
    if (count <= 0 || (round > 0 && elapsedMs() > plan.budgetMs)) break;
    // Each round starts with the next mode: a round that follows the in-process one (no plugin
    // traffic for a while) starts with idle plugin processes, and a fixed order gave that to the
    // host in every round while raw always followed the host's warm calls.
    for (let i = 0; i < modes.length; i += 1) {
      const mode = modes[(round + i) % modes.length] as M;
      await runLoop(operations[mode], count, plan.concurrency, results[mode]);
    }
  }
  return results;
}

/** Mean ns per call of a synchronous function, for the cost breakdown. */
export function timeSync(operation: () => unknown, iterations: number): number {
  for (let i = 0; i < Math.min(200, iterations); i += 1) operation();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) operation();
  return Number(process.hrtime.bigint() - start) / iterations;
}

/** Mean ns per call of an asynchronous operation, one call at a time, for the cost breakdown. */
export async function timeAsync(operation: Operation, iterations: number): Promise<number> {
  for (let i = 0; i < Math.min(200, iterations); i += 1) await operation();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) await operation();
  return Number(process.hrtime.bigint() - start) / iterations;
}
