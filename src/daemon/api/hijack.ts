// Docker's connection hijack for attach and exec start. A client that sent `Upgrade: tcp` gets
// "101 UPGRADED" and then the raw connection both ways; any other client gets a 200 whose body
// is the output stream and whose request body (if any) is the input.

import type { Duplex, Readable, Writable } from 'node:stream';
import { ApiError } from './errors.ts';
import type { RouteContext } from './route-table.ts';

export const RAW_STREAM = 'application/vnd.docker.raw-stream';
export const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

export interface HijackedStreams {
  output: Writable;
  input: Readable;
  /** Ends the output and closes the connection. Idempotent. */
  end(): void;
  /** Closes the connection at once, unsent output and all (a client gone or stuck). */
  destroy(): void;
}

export function hijack(ctx: RouteContext, contentType: string): HijackedStreams {
  const upgrade = ctx.upgrade;
  if (upgrade) {
    const { socket, head } = upgrade;
    socket.write([
      'HTTP/1.1 101 UPGRADED',
      `Content-Type: ${contentType}`,
      'Connection: Upgrade',
      'Upgrade: tcp',
      `Api-Version: ${ctx.res.getHeader('Api-Version') ?? ''}`,
      '', '',
    ].join('\r\n'));
    if (head.length > 0) socket.unshift(head);
    let ended = false;
    return {
      output: socket,
      input: socket,
      end() {
        if (ended) return;
        ended = true;
        socket.end();
      },
      destroy: () => socket.destroy(),
    };
  }
  ctx.res.writeHead(200, { 'Content-Type': contentType });
  ctx.res.flushHeaders();
  return {
    output: ctx.res,
    input: ctx.req,
    end() {
      if (!ctx.res.writableEnded) ctx.res.end();
    },
    destroy: () => ctx.res.destroy(),
  };
}

/**
 * An upgrade request's body (exec start sends {"Detach","Tty"} with Content-Length) is not parsed
 * by Node: it arrives in `head` and on the socket. Reads exactly `length` bytes and returns the
 * bytes after them, which belong to the raw stream.
 */
export async function readUpgradeBody(socket: Duplex, head: Buffer, length: number, limitBytes: number): Promise<{ body: Buffer; rest: Buffer }> {
  if (length > limitBytes) throw new ApiError(413, `request body is larger than the limit of ${limitBytes} bytes`);
  let buffered = head;
  while (buffered.length < length) {
    const chunk = await new Promise<Buffer | null>((resolve) => {
      const onData = (data: Buffer): void => { cleanup(); resolve(data); };
      const onEnd = (): void => { cleanup(); resolve(null); };
      const cleanup = (): void => { socket.off('data', onData); socket.off('end', onEnd); socket.off('close', onEnd); socket.pause(); };
      socket.on('data', onData);
      socket.once('end', onEnd);
      socket.once('close', onEnd);
      socket.resume();
    });
    if (chunk === null) break;
    buffered = Buffer.concat([buffered, chunk]);
  }
  return { body: buffered.subarray(0, length), rest: buffered.subarray(length) };
}
