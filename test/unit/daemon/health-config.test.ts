// The pure parts of health checks: how a probe result moves State.Health (Docker's rules), the
// next probe's delay, how a container's Healthcheck inherits the image's, and the HEALTHCHECK
// instruction of `docker import --change`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthTimings, inheritHealthcheck, probeCommand, type HealthProbeResult, type HealthState } from '../../../src/daemon/containers/health-config.ts';
import { parseGoDuration, parseHealthcheckInstruction } from '../../../src/daemon/containers/health-instruction.ts';
import { applyProbeResult, healthSuffix, nextProbeDelayMs } from '../../../src/daemon/containers/health-status.ts';
import { applyChanges } from '../../../src/daemon/images/image-changes.ts';

const STARTED = Date.parse('2026-01-01T00:00:00Z');
const result = (exitCode: number, afterStartMs: number): HealthProbeResult => {
  const at = new Date(STARTED + afterStartMs).toISOString();
  return { Start: at, End: at, ExitCode: exitCode, Output: `exit ${exitCode}` };
};
const timings = healthTimings({ Test: ['CMD', 'true'], Retries: 2, StartPeriod: 10_000_000_000 });
const starting: HealthState = { Status: 'starting', FailingStreak: 0, Log: [] };

test('probe results move health as Docker does', () => {
  const table: Array<[string, HealthState, HealthProbeResult, Pick<HealthState, 'Status' | 'FailingStreak'>]> = [
    ['a success makes a starting container healthy', starting, result(0, 1_000), { Status: 'healthy', FailingStreak: 0 }],
    ['a failure within the start period does not count', starting, result(1, 1_000), { Status: 'starting', FailingStreak: 0 }],
    ['a failure after the start period counts', starting, result(1, 11_000), { Status: 'starting', FailingStreak: 1 }],
    ['Retries failures in a row make it unhealthy', { ...starting, FailingStreak: 1 }, result(1, 11_000), { Status: 'unhealthy', FailingStreak: 2 }],
    ['a failure of a healthy container counts even within the start period', { Status: 'healthy', FailingStreak: 0, Log: [] }, result(1, 1_000), { Status: 'healthy', FailingStreak: 1 }],
    ['a success resets the streak of an unhealthy container', { Status: 'unhealthy', FailingStreak: 7, Log: [] }, result(0, 20_000), { Status: 'healthy', FailingStreak: 0 }],
    ['a probe that could not run (-1) is a failure', { Status: 'healthy', FailingStreak: 1, Log: [] }, result(-1, 20_000), { Status: 'unhealthy', FailingStreak: 2 }],
  ];
  for (const [what, before, probe, expected] of table) {
    const after = applyProbeResult(before, probe, timings, STARTED);
    assert.deepEqual({ Status: after.Status, FailingStreak: after.FailingStreak }, expected, what);
    assert.deepEqual(after.Log.at(-1), probe, what);
  }
});

test('Log keeps the last 5 results, oldest first', () => {
  let health = starting;
  for (let i = 0; i < 8; i++) health = applyProbeResult(health, result(i % 2, 20_000 + i), timings, STARTED);
  assert.deepEqual(health.Log.map((entry) => entry.Start), [3, 4, 5, 6, 7].map((i) => new Date(STARTED + 20_000 + i).toISOString()));
});

test('probes come every StartInterval while starting within the start period, every Interval otherwise', () => {
  const t = healthTimings({ Test: ['CMD', 'true'], Interval: 30_000_000_000, StartPeriod: 60_000_000_000, StartInterval: 2_000_000_000 });
  assert.equal(nextProbeDelayMs(starting, t, STARTED, STARTED + 1_000), 2_000);
  assert.equal(nextProbeDelayMs({ ...starting, Status: 'healthy' }, t, STARTED, STARTED + 1_000), 30_000);
  assert.equal(nextProbeDelayMs(starting, t, STARTED, STARTED + 61_000), 30_000);
  assert.deepEqual(healthTimings({ Test: ['CMD', 'true'] }), { intervalMs: 30_000, timeoutMs: 30_000, startPeriodMs: 0, startIntervalMs: 5_000, retries: 3 });
});

test('a container Healthcheck takes what it leaves unset from the image', () => {
  const image = { Test: ['CMD', 'cat', '/ok'], Interval: 5, Retries: 4 };
  assert.deepEqual(inheritHealthcheck(undefined, image), image);
  assert.deepEqual(inheritHealthcheck({ Interval: 9 }, image), { Test: ['CMD', 'cat', '/ok'], Interval: 9, Retries: 4 });
  assert.deepEqual(inheritHealthcheck({ Test: ['NONE'] }, image), { Test: ['NONE'], Interval: 5, Retries: 4 });
  assert.deepEqual(inheritHealthcheck({ Test: ['CMD-SHELL', 'x'] }, undefined), { Test: ['CMD-SHELL', 'x'] });
  assert.equal(inheritHealthcheck(undefined, undefined), undefined);
});

test('CMD runs as given, CMD-SHELL through the container Shell or /bin/sh -c', () => {
  assert.deepEqual(probeCommand({ Test: ['CMD', 'cat', '/ok'] }, undefined), ['cat', '/ok']);
  assert.deepEqual(probeCommand({ Test: ['CMD-SHELL', 'test -f /ok'] }, undefined), ['/bin/sh', '-c', 'test -f /ok']);
  assert.deepEqual(probeCommand({ Test: ['CMD-SHELL', 'x'] }, ['/bin/bash', '-ec']), ['/bin/bash', '-ec', 'x']);
});

test('docker ps suffixes', () => {
  assert.equal(healthSuffix(undefined), '');
  assert.equal(healthSuffix(starting), ' (health: starting)');
  assert.equal(healthSuffix({ ...starting, Status: 'unhealthy' }), ' (unhealthy)');
});

test('the HEALTHCHECK instruction: flags, exec and shell forms, NONE, and errors naming the problem', () => {
  assert.deepEqual(parseHealthcheckInstruction('--interval=1m30s --timeout=500ms --retries=4 CMD ["cat", "/ok"]'), {
    Test: ['CMD', 'cat', '/ok'], Interval: 90_000_000_000, Timeout: 500_000_000, Retries: 4,
  });
  assert.deepEqual(parseHealthcheckInstruction('--start-period=2s --start-interval=1.5s CMD test -f /ok || exit 1'), {
    Test: ['CMD-SHELL', 'test -f /ok || exit 1'], StartPeriod: 2_000_000_000, StartInterval: 1_500_000_000,
  });
  assert.deepEqual(parseHealthcheckInstruction('none'), { Test: ['NONE'] });
  assert.throws(() => parseHealthcheckInstruction('--every=1s CMD true'), /unknown flag --every/);
  assert.throws(() => parseHealthcheckInstruction('--interval=soon CMD true'), /--interval must be a duration/);
  assert.throws(() => parseHealthcheckInstruction('RUN true'), /needs CMD/);
  assert.throws(() => parseHealthcheckInstruction('CMD'), /CMD needs a command/);
  assert.equal(parseGoDuration('1h', 'x'), 3_600_000_000_000);
  assert.deepEqual(applyChanges({}, ['HEALTHCHECK --retries=1 CMD true']).Healthcheck, { Test: ['CMD-SHELL', 'true'], Retries: 1 });
  assert.throws(() => applyChanges({}, ['HEALTHCHECK CMD']), /invalid change "HEALTHCHECK CMD": HEALTHCHECK CMD needs a command/);
});
