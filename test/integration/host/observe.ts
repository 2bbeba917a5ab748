// Event-driven helpers for the host integration tests: record state sequences and wait for a
// state, never sleep.

import type { EventEmitter } from 'node:events';

import type { StateChange } from '../../../src/host/plugin-state.ts';
import type { PluginState } from '../../../src/host/types.ts';

type StateSource = EventEmitter<{ state: [StateChange] }>;

/** Every state `plugin` enters from now on, in order. */
export function recordStates(source: StateSource, plugin?: string): PluginState[] {
  const seen: PluginState[] = [];
  source.on('state', (change) => {
    if (!plugin || change.plugin === plugin) seen.push(change.to);
  });
  return seen;
}

/** Resolves with the change when `plugin` next enters `state`. */
export function waitForState(source: StateSource, state: PluginState, plugin?: string): Promise<StateChange> {
  return new Promise((resolve) => {
    const onChange = (change: StateChange) => {
      if (change.to !== state || (plugin && change.plugin !== plugin)) return;
      source.off('state', onChange);
      resolve(change);
    };
    source.on('state', onChange);
  });
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
