// exec/attach over WebSocket (v5.channel.k8s.io, what client-go's WebSocket executor and
// `crictl exec --transport websocket` speak): every binary message starts with a channel byte,
// 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; v5 adds 255 <channel>, "this channel is
// closed", which is how the client says its stdin ended. The client ends its streams only when the
// connection closes, so the session ends with a normal close (1000) after the status.

import { PassThrough, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { StreamingBackend } from './backend.ts';
import type { RemoteCommandStatus } from './exit-status.ts';
import { runRemoteCommand, type RemoteCommandRequest } from './remote-command.ts';

const enum Channel {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  Error = 3,
  Resize = 4,
  Close = 255,
}

export async function serveRemoteCommandOverWebSocket(
  socket: WebSocket, request: RemoteCommandRequest, protocol: string, backend: StreamingBackend,
): Promise<RemoteCommandStatus> {
  const closed = new AbortController();
  const stdin = request.stdin ? new PassThrough() : undefined;
  const resize = request.tty ? new PassThrough() : undefined;
  socket.on('message', (message: Buffer, isBinary: boolean) => {
    if (!isBinary || message.length === 0) return; // the protocol is binary; a stray text frame carries nothing
    const channel = message[0];
    const payload = message.subarray(1);
    if (channel === Channel.Stdin) stdin?.write(payload);
    else if (channel === Channel.Resize) resize?.write(payload);
    else if (channel === Channel.Close && payload[0] === Channel.Stdin) stdin?.end();
  });
  socket.once('close', () => {
    closed.abort();
    stdin?.end();
    resize?.end();
  });
  socket.on('error', () => undefined); // a client gone mid-session: 'close' follows and ends it
  const status = await runRemoteCommand(backend, request, {
    error: channelWriter(socket, Channel.Error),
    stdin,
    stdout: request.stdout ? channelWriter(socket, Channel.Stdout) : undefined,
    stderr: request.stderr && !request.tty ? channelWriter(socket, Channel.Stderr) : undefined,
    resize,
  }, protocol, closed.signal);
  socket.close(1000);
  return status;
}

/** A Writable whose chunks become messages on one channel; ws's send callback is the backpressure. */
function channelWriter(socket: WebSocket, channel: Channel): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (socket.readyState !== socket.OPEN) { callback(); return; } // the client left; its output has nowhere to go
      socket.send(Buffer.concat([Buffer.of(channel), chunk]), { binary: true }, () => callback());
    },
  });
}
