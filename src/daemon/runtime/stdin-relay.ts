// The shim's end of a container's stdin (shim side; the daemon's end is attach-stdin.ts). The
// process never gets the fifo itself: it gets a pipe whose only writer is the shim, and the shim
// copies the fifo into it. So the shim alone decides when the process sees EOF:
//
//   StdinOnce  the shim opens the fifo for reading only. Linux reports EOF to a fifo reader once
//              every writer that opened after it has closed, so the first attach (or a few at
//              once) closing its writer ends the copy, and the process's stdin is closed. Later
//              attaches find no reader (ENXIO) and get no stdin, as with Docker.
//   otherwise  the shim also holds a writer of its own, so the fifo never reaches EOF and stdin
//              stays open for the next attach.
//
// Nothing here depends on the daemon: a daemon that restarts opens the same fifo and the same
// rules apply. A daemon that dies while attached closes its writer, which for StdinOnce counts
// as that client's detach.

import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';

export interface StdinRelay {
  /** Copies the fifo into the process's stdin pipe; ends the pipe when the fifo reaches EOF. */
  connect(target: Writable): void;
}

/** Opens the fifo before the shim reports ready, so that a daemon's writer always finds a reader. */
export function openStdinRelay(fifo: string, isStdinOnce: boolean): StdinRelay {
  const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  // Held, never written, until the shim exits: the fifo then has a writer for good.
  if (!isStdinOnce) openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  const reader = new Socket({ fd: readFd, readable: true, writable: false });
  return {
    connect(target: Writable): void {
      // EPIPE once the process exited (or closed its stdin): nothing more can be delivered, and
      // the shim is about to record the exit anyway.
      target.on('error', () => reader.unpipe(target));
      reader.on('error', () => target.end());
      reader.pipe(target);
    },
  };
}
