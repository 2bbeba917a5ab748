// The daemon's end of a container's stdin fifo (the shim's end is stdin-relay.ts). The shim holds
// the fifo open for reading while stdin is open, so opening the write end never blocks;
// O_NONBLOCK plus a net.Socket gives backpressure instead of EAGAIN errors. Each attach opens its
// own writer and closes it when its client's stdin ends: for a StdinOnce container that closes the
// container's stdin (the shim sees EOF); otherwise the shim keeps stdin open for a later attach.

import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { shimPaths } from './shim-files.ts';

export function openStdinWriter(stateDir: string): NodeJS.WritableStream | undefined {
  let fd: number;
  try {
    fd = openSync(shimPaths(stateDir).stdin, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOENT: no stdin for this container; ENXIO: no reader, i.e. the shim is gone or stdin was
    // closed after the first attach (StdinOnce).
    if (code === 'ENOENT' || code === 'ENXIO') return undefined;
    throw error;
  }
  return new Socket({ fd, readable: false, writable: true });
}
