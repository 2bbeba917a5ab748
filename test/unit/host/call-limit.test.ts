import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { InFlightLimiter, type GiveUpReason } from '../../../src/host/call-limit.ts';

const giveUp = (reason: GiveUpReason) => new Error(reason);
const far = () => Date.now() + 60_000;

describe('InFlightLimiter', () => {
  it('grants up to max slots at once and queues the rest in arrival order', async () => {
    const limiter = new InFlightLimiter(2);
    const first = await limiter.acquire(far(), undefined, giveUp);
    const second = await limiter.acquire(far(), undefined, giveUp);
    const order: string[] = [];
    const third = limiter.acquire(far(), undefined, giveUp).then((release) => { order.push('third'); return release; });
    const fourth = limiter.acquire(far(), undefined, giveUp).then((release) => { order.push('fourth'); return release; });
    assert.equal(limiter.inFlight, 2);
    assert.equal(limiter.waiting, 2);
    first();
    (await third)();
    second();
    (await fourth)();
    assert.deepEqual(order, ['third', 'fourth']);
    assert.equal(limiter.inFlight, 0);
  });

  it('ignores a second release of the same slot', async () => {
    const limiter = new InFlightLimiter(1);
    const release = await limiter.acquire(far(), undefined, giveUp);
    release();
    release();
    assert.equal(limiter.inFlight, 0);
  });

  it('gives up on a waiter whose deadline passes, and forgets it', async () => {
    const limiter = new InFlightLimiter(1);
    const held = await limiter.acquire(far(), undefined, giveUp);
    await assert.rejects(limiter.acquire(Date.now() + 20, undefined, giveUp), /deadline/);
    assert.equal(limiter.waiting, 0);
    held();
    assert.equal(limiter.inFlight, 0);
  });

  it('gives each waiter its own deadline, an earlier one queued later first, and never gives up on one granted a slot', async () => {
    const limiter = new InFlightLimiter(1);
    const held = await limiter.acquire(far(), undefined, giveUp);
    const order: string[] = [];
    const granted = limiter.acquire(Date.now() + 300, undefined, giveUp).then((release) => { order.push('granted'); return release; });
    const late = limiter.acquire(Date.now() + 400, undefined, giveUp).catch((error: unknown) => { order.push('late gave up'); throw error; });
    const early = limiter.acquire(Date.now() + 15, undefined, giveUp).catch((error: unknown) => { order.push('early gave up'); throw error; });
    await assert.rejects(early, /deadline/);
    assert.equal(limiter.waiting, 2, 'the other two still wait');
    held(); // the first waiter in line takes the slot before its deadline
    const release = await granted;
    await assert.rejects(late, /deadline/); // by now the granted waiter's deadline has passed too
    assert.deepEqual(order, ['early gave up', 'granted', 'late gave up']);
    assert.equal(limiter.inFlight, 1, 'the granted slot is still held');
    release();
    assert.equal(limiter.inFlight, 0);
  });

  it('holds the process open by a timer only while a caller waits', async () => {
    const refedTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = refedTimers();
    const limiter = new InFlightLimiter(1);
    const held = await limiter.acquire(far(), undefined, giveUp);
    const waiting = limiter.acquire(far(), undefined, giveUp);
    assert.equal(refedTimers(), before + 1);
    held();
    (await waiting)();
    assert.equal(refedTimers(), before);
  });

  it('gives up on a waiter whose signal aborts', async () => {
    const limiter = new InFlightLimiter(1);
    const held = await limiter.acquire(far(), undefined, giveUp);
    const controller = new AbortController();
    const waiting = limiter.acquire(far(), controller.signal, giveUp);
    controller.abort();
    await assert.rejects(waiting, /aborted/);
    assert.equal(limiter.waiting, 0);
    held();
  });

  it('refuses at once when the signal is already aborted or the deadline already passed while full', async () => {
    const limiter = new InFlightLimiter(1);
    await assert.rejects(limiter.acquire(far(), AbortSignal.abort(), giveUp), /aborted/);
    const held = await limiter.acquire(far(), undefined, giveUp);
    await assert.rejects(limiter.acquire(Date.now() - 1, undefined, giveUp), /deadline/);
    held();
  });

  it('tryAcquire takes a free slot at once, and leaves a full, queued or aborted case to acquire', async () => {
    const limiter = new InFlightLimiter(1);
    assert.equal(limiter.tryAcquire(AbortSignal.abort()), undefined);
    assert.equal(limiter.inFlight, 0);
    const held = limiter.tryAcquire();
    assert.ok(held);
    assert.equal(limiter.inFlight, 1);
    assert.equal(limiter.tryAcquire(), undefined, 'full');
    const queued = limiter.acquire(far(), undefined, giveUp);
    held();
    assert.equal(limiter.tryAcquire(), undefined, 'the slot went to the waiter');
    (await queued)();
    assert.equal(limiter.inFlight, 0);
    limiter.tryAcquire()?.();
    assert.equal(limiter.inFlight, 0);
  });
});
