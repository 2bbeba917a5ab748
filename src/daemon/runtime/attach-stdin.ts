// The daemon's end of a container's stdin fifo. The shim holds the fifo open for reading (and
// passes it to the process), so opening the write end never blocks; O_NONBLOCK plus a net.Socket
// gives backpressure instead of EAGAIN errors. Closing this writer does not close the container's
// stdin (the shim keeps the fifo open so that a later attach can write again): StdinOnce is not
// supported yet.

import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { shimPaths } from './shim-files.ts';

export function openStdinWriter(stateDir: string): NodeJS.WritableStream | undefined {
  let fd: number;
  try {
    fd = openSync(shimPaths(stateDir).stdin, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOENT: no stdin for this container; ENXIO: no reader, i.e. the shim is gone.
    if (code === 'ENOENT' || code === 'ENXIO') return undefined;
    throw error;
  }
  return new Socket({ fd, readable: false, writable: true });
}
