// Port forwarding over SPDY (protocol portforward.k8s.io): for each local connection the client
// opens two streams with the same `requestid` and `port` headers, `streamtype: error` (which it
// closes at once: only hookd writes there) and `streamtype: data`. hookd connects to the port
// inside the pod and copies both ways with half-close: the client's FIN ends the write side to
// the pod; the pod's end ends the data stream. When the pod side is done (or the client resets
// the data stream) the error stream is closed, empty on success and with the reason on failure;
// the client waits for that before it forgets the connection.

import type { Duplex } from 'node:stream';
import type { StreamingBackend } from './backend.ts';
import type { SpdySession, SpdyStream } from './spdy-session.ts';

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
}

/** Serves the session until the client closes it; each stream pair is forwarded on its own. */
export function servePortForwardOverSpdy(session: SpdySession, podSandboxId: string, backend: StreamingBackend): Promise<void> {
  const pairs = new Map<string, Pair>();
  const closed = new AbortController();
  session.on('stream', (stream) => {
    const type = stream.headers.get('streamtype');
    const requestId = stream.headers.get('requestid') ?? '';
    if ((type !== 'error' && type !== 'data') || !requestId) {
      stream.reset(); // not a port-forward stream: the kubelet refuses it too
      return;
    }
    const pair = pairs.get(requestId) ?? {};
    if (pair[type]) {
      stream.reset();
      return;
    }
    pair[type] = stream;
    pairs.set(requestId, pair);
    if (pair.error && pair.data) {
      pairs.delete(requestId);
      void forwardPair(backend, podSandboxId, pair.error, pair.data, closed.signal);
    }
  });
  return new Promise((resolve) => {
    session.once('close', () => {
      closed.abort();
      resolve();
    });
  });
}

async function forwardPair(backend: StreamingBackend, podSandboxId: string, error: SpdyStream, data: SpdyStream, closed: AbortSignal): Promise<void> {
  error.resume(); // the client closes its side at once; nothing to read
  const port = Number(data.headers.get('port'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    failPair(error, data, `invalid port header ${JSON.stringify(data.headers.get('port') ?? '')}: want 1-65535`);
    return;
  }
  let conn: Duplex;
  try {
    conn = await backend.dialPod(podSandboxId, port, closed);
  } catch (cause) {
    failPair(error, data, `error forwarding port ${port} to pod ${podSandboxId}: ${cause instanceof Error ? cause.message : String(cause)}`);
    return;
  }
  await copyBothWays(conn, data);
  error.end();
}

function failPair(error: SpdyStream, data: SpdyStream, message: string): void {
  data.end();
  error.end(message);
}

/** Resolves when the pod's side has ended (after its data reached the client) or the client dropped the stream. */
function copyBothWays(conn: Duplex, data: SpdyStream): Promise<void> {
  return new Promise((resolve) => {
    let isDone = false;
    const done = (): void => {
      if (isDone) return;
      isDone = true;
      conn.destroy();
      if (!data.writableEnded) data.end();
      resolve();
    };
    conn.on('error', done); // the pod reset the connection: end the stream, the client sees EOF
    conn.on('close', done);
    data.once('reset', done);
    data.pipe(conn); // the client's FIN ends conn's write side (pipe calls end)
    conn.pipe(data, { end: false });
    conn.once('end', () => {
      data.end();
      data.once('finish', done);
    });
  });
}
