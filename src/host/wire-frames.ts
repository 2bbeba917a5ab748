// The gRPC-over-HTTP/2 wire format that the host's thin unary client (wire-client.ts) reads and
// writes: the 5-byte message frame, the `grpc-timeout` header, the status a response ends with
// (trailers, a trailers-only response, an HTTP status without grpc-status, a reset stream), and
// `grpc-message` percent-decoding. Pure functions, no I/O, so each rule is tested on its own.
// Reference: gRPC's PROTOCOL-HTTP2.md and http-grpc-status-mapping.md.

import { constants as h2 } from 'node:http2';

import { status } from '@grpc/grpc-js';

/** A gRPC status as the client ends a call with it (before classifyCallError sees it). */
export interface WireStatus {
  code: status;
  details: string;
}

/**
 * One uncompressed message frame: flag byte 0, the body's length as a big-endian uint32, the body.
 * The host never compresses (it sends no grpc-encoding), so the flag is always 0.
 */
export function encodeFrame(body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + body.length);
  frame[0] = 0;
  frame.writeUInt32BE(body.length, 1);
  frame.set(body, 5);
  return frame;
}

/**
 * `grpc-timeout` for `ms` milliseconds: at most 8 digits and a unit, rounded up so the plugin
 * never sees more time than the host allows (the host ends the call locally at the deadline too).
 */
export function formatGrpcTimeout(ms: number): string {
  const rounded = Math.max(0, Math.ceil(ms));
  if (rounded < 1e8) return `${rounded}m`;
  if (rounded / 1_000 < 1e8) return `${Math.ceil(rounded / 1_000)}S`;
  if (rounded / 60_000 < 1e8) return `${Math.ceil(rounded / 60_000)}M`;
  return `${Math.min(99_999_999, Math.ceil(rounded / 3_600_000))}H`;
}

/**
 * Reads the one reply message of a unary call out of DATA chunks. Each problem is a status the
 * call ends with, named so that the operator can tell what the plugin sent:
 * - a length prefix above `maxBytes`: RESOURCE_EXHAUSTED at once, before the body is buffered;
 * - a compressed frame (flag 1) although the host asked for identity only: INTERNAL;
 * - a second message: INTERNAL (a unary reply has exactly one).
 */
export class ReplyFrameReader {
  readonly #maxBytes: number;
  #header: Buffer | undefined; // the first bytes of a prefix split across chunks
  #expected = -1; // the body length once the prefix is read
  #parts: Buffer[] = [];
  #received = 0;
  #message: Buffer | undefined;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Takes one DATA chunk; returns a status when the reply must be refused (stop reading then). */
  push(chunk: Buffer): WireStatus | undefined {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#expected < 0) {
        const need = 5 - (this.#header?.length ?? 0);
        const taken = chunk.subarray(offset, offset + need);
        offset += taken.length;
        this.#header = this.#header ? Buffer.concat([this.#header, taken]) : taken;
        if (this.#header.length < 5) return undefined;
        const refusal = this.#startMessage(this.#header);
        this.#header = undefined;
        if (refusal) return refusal;
      }
      const taken = chunk.subarray(offset, offset + (this.#expected - this.#received));
      offset += taken.length;
      if (taken.length > 0) this.#parts.push(taken);
      this.#received += taken.length;
      if (this.#received === this.#expected) this.#finishMessage();
    }
    return undefined;
  }

  /** The reply's body once the stream ended; a status when there was none or it was cut short. */
  message(): Buffer | WireStatus {
    if (this.#expected >= 0 || this.#header !== undefined) {
      return { code: status.INTERNAL, details: 'the reply ended inside a message frame' };
    }
    return this.#message ?? { code: status.INTERNAL, details: 'the plugin ended the call with status OK but sent no reply message' };
  }

  #startMessage(header: Buffer): WireStatus | undefined {
    if (this.#message !== undefined) {
      return { code: status.INTERNAL, details: 'the plugin sent more than one reply message to a unary call' };
    }
    if (header[0] !== 0) {
      return { code: status.INTERNAL, details: `the plugin sent a compressed reply (frame flag ${header[0]}) although the host accepts only identity encoding (grpc-accept-encoding: identity)` };
    }
    const length = header.readUInt32BE(1);
    if (length > this.#maxBytes) {
      return { code: status.RESOURCE_EXHAUSTED, details: `received a reply message of ${length} bytes, above the limit of ${this.#maxBytes}` };
    }
    this.#expected = length;
    this.#received = 0;
    this.#parts = [];
    if (length === 0) this.#finishMessage();
    return undefined;
  }

  #finishMessage(): void {
    this.#message = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#expected);
    this.#parts = [];
    this.#expected = -1;
  }
}

type Headers = Record<string, string | string[] | number | undefined>;

/**
 * The status a response ended with: grpc-status (+ grpc-message) from the trailers, or from the
 * response headers of a trailers-only response. Without grpc-status, a non-200 HTTP status is
 * mapped as gRPC's HTTP-to-status table says; a 200 without it is UNKNOWN.
 */
export function statusFromResponse(headers: Headers | undefined, trailers: Headers | undefined): WireStatus {
  const source = trailers?.['grpc-status'] !== undefined ? trailers : headers;
  const code = source?.['grpc-status'];
  if (code !== undefined) {
    const parsed = Number(code);
    const details = decodeGrpcMessage(String(source!['grpc-message'] ?? ''));
    if (Number.isInteger(parsed) && parsed >= 0 && parsed <= 16) return { code: parsed, details };
    return { code: status.UNKNOWN, details: `the plugin sent an invalid grpc-status ${JSON.stringify(code)}${details ? `: ${details}` : ''}` };
  }
  const httpStatus = Number(headers?.[':status'] ?? 0);
  if (headers !== undefined && httpStatus !== 200) {
    return { code: statusFromHttp(httpStatus), details: `the plugin answered HTTP ${httpStatus} without a gRPC status` };
  }
  return { code: status.UNKNOWN, details: 'the plugin ended the call without a grpc-status' };
}

/** gRPC's http-grpc-status-mapping.md, for a response without grpc-status. */
export function statusFromHttp(httpStatus: number): status {
  switch (httpStatus) {
    case 400: return status.INTERNAL;
    case 401: return status.UNAUTHENTICATED;
    case 403: return status.PERMISSION_DENIED;
    case 404: return status.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504: return status.UNAVAILABLE;
    default: return status.UNKNOWN;
  }
}

/**
 * The status of a stream the peer reset before sending a status, by its HTTP/2 error code (as
 * PROTOCOL-HTTP2.md maps them): REFUSED_STREAM means the plugin never processed the call, so it
 * is UNAVAILABLE and safe to send again.
 */
export function statusFromReset(rstCode: number): WireStatus {
  const details = `the plugin reset the stream (HTTP/2 error code ${rstCode})`;
  switch (rstCode) {
    case h2.NGHTTP2_REFUSED_STREAM: return { code: status.UNAVAILABLE, details };
    case h2.NGHTTP2_CANCEL: return { code: status.CANCELLED, details };
    case h2.NGHTTP2_ENHANCE_YOUR_CALM: return { code: status.RESOURCE_EXHAUSTED, details };
    case h2.NGHTTP2_INADEQUATE_SECURITY: return { code: status.PERMISSION_DENIED, details };
    default: return { code: status.INTERNAL, details };
  }
}

/**
 * grpc-message is percent-encoded UTF-8 (PROTOCOL-HTTP2.md). A malformed escape is kept as it is
 * rather than failing the call: the message is for people, the status code carries the meaning.
 */
export function decodeGrpcMessage(value: string): string {
  if (!value.includes('%')) return value;
  // Each run of escapes is one UTF-8 byte sequence; a '%' not followed by two hex digits stays.
  return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
}
