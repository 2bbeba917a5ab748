// Waits for a launched plugin's unix socket to appear before the host dials it. Dialling earlier
// fails (ENOENT) and puts the gRPC channel into its reconnect backoff (100 ms, then ×1.6 each
// time), so a plugin that became ready just after a failed dial waited up to a whole backoff step
// for the next one: 100–650 ms of every daemon start with plugins (docs/performance.md, "Daemon
// start-up"). Watching the directory makes the first dial land once the plugin has bound.
//
// Never an error of its own: it resolves when the socket exists, when the process exits, when the
// attempt is stopped, or at the deadline, and the handshake that follows reports whatever went wrong.
import { watch } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export async function waitForSocket(socketPath: string, exited: Promise<unknown>, timeoutMs: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  let finish = (): void => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const name = basename(socketPath);
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    // Watch first, then look: a socket created between the two is seen by one or the other.
    watcher = watch(dirname(socketPath), (_event, file) => {
      if (file === null || file === name) void access(socketPath).then(finish, () => undefined);
    });
    watcher.on('error', finish);
  } catch {
    return; // the directory cannot be watched: dial at once, as before
  }
  const timer = setTimeout(finish, timeoutMs);
  void exited.then(finish, finish);
  signal.addEventListener('abort', finish, { once: true }); // stop(): the handshake reports it
  void access(socketPath).then(finish, () => undefined);
  try {
    await done;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', finish);
    watcher.close();
  }
}
