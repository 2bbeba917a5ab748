import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { backoffDelayMs } from '../../../src/host/backoff.ts';

const policy = { initialMs: 100, maxMs: 1000 };

describe('backoffDelayMs', () => {
  it('doubles the ceiling with each attempt until it reaches maxMs', () => {
    const top = () => 1;
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy, top)), [100, 200, 400, 800, 1000, 1000]);
  });

  it('never goes below half of the ceiling, whatever the jitter', () => {
    const bottom = () => 0;
    assert.deepEqual([1, 2, 3, 5].map((n) => backoffDelayMs(n, policy, bottom)), [50, 100, 200, 500]);
  });

  it('spreads delays between half and all of the ceiling', () => {
    assert.equal(backoffDelayMs(3, policy, () => 0.5), 300);
  });

  it('treats attempt 0 and negative attempts like the first retry', () => {
    assert.equal(backoffDelayMs(0, policy, () => 1), 100);
    assert.equal(backoffDelayMs(-3, policy, () => 1), 100);
  });

  it('clamps a random source that strays outside [0, 1)', () => {
    assert.equal(backoffDelayMs(1, policy, () => 7), 100);
    assert.equal(backoffDelayMs(1, policy, () => Number.NaN), 50);
  });

  it('honours a custom multiplier', () => {
    assert.equal(backoffDelayMs(3, { initialMs: 10, maxMs: 10_000, multiplier: 3 }, () => 1), 90);
  });
});
