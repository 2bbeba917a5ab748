import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { IllegalTransitionError, PluginStateMachine, isLegalMove, type StateChange } from '../../../src/host/plugin-state.ts';
import type { PluginState } from '../../../src/host/types.ts';

function recordChanges(machine: PluginStateMachine): PluginState[] {
  const seen: PluginState[] = [];
  machine.on('change', (change: StateChange) => seen.push(change.to));
  return seen;
}

describe('PluginStateMachine', () => {
  it('starts stopped, before anything is launched', () => {
    assert.equal(new PluginStateMachine('p').state, 'stopped');
  });

  it('follows a crash-and-restart path and reports every step in order', () => {
    const machine = new PluginStateMachine('p');
    const seen = recordChanges(machine);
    machine.transitionTo(['stopped'], 'starting');
    machine.transitionTo(['starting'], 'ready');
    machine.transitionTo(['ready', 'degraded'], 'restarting');
    machine.transitionTo(['restarting'], 'starting');
    machine.transitionTo(['starting'], 'ready');
    machine.transitionTo(['ready'], 'stopping');
    machine.transitionTo(['stopping'], 'stopped');
    assert.deepEqual(seen, ['starting', 'ready', 'restarting', 'starting', 'ready', 'stopping', 'stopped']);
  });

  it('refuses a move from a state the caller did not expect, and stays put', () => {
    const machine = new PluginStateMachine('p');
    const seen = recordChanges(machine);
    assert.throws(() => machine.transitionTo(['starting'], 'ready'), IllegalTransitionError);
    assert.equal(machine.state, 'stopped');
    assert.deepEqual(seen, []);
  });

  it('refuses a move the table does not allow even when the caller lists the current state', () => {
    const machine = new PluginStateMachine('p');
    assert.throws(() => machine.transitionTo(['stopped'], 'ready'), /illegal state change stopped → ready/);
  });

  it('names the plugin and both states in the refusal', () => {
    const machine = new PluginStateMachine('quota');
    machine.transitionTo(['stopped'], 'starting');
    assert.throws(() => machine.transitionTo(['ready'], 'degraded'), /plugin "quota": illegal state change starting → degraded \(expected to be in ready\)/);
  });

  it('tryTransitionTo leaves the state alone when the current state is not expected', () => {
    const machine = new PluginStateMachine('p');
    assert.equal(machine.tryTransitionTo(['ready'], 'degraded'), false);
    assert.equal(machine.state, 'stopped');
    assert.equal(machine.tryTransitionTo(['stopped'], 'starting'), true);
    assert.equal(machine.state, 'starting');
  });

  it('never leaves stopping except to stopped, and parks failed until stopped', () => {
    const targets: PluginState[] = ['starting', 'ready', 'degraded', 'restarting', 'failed', 'stopping'];
    assert.deepEqual(targets.filter((to) => isLegalMove('stopping', to)), []);
    assert.deepEqual(targets.filter((to) => isLegalMove('failed', to)), ['stopping']);
    assert.equal(isLegalMove('failed', 'stopped'), true);
  });

  it('lets a degraded plugin recover to ready but not a restarting one', () => {
    assert.equal(isLegalMove('degraded', 'ready'), true);
    assert.equal(isLegalMove('restarting', 'ready'), false);
  });
});
