// The container state machine, as the plugins have one (src/host/plugin-state.ts). State.Status
// changes only through moveContainer(), which refuses a move that is not in LEGAL_MOVES, so a
// lifecycle bug (a start racing a removal, an exit handled twice) is a thrown error at the step
// that made it instead of a record in an impossible state. State.Running, State.Restarting and
// State.Dead are not set by hand: they are derived from the status (withDerivedFlags) and kept in
// the record only because Docker's inspect shape has them.

import type { ContainerRecord, ContainerState } from './container-record.ts';

export type ContainerStatus = ContainerState['Status'];

/**
 * Every legal move. A container is born `created` (initialState()).
 * - created | exited → running: start (exited again: `docker start`, restart).
 * - restarting → running: the restart policy's start, or a daemon start finding it running.
 * - running → exited: its process exited (or died while the daemon was down).
 * - created → exited: a start cut short by a daemon crash whose process ran meanwhile.
 * - exited → restarting: the restart policy will start it again after its backoff.
 * - restarting → exited: the pending restart was cancelled (stop, start, rm), its start
 *   failed, or the daemon came back to find it not running.
 * `removing` and `dead` are Docker's too, but hookd never enters them (rm deletes the record
 * under the container's lock; there is no half-removed state), so no move leads there.
 */
const LEGAL_MOVES: Readonly<Record<ContainerStatus, readonly ContainerStatus[]>> = {
  created: ['running', 'exited'],
  running: ['exited'],
  exited: ['running', 'restarting'],
  restarting: ['running', 'exited'],
  removing: [],
  dead: [],
};

export const CONTAINER_STATUSES = Object.keys(LEGAL_MOVES) as ContainerStatus[];

export class IllegalContainerMoveError extends Error {
  readonly code = 'ERR_CONTAINER_ILLEGAL_MOVE';
  readonly container: string;
  readonly from: ContainerStatus;
  readonly to: ContainerStatus;

  constructor(container: string, from: ContainerStatus, to: ContainerStatus, expected: readonly ContainerStatus[]) {
    super(`container ${container}: illegal state change ${from} → ${to} (expected to be in ${expected.join('|')})`);
    this.name = 'IllegalContainerMoveError';
    this.container = container;
    this.from = from;
    this.to = to;
  }
}

export function isLegalContainerMove(from: ContainerStatus, to: ContainerStatus): boolean {
  return LEGAL_MOVES[from].includes(to);
}

/** The flags Docker's inspect shows, as hookd derives them: Running only while running (not while restarting). */
export function derivedFlags(status: ContainerStatus): Pick<ContainerState, 'Running' | 'Restarting' | 'Dead' | 'Paused'> {
  return { Running: status === 'running', Restarting: status === 'restarting', Dead: status === 'dead', Paused: false };
}

/**
 * Moves the container to `to` if its status is one of `from` and the move is legal, and sets the
 * derived flags; throws IllegalContainerMoveError otherwise. Callers name the states they expect
 * to leave, as the plugin supervisor does. Other State fields (Pid, ExitCode, times) are the
 * caller's to set alongside, through `fields`.
 */
export function moveContainer(
  record: ContainerRecord,
  from: readonly ContainerStatus[],
  to: ContainerStatus,
  fields: Partial<Omit<ContainerState, 'Status' | 'Running' | 'Restarting' | 'Dead' | 'Paused'>> = {},
): void {
  const current = record.State.Status;
  if (!from.includes(current) || !isLegalContainerMove(current, to)) throw new IllegalContainerMoveError(record.Id, current, to, from);
  Object.assign(record.State, fields, { Status: to }, derivedFlags(to));
}

/** moveContainer() when the status is one of `from`; false (and no change) otherwise. */
export function tryMoveContainer(record: ContainerRecord, from: readonly ContainerStatus[], to: ContainerStatus): boolean {
  if (!from.includes(record.State.Status)) return false;
  moveContainer(record, from, to);
  return true;
}

/**
 * A record read from disk: the flags are derived from its Status again, so a record written by
 * an older hookd (or edited by hand) cannot disagree with its status. Records with a status this
 * hookd does not know keep their flags and are left as they are.
 */
export function withDerivedFlags(state: ContainerState): ContainerState {
  if (!(state.Status in LEGAL_MOVES)) return state;
  return Object.assign(state, derivedFlags(state.Status));
}
