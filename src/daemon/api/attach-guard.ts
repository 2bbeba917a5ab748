// Keeps a hijacked attach from holding its connection (and so a file descriptor) once its client
// is gone or stuck (issue 14):
// - Gone: the client closed its end. The daemon notices only when it reads (EOF) or writes
//   (EPIPE), so input that is not piped to the container's stdin is read and discarded. EOF alone
//   does not say gone: the docker CLI half-closes its side once it has no more stdin to send (also
//   for `docker run -t` without -i) and goes on reading. So at EOF a multiplexed stream is probed
//   with an empty stdout frame (harmless to a reader, EPIPE if nobody is there: the attach ends at
//   once); a raw (Tty) stream has no harmless byte to probe with and learns it at its next output.
// - Stuck: a client that does not read while the container writes. Output waits for the
//   connection to drain, for at most the stall timeout (HOOKD_ATTACH_STALL_TIMEOUT_MS, default
//   30 s); then the attach is dropped instead of buffering without bound.
// Either way the socket is destroyed, which releases its descriptor at once.

import type { Readable, Writable } from 'node:stream';
import { frame } from './stream-framing.ts';

export const DEFAULT_ATTACH_STALL_TIMEOUT_MS = 30_000;

export interface AttachConnection {
  output: Writable;
  input: Readable;
  /** Closes the connection now, unsent output and all. */
  destroy(): void;
}

export interface AttachGuardOptions {
  isMultiplexed: boolean;
  /** Whether the input is piped to the container's stdin (else it is read and discarded). */
  hasStdin: boolean;
  stallTimeoutMs: number;
  onDropped(reason: 'client gone' | 'client stalled'): void;
}

export interface AttachGuard {
  /** Aborts when the attach was dropped. */
  readonly signal: AbortSignal;
  /** Writes output, waiting (at most the stall timeout) while the client is not reading. */
  write(chunk: Buffer): Promise<void>;
  dispose(): void;
}

export function attachStallTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.HOOKD_ATTACH_STALL_TIMEOUT_MS);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_ATTACH_STALL_TIMEOUT_MS;
}

export function guardAttach(connection: AttachConnection, options: AttachGuardOptions): AttachGuard {
  const controller = new AbortController();
  const drop = (reason: 'client gone' | 'client stalled'): void => {
    if (controller.signal.aborted) return;
    controller.abort();
    connection.destroy();
    options.onDropped(reason);
  };
  const onGone = (): void => drop('client gone');
  const onEnd = (): void => {
    if (options.isMultiplexed && connection.output.writable) connection.output.write(frame('stdout', Buffer.alloc(0)));
  };
  connection.output.on('error', onGone);
  connection.output.on('close', onGone);
  connection.input.on('end', onEnd);
  connection.input.on('error', onGone);
  if (!options.hasStdin) connection.input.resume(); // read and discard: the only way to see EOF

  return {
    signal: controller.signal,
    async write(chunk) {
      if (controller.signal.aborted || connection.output.write(chunk)) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { cleanup(); drop('client stalled'); resolve(); }, options.stallTimeoutMs);
        const onDrain = (): void => { cleanup(); resolve(); };
        const onAbort = (): void => { cleanup(); resolve(); };
        const cleanup = (): void => {
          clearTimeout(timer);
          connection.output.off('drain', onDrain);
          controller.signal.removeEventListener('abort', onAbort);
        };
        connection.output.once('drain', onDrain);
        controller.signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    dispose() {
      connection.output.off('error', onGone);
      connection.output.off('close', onGone);
      connection.input.off('end', onEnd);
      connection.input.off('error', onGone);
    },
  };
}
