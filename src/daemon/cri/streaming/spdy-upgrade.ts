// The HTTP side of a SPDY streaming connection: the client's request carries `Connection:
// Upgrade`, `Upgrade: SPDY/3.1` and its `X-Stream-Protocol-Version`s; the answer is 101 with the
// chosen version (client-go checks all three), and from then on the socket speaks SPDY/3.

import type { Duplex } from 'node:stream';
import { SpdySession } from './spdy-session.ts';

export const SPDY_UPGRADE = 'spdy/3.1';

export function isSpdyUpgrade(upgradeHeader: string | undefined): boolean {
  return (upgradeHeader ?? '').toLowerCase().split(',').map((p) => p.trim()).includes(SPDY_UPGRADE);
}

export function acceptSpdyUpgrade(socket: Duplex, head: Buffer, protocol: string): SpdySession {
  socket.write([
    'HTTP/1.1 101 Switching Protocols',
    'Connection: Upgrade',
    'Upgrade: SPDY/3.1',
    `X-Stream-Protocol-Version: ${protocol}`,
    '', '',
  ].join('\r\n'));
  return new SpdySession(socket, head);
}

/** Refuses an upgrade with a plain HTTP answer; client-go shows the body in its error. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = `${message}\n`;
  socket.end([
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '', body,
  ].join('\r\n'));
}
