// exec/attach over SPDY: the client opens one stream per channel, typed by its `streamtype`
// header (error, stdin, stdout, stderr, resize). Which ones it opens follows from the request the
// token stands for: error always, stdin/stdout as asked, stderr unless a tty merges it into
// stdout, resize with a tty. The session runs once all have arrived; a client that has not opened
// them all within the creation timeout is dropped (the kubelet's rule, 30 s).

import { runRemoteCommand, type RemoteCommandChannels, type RemoteCommandRequest } from './remote-command.ts';
import type { StreamingBackend } from './backend.ts';
import type { SpdySession, SpdyStream } from './spdy-session.ts';
import type { RemoteCommandStatus } from './exit-status.ts';

export const STREAM_CREATION_TIMEOUT_MS = 30_000;

type ChannelName = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

export function expectedChannels(request: RemoteCommandRequest): Set<ChannelName> {
  const channels = new Set<ChannelName>(['error']);
  if (request.stdin) channels.add('stdin');
  if (request.stdout) channels.add('stdout');
  if (request.stderr && !request.tty) channels.add('stderr');
  if (request.tty) channels.add('resize');
  return channels;
}

/** Resolves with the status sent, or undefined when the client never opened its streams. */
export async function serveRemoteCommandOverSpdy(
  session: SpdySession, request: RemoteCommandRequest, protocol: string, backend: StreamingBackend,
  streamCreationTimeoutMs = STREAM_CREATION_TIMEOUT_MS,
): Promise<RemoteCommandStatus | undefined> {
  const closed = new AbortController();
  session.once('close', () => closed.abort());
  const streams = await collectStreams(session, expectedChannels(request), streamCreationTimeoutMs, closed.signal);
  if (!streams) {
    await session.close();
    return undefined;
  }
  const channels: RemoteCommandChannels = {
    error: streams.get('error')!,
    stdin: streams.get('stdin'),
    stdout: streams.get('stdout'),
    stderr: streams.get('stderr'),
    resize: streams.get('resize'),
  };
  const status = await runRemoteCommand(backend, request, channels, protocol, closed.signal);
  await session.close();
  return status;
}

function collectStreams(
  session: SpdySession, expected: Set<ChannelName>, timeoutMs: number, closed: AbortSignal,
): Promise<Map<ChannelName, SpdyStream> | undefined> {
  return new Promise((resolve) => {
    const streams = new Map<ChannelName, SpdyStream>();
    const finish = (result: Map<ChannelName, SpdyStream> | undefined): void => {
      clearTimeout(timer);
      session.off('stream', onStream);
      closed.removeEventListener('abort', onClosed);
      resolve(result);
    };
    const onStream = (stream: SpdyStream): void => {
      const type = stream.headers.get('streamtype') as ChannelName | undefined;
      if (!type || !expected.has(type) || streams.has(type)) {
        stream.reset(); // a channel this request did not ask for, or a duplicate
        return;
      }
      streams.set(type, stream);
      if (streams.size === expected.size) finish(streams);
    };
    const onClosed = (): void => finish(undefined);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    session.on('stream', onStream);
    closed.addEventListener('abort', onClosed, { once: true });
  });
}
