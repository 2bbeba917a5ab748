// One timer for the deadlines of every call in flight on a client (call-deadlines.ts): each call
// ends once its own deadline has passed and not before, whatever order the calls started and
// settled in, and only calls in flight hold the process open.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CallsInFlight } from '../../../src/host/call-deadlines.ts';

/** A call that records when it was ended, and deletes itself as the client's calls do. */
class Call {
  readonly ended: Promise<number>;
  #onEnd!: (at: number) => void;
  expiredAt: number | undefined;

  constructor(readonly calls: CallsInFlight<Call>, readonly deadline: number, readonly name: string, readonly log: string[]) {
    this.ended = new Promise((resolve) => { this.#onEnd = resolve; });
  }

  expire(): void {
    this.expiredAt = Date.now();
    this.log.push(this.name);
    this.calls.delete(this);
    this.#onEnd(this.expiredAt);
  }
}

const refedTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('CallsInFlight', () => {
  it('ends each call once its own deadline has passed, an earlier deadline added later first', async () => {
    const calls = new CallsInFlight<Call>();
    const log: string[] = [];
    const late = new Call(calls, Date.now() + 120, 'late', log);
    const early = new Call(calls, Date.now() + 30, 'early', log);
    calls.add(late);
    calls.add(early);
    const earlyAt = await early.ended;
    assert.ok(earlyAt >= early.deadline, 'not before its deadline');
    assert.equal(late.expiredAt, undefined, 'the later call is still in flight');
    assert.deepEqual(calls.values(), [late]);
    const lateAt = await late.ended;
    assert.ok(lateAt >= late.deadline, 'not before its deadline');
    assert.deepEqual(log, ['early', 'late']);
    assert.equal(calls.size, 0);
  });

  it('never ends a call that settled before its deadline, and still ends the others', async () => {
    const calls = new CallsInFlight<Call>();
    const log: string[] = [];
    const settled = new Call(calls, Date.now() + 20, 'settled', log);
    const hanging = new Call(calls, Date.now() + 40, 'hanging', log);
    calls.add(settled);
    calls.add(hanging);
    calls.delete(settled);
    await hanging.ended;
    assert.deepEqual(log, ['hanging']);
    assert.equal(settled.expiredAt, undefined);
  });

  it('ends calls with the same deadline in the order they started', async () => {
    const calls = new CallsInFlight<Call>();
    const log: string[] = [];
    const deadline = Date.now() + 20;
    const all = ['a', 'b', 'c'].map((name) => new Call(calls, deadline, name, log));
    for (const call of all) calls.add(call);
    await Promise.all(all.map((call) => call.ended));
    assert.deepEqual(log, ['a', 'b', 'c']);
  });

  it('holds the process open by one timer while calls are in flight, and not once they settled or it is closed', async () => {
    const calls = new CallsInFlight<Call>();
    const log: string[] = [];
    const before = refedTimers();
    const first = new Call(calls, Date.now() + 60_000, 'first', log);
    const second = new Call(calls, Date.now() + 30_000, 'second', log);
    calls.add(first);
    calls.add(second);
    assert.equal(refedTimers(), before + 1, 'one timer for both calls');
    calls.delete(first);
    assert.equal(refedTimers(), before + 1, 'a call is still in flight');
    calls.delete(second);
    assert.equal(refedTimers(), before, 'no call in flight holds the process');
    const third = new Call(calls, Date.now() + 90_000, 'third', log);
    calls.add(third);
    assert.equal(refedTimers(), before + 1, 'a new call holds it again');
    calls.close();
    assert.equal(refedTimers(), before);
    assert.deepEqual(log, []);
  });
});
