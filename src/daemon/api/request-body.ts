// Reading request bodies: a size limit (JSON bodies are small; tarballs stream through streaming
// routes instead). Decoding them (JSON errors that say what is wrong and where) lives in
// ../validation/json-body.ts, so the managers can decode a hook's rewritten body without api/.

import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.ts';

export { MAX_JSON_DEPTH, describeJsonError, jsonDepthExceeding, parseJsonBody, parseJsonObject } from '../validation/json-body.ts';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Buffers the whole body; rejects with 413 as soon as it exceeds `limitBytes`. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      req.resume(); // drain the rest so the 413 answer can still be written
      throw tooLarge(limitBytes);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limitBytes: number): ApiError {
  return new ApiError(413, `request body is larger than the limit of ${limitBytes} bytes`);
}
