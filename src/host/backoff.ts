// Jittered exponential backoff for restarts, redials and readiness retries. Pure: the random
// source is injected so tests can pin the jitter.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Growth per attempt; 2 doubles the ceiling each time. */
  multiplier?: number;
}

/**
 * The delay before retry number `attempt` (1 = the first retry): "full jitter" between half and
 * all of min(maxMs, initialMs * multiplier^(attempt-1)). Half-floor keeps retries from bunching at
 * zero while the jitter still spreads a crowd of plugins restarted at once.
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const multiplier = policy.multiplier ?? 2;
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * multiplier ** exponent);
  const jittered = ceiling / 2 + (ceiling / 2) * clampUnit(random());
  return Math.max(0, Math.round(jittered));
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 : value;
}
