// Docker's multiplexed stream framing (stdcopy): every chunk is prefixed with an 8-byte header,
// [stream, 0, 0, 0, size as big-endian uint32], stream 0 = stdin, 1 = stdout, 2 = stderr.
// TTY containers and exec sessions have one stream and are sent raw instead.

export type StreamName = 'stdin' | 'stdout' | 'stderr';

const STREAM_IDS: Record<StreamName, number> = { stdin: 0, stdout: 1, stderr: 2 };

export function frame(stream: StreamName, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt8(STREAM_IDS[stream], 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Frames the payload unless the session is a TTY. */
export function encodeChunk(stream: StreamName, payload: Buffer, isTty: boolean): Buffer {
  return isTty ? payload : frame(stream, payload);
}

/** Splits a multiplexed buffer into its frames (tests and clients); a torn tail is returned as `rest`. */
export function demultiplex(data: Buffer): { frames: Array<{ stream: number; payload: Buffer }>; rest: Buffer } {
  const frames: Array<{ stream: number; payload: Buffer }> = [];
  let offset = 0;
  while (data.length - offset >= 8) {
    const size = data.readUInt32BE(offset + 4);
    if (data.length - offset - 8 < size) break;
    frames.push({ stream: data.readUInt8(offset), payload: data.subarray(offset + 8, offset + 8 + size) });
    offset += 8 + size;
  }
  return { frames, rest: data.subarray(offset) };
}
