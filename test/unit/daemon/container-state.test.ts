import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { initialState, type ContainerRecord } from '../../../src/daemon/containers/container-record.ts';
import {
  CONTAINER_STATUSES, derivedFlags, IllegalContainerMoveError, isLegalContainerMove, moveContainer, tryMoveContainer, withDerivedFlags,
  type ContainerStatus,
} from '../../../src/daemon/containers/container-state.ts';

/** The table as the lifecycle needs it, written out independently of the module's. */
const EXPECTED: Record<ContainerStatus, ContainerStatus[]> = {
  created: ['running', 'exited'],
  running: ['exited'],
  exited: ['running', 'restarting'],
  restarting: ['running', 'exited'],
  removing: [],
  dead: [],
};

function recordIn(status: ContainerStatus): ContainerRecord {
  const State = { ...initialState(), Status: status, ...derivedFlags(status) };
  return { Id: 'c0ffee', State } as unknown as ContainerRecord;
}

describe('container state machine', () => {
  it('knows every Docker status hookd has in its record type', () => {
    assert.deepEqual([...CONTAINER_STATUSES].sort(), Object.keys(EXPECTED).sort());
  });

  for (const from of Object.keys(EXPECTED) as ContainerStatus[]) {
    for (const to of Object.keys(EXPECTED) as ContainerStatus[]) {
      const legal = EXPECTED[from].includes(to);
      it(`${legal ? 'allows' : 'refuses'} ${from} → ${to}`, () => {
        assert.equal(isLegalContainerMove(from, to), legal);
        const record = recordIn(from);
        if (legal) {
          moveContainer(record, [from], to);
          assert.equal(record.State.Status, to);
          assert.deepEqual({ Running: record.State.Running, Restarting: record.State.Restarting }, { Running: to === 'running', Restarting: to === 'restarting' });
        } else {
          const before = structuredClone(record.State);
          assert.throws(() => moveContainer(record, [from], to), (error: unknown) => {
            assert.ok(error instanceof IllegalContainerMoveError);
            assert.equal(error.code, 'ERR_CONTAINER_ILLEGAL_MOVE');
            assert.match(error.message, new RegExp(`container c0ffee: illegal state change ${from} → ${to}`));
            return true;
          });
          assert.deepEqual(record.State, before, 'a refused move leaves the state as it was');
        }
      });
    }
  }

  it('refuses a legal move from a status the caller did not expect to leave, naming both', () => {
    const record = recordIn('running');
    assert.throws(() => moveContainer(record, ['restarting'], 'exited'), /container c0ffee: illegal state change running → exited \(expected to be in restarting\)/);
    assert.equal(record.State.Status, 'running');
  });

  it('sets the caller\'s fields with the move and derives the flags from the new status', () => {
    const record = recordIn('created');
    moveContainer(record, ['created'], 'running', { Pid: 42, ExitCode: 0 });
    assert.deepEqual([record.State.Status, record.State.Running, record.State.Restarting, record.State.Pid], ['running', true, false, 42]);
    moveContainer(record, ['running'], 'exited', { Pid: 0, ExitCode: 3 });
    moveContainer(record, ['exited'], 'restarting');
    assert.deepEqual([record.State.Running, record.State.Restarting, record.State.ExitCode], [false, true, 3]);
  });

  it('tryMoveContainer changes nothing when the status is not one it leaves', () => {
    const record = recordIn('exited');
    assert.equal(tryMoveContainer(record, ['restarting'], 'exited'), false);
    assert.equal(record.State.Status, 'exited');
    const restarting = recordIn('restarting');
    assert.equal(tryMoveContainer(restarting, ['restarting'], 'exited'), true);
    assert.deepEqual([restarting.State.Status, restarting.State.Restarting], ['exited', false]);
  });

  it('derives Running and Restarting from the status only (Running is false while restarting, as hookd always showed)', () => {
    for (const status of CONTAINER_STATUSES) {
      assert.deepEqual(derivedFlags(status), { Running: status === 'running', Restarting: status === 'restarting', Dead: status === 'dead', Paused: false });
    }
  });

  it('a record loaded from disk gets its flags from its status; old consistent records load unchanged', () => {
    const old = { ...initialState(), Status: 'running' as const, Running: true, Pid: 7 };
    assert.deepEqual(withDerivedFlags({ ...old }), old);
    const stale = { ...initialState(), Status: 'exited' as const, Running: true, Restarting: true };
    assert.deepEqual([withDerivedFlags(stale).Running, stale.Restarting], [false, false]);
  });
});
