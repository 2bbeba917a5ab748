// The HTTP/2 connection of the host's thin client to one plugin attempt: dialled when the first
// call needs it, dialled again by the next call after it closed (the plugin's GOAWAY, a dropped
// socket), destroyed with the attempt. Unix sockets are plaintext (their 0700 directory is the
// access control); TCP is TLS with the same files grpc-js's credentials use (grpc-client.ts
// readTlsMaterial), ALPN h2, and the manifest's serverName as the name to verify.

import * as http2 from 'node:http2';
import * as net from 'node:net';

import { HookdError } from './errors.ts';
import { readTlsMaterial, type TlsMaterial } from './grpc-client.ts';
import type { TlsSpec } from './types.ts';

type Dial = () => http2.ClientHttp2Session;

/**
 * A client's stream ids are the odd numbers below 2^31, so one session carries at most 2^30
 * streams; at 1,000 calls a second that is 12 days. Before the last id, the session is closed
 * gracefully (its streams in flight finish) and the next call dials a new one.
 */
const MAX_STREAMS_PER_SESSION = 2 ** 30 - 1_000;

export class WireSession {
  readonly #dial: Dial;
  #session: http2.ClientHttp2Session | undefined;
  #streams = 0;
  #isClosed = false;

  /**
   * `address` is `unix:///abs/path` or `host:port` (manifest.ts checks the forms). TCP requires
   * `tls`, as createPluginClients does: a sidecar port is reachable by anyone.
   */
  constructor(plugin: string, address: string, tls?: TlsSpec, manifestFile = '<inline>') {
    if (address.startsWith('unix:')) {
      this.#dial = unixDial(address.replace(/^unix:(\/\/)?/, ''));
    } else if (tls) {
      this.#dial = tlsDial(address, readTlsMaterial(tls), tls.serverName);
    } else {
      throw new HookdError('ERR_MANIFEST_INVALID', { plugin, file: manifestFile, field: 'attach.tls', reason: `is required: plugin "${plugin}" is attached over TCP (${address})` });
    }
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /**
   * The session to open the next stream on: the current one while it takes new streams, else a
   * new dial (it connects in the background; streams opened meanwhile wait for it, and fail with
   * the session if the dial fails). Throws once close() was called.
   */
  current(): http2.ClientHttp2Session {
    if (this.#isClosed) throw new Error('the host closed its connection to the plugin');
    const session = this.#session;
    if (session !== undefined && !session.closed && !session.destroyed && ++this.#streams < MAX_STREAMS_PER_SESSION) return session;
    session?.close();
    this.#streams = 1;
    return this.#open();
  }

  /** Destroys the session; streams still open end as a lost connection. No redial after this. Idempotent. */
  close(): void {
    this.#isClosed = true;
    this.#session?.destroy();
    this.#session = undefined;
  }

  #open(): http2.ClientHttp2Session {
    const session = this.#dial();
    const forget = (): void => {
      if (this.#session === session) this.#session = undefined;
    };
    // A GOAWAY stops new streams on this session (streams it already accepted finish); the next
    // call dials again. An error is reported to the streams it ends (wire-client.ts reads
    // session.destroyed there), so the listener only keeps it from being an uncaught exception.
    session.on('goaway', forget);
    session.on('close', forget);
    session.on('error', forget);
    // The connection's window is not a SETTINGS value: it is raised by a WINDOW_UPDATE, which the
    // session can send once its socket is connected.
    session.once('connect', () => {
      if (!session.destroyed) session.setLocalWindowSize(CONNECTION_WINDOW_BYTES);
    });
    // The session never holds the process open by itself: a call in flight does, by its deadline
    // timer, and the attempt closes the session when it ends.
    session.unref();
    this.#session = session;
    return session;
  }
}

/**
 * HTTP/2 flow control: how much a plugin may send before the host's WINDOW_UPDATE. Node's default
 * windows are 64 KiB per stream and per connection, so a 1 MiB reply waited for 16 round trips of
 * both event loops; with 1 MiB per stream and 16 MiB per connection a 1 MiB reply from a grpc-js
 * plugin took 3.0-4.8 ms instead of 4.5-7.3 ms and a 4 MiB one 16-22 ms instead of 21-31 ms
 * (docs/architecture.md, "The host's gRPC clients"). Small replies are not affected. The cost is
 * memory only when the host's event loop stalls: a plugin may then have up to 16 MiB in flight
 * on its connection (MAX_REPLY_BYTES, what one reply may be anyway) instead of 64 KiB.
 */
export const STREAM_WINDOW_BYTES = 1024 * 1024;
export const CONNECTION_WINDOW_BYTES = 16 * 1024 * 1024;

// No server push: the host never accepts pushed streams.
const SETTINGS: http2.Settings = { enablePush: false, initialWindowSize: STREAM_WINDOW_BYTES };

function unixDial(path: string): Dial {
  return () => http2.connect('http://localhost', { settings: SETTINGS, createConnection: () => net.connect(path) });
}

function tlsDial(address: string, material: TlsMaterial, serverName: string | undefined): Dial {
  // node:http2 negotiates ALPN h2 for https: authorities, and verifies the certificate against
  // `servername` when one is given (grpc-js's ssl_target_name_override), else the address's host.
  const options: http2.SecureClientSessionOptions = { settings: SETTINGS, ...material, ALPNProtocols: ['h2'] };
  if (serverName) options.servername = serverName;
  return () => http2.connect(`https://${address}`, options);
}
