// Docker's health check configuration (Config.Healthcheck, an image's HEALTHCHECK): its shape,
// its validation, how a container's config inherits the image's, and the effective timings with
// Docker's defaults. Durations are nanoseconds, as in the Engine API.

import { badRequest } from '../errors.ts';

export interface HealthcheckConfig {
  /** [] inherit the image's; ["NONE"] disabled; ["CMD", argv...]; ["CMD-SHELL", "command"]. */
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy';

/** One probe's result, as Docker's inspect shows it in State.Health.Log. */
export interface HealthProbeResult {
  Start: string;
  End: string;
  /** 0 healthy, anything else a failure; -1 when the probe could not run or timed out. */
  ExitCode: number;
  Output: string;
}

/** State.Health in inspect. */
export interface HealthState {
  Status: HealthStatus;
  FailingStreak: number;
  /** The last MAX_HEALTH_LOG results, oldest first. */
  Log: HealthProbeResult[];
}

export interface HealthTimings {
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

export const MAX_HEALTH_LOG = 5;
/** Docker's limit on the output kept per probe (stdout and stderr together). */
export const MAX_HEALTH_OUTPUT_BYTES = 4096;

const NS_PER_MS = 1_000_000;
/** Docker's defaults (daemon/health.go) and minimum (1 ms for any duration that is set). */
const DEFAULTS = { intervalMs: 30_000, timeoutMs: 30_000, startPeriodMs: 0, startIntervalMs: 5_000, retries: 3 };
const DURATIONS = ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const;

/** Throws a 400 naming the field for a Healthcheck Docker would refuse (or run as nothing). */
export function validateHealthcheck(value: unknown, where: string): void {
  if (value === undefined || value === null) return;
  const fail = (field: string, reason: string): never => { throw badRequest(`${where}: Healthcheck.${field} ${reason}`); };
  if (typeof value !== 'object' || Array.isArray(value)) fail('', `must be an object, got ${JSON.stringify(value)}`);
  const check = value as Record<string, unknown>;
  const test = check.Test;
  if (test !== undefined && test !== null) {
    if (!Array.isArray(test) || !test.every((item) => typeof item === 'string')) fail('Test', 'must be an array of strings');
    const [kind, ...rest] = test as string[];
    if (kind !== undefined && !['NONE', 'CMD', 'CMD-SHELL'].includes(kind)) {
      fail('Test', `must start with "CMD", "CMD-SHELL" or "NONE", got ${JSON.stringify(kind)}`);
    }
    if ((kind === 'CMD' || kind === 'CMD-SHELL') && rest.length === 0) fail('Test', `${kind} needs a command`);
  }
  for (const field of DURATIONS) {
    const duration = check[field];
    if (duration === undefined || duration === null || duration === 0) continue;
    if (typeof duration !== 'number' || !Number.isInteger(duration)) fail(field, `must be an integer (nanoseconds), got ${JSON.stringify(duration)}`);
    if ((duration as number) < NS_PER_MS) fail(field, `cannot be less than 1ms (${NS_PER_MS} ns), got ${String(duration)}`);
  }
  const retries = check.Retries;
  if (retries !== undefined && retries !== null && (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0)) {
    fail('Retries', `must be a non-negative integer, got ${JSON.stringify(retries)}`);
  }
}

/**
 * Docker's merge (daemon/commit.go): no Healthcheck at all takes the image's; otherwise each
 * unset part (empty Test, zero durations and retries) takes the image's part.
 */
export function inheritHealthcheck(container: HealthcheckConfig | undefined, image: HealthcheckConfig | undefined): HealthcheckConfig | undefined {
  if (!image) return container;
  if (!container) return structuredClone(image);
  const merged: HealthcheckConfig = { ...container };
  if (!merged.Test || merged.Test.length === 0) merged.Test = image.Test;
  for (const field of [...DURATIONS, 'Retries'] as const) {
    if (!merged[field] && image[field]) merged[field] = image[field];
  }
  return merged;
}

/** True when the container has a health check to run (a CMD or CMD-SHELL test). */
export function isHealthcheckEnabled(check: HealthcheckConfig | undefined): check is HealthcheckConfig & { Test: string[] } {
  const kind = check?.Test?.[0];
  return kind === 'CMD' || kind === 'CMD-SHELL';
}

export function healthTimings(check: HealthcheckConfig): HealthTimings {
  const ms = (ns: number | undefined, fallback: number): number => (ns && ns > 0 ? Math.max(1, Math.round(ns / NS_PER_MS)) : fallback);
  return {
    intervalMs: ms(check.Interval, DEFAULTS.intervalMs),
    timeoutMs: ms(check.Timeout, DEFAULTS.timeoutMs),
    startPeriodMs: ms(check.StartPeriod, DEFAULTS.startPeriodMs),
    startIntervalMs: ms(check.StartInterval, DEFAULTS.startIntervalMs),
    retries: check.Retries && check.Retries > 0 ? check.Retries : DEFAULTS.retries,
  };
}

/** The probe's argv: CMD's as given; CMD-SHELL's through the container's Shell (default /bin/sh -c). */
export function probeCommand(check: HealthcheckConfig & { Test: string[] }, shell: string[] | undefined): string[] {
  const [kind, ...rest] = check.Test;
  if (kind === 'CMD') return rest;
  return [...(shell && shell.length > 0 ? shell : ['/bin/sh', '-c']), rest.join(' ')];
}
