// One exec or attach session, whatever carries its channels (SPDY streams or WebSocket channel
// ids): decode the resize channel, run the backend, close stdout/stderr once all output is
// written, then write the status to the error channel and close it. The order matters to the
// clients: they wait for stdout/stderr to end, then read the error channel to its end.

import { EventEmitter } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import type { RemoteCommandIo, StreamingBackend, TerminalSize } from './backend.ts';
import { encodeStatus, exitCodeStatus, internalErrorStatus, successStatus, type RemoteCommandStatus } from './exit-status.ts';
import type { StreamingRequest } from './request-cache.ts';

export type RemoteCommandRequest = Extract<StreamingRequest, { kind: 'exec' | 'attach' }>;

export interface RemoteCommandChannels {
  error: Writable;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  resize?: Readable;
}

/** Runs the session and returns the status it sent (for logs and tests). */
export async function runRemoteCommand(
  backend: StreamingBackend, request: RemoteCommandRequest, channels: RemoteCommandChannels, protocol: string, signal: AbortSignal,
): Promise<RemoteCommandStatus> {
  const resizes = new EventEmitter<{ resize: [TerminalSize] }>();
  if (channels.resize) decodeResizes(channels.resize, resizes);
  const io: RemoteCommandIo = {
    stdin: channels.stdin, stdout: channels.stdout, stderr: request.tty ? undefined : channels.stderr, tty: request.tty, resizes, signal,
  };
  let status: RemoteCommandStatus;
  try {
    if (request.kind === 'exec') {
      const exitCode = await backend.exec(request.containerId, request.cmd, io);
      status = exitCode === 0 ? successStatus() : exitCodeStatus(exitCode, request.cmd);
    } else {
      await backend.attach(request.containerId, io);
      status = successStatus();
    }
  } catch (error) {
    const what = request.kind === 'exec' ? 'error executing command in container' : 'error attaching to container';
    status = internalErrorStatus(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
  await Promise.all([endWritable(channels.stdout), endWritable(channels.stderr)]);
  channels.error.end(encodeStatus(status, protocol));
  await endWritable(channels.error);
  return status;
}

/** Resize messages are JSON objects one after another ({"Width":80,"Height":24}, newline-separated by Go's encoder). */
function decodeResizes(channel: Readable, resizes: EventEmitter<{ resize: [TerminalSize] }>): void {
  let text = '';
  channel.setEncoding('utf8');
  channel.on('data', (chunk: string) => {
    text += chunk;
    let newline = text.indexOf('\n');
    while (newline >= 0) {
      const line = text.slice(0, newline).trim();
      text = text.slice(newline + 1);
      if (line) {
        const size = parseSize(line);
        if (size) resizes.emit('resize', size);
      }
      newline = text.indexOf('\n');
    }
  });
  channel.on('error', () => undefined); // a resize channel reset with its session; nothing more to resize
}

function parseSize(line: string): TerminalSize | undefined {
  try {
    const value = JSON.parse(line) as { Width?: unknown; Height?: unknown };
    const width = Number(value.Width);
    const height = Number(value.Height);
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width > 0xffff || height > 0xffff) return undefined;
    return { width, height };
  } catch {
    return undefined; // a malformed size is dropped, as the kubelet does; the session goes on
  }
}

async function endWritable(stream: Writable | undefined): Promise<void> {
  if (!stream || stream.destroyed) return;
  if (!stream.writableEnded) stream.end();
  await finished(stream, { readable: false }).catch(() => undefined); // the client reset it: nothing left to flush
}
