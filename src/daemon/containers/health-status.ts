// How one probe result changes State.Health, as dockerd's handleProbeResult does: a success makes
// the container healthy and resets the streak; a failure adds to the streak, and `retries` failures
// in a row make it unhealthy, except that failures within the start period, before the first
// success, do not count. Pure: the monitor persists and publishes what changed.

import { MAX_HEALTH_LOG, type HealthProbeResult, type HealthState, type HealthTimings } from './health-config.ts';

export function applyProbeResult(health: HealthState, result: HealthProbeResult, timings: HealthTimings, startedAtMs: number): HealthState {
  const Log = [...health.Log, result].slice(-MAX_HEALTH_LOG);
  if (result.ExitCode === 0) return { Status: 'healthy', FailingStreak: 0, Log };
  const inStartPeriod = health.Status === 'starting' && Date.parse(result.Start) - startedAtMs < timings.startPeriodMs;
  if (inStartPeriod) return { ...health, Log };
  const FailingStreak = health.FailingStreak + 1;
  return { Status: FailingStreak >= timings.retries ? 'unhealthy' : health.Status, FailingStreak, Log };
}

/**
 * The wait before the next probe: the start interval while the container is still `starting`
 * within its start period, the interval otherwise.
 */
export function nextProbeDelayMs(health: HealthState, timings: HealthTimings, startedAtMs: number, nowMs = Date.now()): number {
  const inStartPeriod = nowMs - startedAtMs < timings.startPeriodMs;
  return inStartPeriod && health.Status === 'starting' ? timings.startIntervalMs : timings.intervalMs;
}

/** `docker ps` status suffix: " (healthy)", " (unhealthy)", " (health: starting)". */
export function healthSuffix(health: HealthState | undefined): string {
  if (!health) return '';
  return health.Status === 'starting' ? ' (health: starting)' : ` (${health.Status})`;
}
