// The unix socket belongs to the daemon that bound it. Before binding, a socket file that still
// answers connections belongs to a running daemon (perhaps one on another data root sharing the
// path): it is refused, never taken over. A file that refuses connections is a crashed daemon's
// leftover and is removed. On close, the file is removed only if it is still the one this daemon
// bound (same inode), so a daemon stopping never deletes another daemon's socket.

import { connect } from 'node:net';
import { lstat, rm } from 'node:fs/promises';

export class SocketInUseError extends Error {
  readonly code = 'ERR_SOCKET_IN_USE';

  constructor(socketPath: string) {
    super(`the socket ${socketPath} is in use by another running daemon; stop it or listen on another socket`);
    this.name = 'SocketInUseError';
  }
}

/** Removes a stale socket file at `socketPath`; throws SocketInUseError if something listens there. */
export async function clearStaleSocket(socketPath: string): Promise<void> {
  const stat = await lstat(socketPath).catch(() => undefined);
  if (!stat) return;
  if (stat.isSocket() && await isListening(socketPath)) throw new SocketInUseError(socketPath);
  await rm(socketPath, { force: true });
}

/** Identity of the socket file just bound, for `removeOwnSocket`. */
export async function socketIdentity(socketPath: string): Promise<string | undefined> {
  const stat = await lstat(socketPath).catch(() => undefined);
  return stat ? `${stat.dev}:${stat.ino}` : undefined;
}

export async function removeOwnSocket(socketPath: string, identity: string | undefined): Promise<void> {
  if (identity !== undefined && await socketIdentity(socketPath) === identity) await rm(socketPath, { force: true });
}

function isListening(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false)); // ECONNREFUSED: nobody behind the file
  });
}
