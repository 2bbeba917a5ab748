// The manager's in-process lifecycle news, for the waits of wait, stop, remove, logs -f and attach.
// Events: `start` (id), `exit` (id, exitCode) after the exit is recorded, `destroy` (id, exitCode).

import { EventEmitter } from 'node:events';

export type LifecycleEvent = 'start' | 'exit' | 'destroy';

export class ContainerLifecycle extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(0); // one listener per waiting client
  }

  /**
   * Resolves with the exit code carried by the first of `events` for container `id`; subscribes
   * synchronously. Rejects with the signal's reason when it aborts first.
   */
  next(id: string, events: LifecycleEvent[], signal?: AbortSignal): Promise<number> {
    return new Promise((resolve, reject) => {
      const listener = (eventId: string, exitCode = 0): void => {
        if (eventId !== id) return;
        cleanup();
        resolve(exitCode);
      };
      const onAbort = (): void => { cleanup(); reject(signal?.reason); };
      const cleanup = (): void => {
        for (const event of events) this.off(event, listener);
        signal?.removeEventListener('abort', onAbort);
      };
      for (const event of events) this.on(event, listener);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
