// The host's hook calls on the wire: a thin unary gRPC client straight on node:http2. The hot path
// is one known address, one unary call, no load balancing, so grpc-js's client stack (resolver,
// load-balancing call, retrying call, filters, channelz: ~100 µs of CPU per call in the calling
// process, measured against a Node plugin, issue 9) buys nothing there. What stays the same:
// the bytes (the proto-loader serializers grpc-js uses, grpc-client.ts pluginMethods), and every
// failure becomes a CallStatusError-shaped status judged by classifyCallError. grpc-js keeps the
// handshake, health checks and connectivity watching, which need waitForReady and channel states.

import { constants as h2, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';

import * as grpc from '@grpc/grpc-js';

import { HookdError } from './errors.ts';
import {
  MAX_REPLY_BYTES, UndecodableReply, abortedFailure, classifyCallError, pluginMethods,
  type CallContext, type CallStatusError, type UnaryCallOptions, type WireMethod,
} from './grpc-client.ts';
import { ReplyFrameReader, encodeFrame, formatGrpcTimeout, statusFromReset, statusFromResponse, type WireStatus } from './wire-frames.ts';
import { CallsInFlight } from './call-deadlines.ts';
import { WireSession } from './wire-session.ts';
import type { TlsSpec } from './types.ts';

export class WireClient {
  readonly #session: WireSession;
  readonly #methods = pluginMethods();
  /** Calls in flight, so close() can end them at once, and the one timer that ends them at their deadlines. */
  readonly #calls = new CallsInFlight<UnaryCall>();

  constructor(plugin: string, address: string, tls?: TlsSpec, manifestFile?: string) {
    this.#session = new WireSession(plugin, address, tls, manifestFile);
  }

  /**
   * Calls hookd.v1.Plugin `rpc` and resolves with the decoded reply, as grpc-client.ts callUnary
   * does: rejects with the HookdError of classifyCallError, ERR_HOOK_ABORTED when `signal` aborts
   * (the stream is reset with CANCEL), ERR_HOOK_TIMEOUT at the deadline (sent as grpc-timeout and
   * enforced here too: dispatch-call.ts relies on the call ending by itself).
   */
  call<Reply>(rpc: string, request: object, options: UnaryCallOptions): Promise<Reply> {
    const startedAt = Date.now();
    const context: CallContext = { plugin: options.plugin, hook: options.hook, timeoutMs: options.timeoutMs ?? Math.max(0, options.deadline - startedAt) };
    if (options.signal?.aborted) return Promise.reject(abortedFailure(context, options.signal).error);
    if (options.deadline <= startedAt) return Promise.reject(new HookdError('ERR_HOOK_TIMEOUT', context));
    const method = this.#methods.get(rpc);
    if (method === undefined) return Promise.reject(new TypeError(`hookd.v1.Plugin has no RPC "${rpc}"`));
    let body: Buffer;
    try {
      body = method.requestSerialize(request);
    } catch (error) {
      // grpc-js ends such a call with INTERNAL on a live channel; keep that classification.
      return Promise.reject(classifyCallError(statusError({ code: grpc.status.INTERNAL, details: `Request message serialization failure: ${String(error)}` }, false, false), context).error);
    }
    return new Promise<Reply>((resolve, reject) => {
      const call = new UnaryCall(method, context, options, this.#calls, resolve as (reply: unknown) => void, reject);
      this.#calls.add(call);
      let session: ClientHttp2Session;
      try {
        session = this.#session.current();
      } catch (error) {
        call.fail({ code: grpc.status.UNAVAILABLE, details: String(error instanceof Error ? error.message : error) }, true);
        return;
      }
      call.start(session, body);
    });
  }

  /** Ends calls in flight as a lost connection (a transport failure) and the session. Idempotent. */
  close(): void {
    for (const call of this.#calls.values()) call.fail({ code: grpc.status.UNAVAILABLE, details: 'the host closed its connection to the plugin' }, true);
    this.#calls.close();
    this.#session.close();
  }
}

/** One call: the stream's events, its deadline (CallsInFlight) and the abort listener, settled once. */
class UnaryCall {
  /** Epoch ms: CallsInFlight ends the call with DEADLINE_EXCEEDED once it has passed. */
  readonly deadline: number;
  readonly #method: WireMethod;
  readonly #context: CallContext;
  readonly #options: UnaryCallOptions;
  readonly #calls: CallsInFlight<UnaryCall>;
  readonly #resolve: (reply: unknown) => void;
  readonly #reject: (error: unknown) => void;
  readonly #reader = new ReplyFrameReader(MAX_REPLY_BYTES);
  #session: ClientHttp2Session | undefined;
  #stream: ClientHttp2Stream | undefined;
  #onAbort: (() => void) | undefined;
  #headers: IncomingHttpHeaders | undefined;
  #trailers: IncomingHttpHeaders | undefined;
  #streamError: Error | undefined;
  #isSettled = false;
  /** Response headers without a status came first: the plugin started a reply (CallStatusError). */
  #isReplyStarted = false;
  /** The response is HTTP 200, so its body is gRPC frames. */
  #isGrpcBody = false;

  constructor(method: WireMethod, context: CallContext, options: UnaryCallOptions, calls: CallsInFlight<UnaryCall>, resolve: (reply: unknown) => void, reject: (error: unknown) => void) {
    this.deadline = options.deadline;
    this.#method = method;
    this.#context = context;
    this.#options = options;
    this.#calls = calls;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  start(session: ClientHttp2Session, body: Buffer): void {
    const { deadline, signal } = this.#options;
    this.#session = session;
    let stream: ClientHttp2Stream;
    try {
      stream = session.request({
        ':method': 'POST',
        ':path': this.#method.path,
        'content-type': 'application/grpc',
        te: 'trailers',
        'grpc-timeout': formatGrpcTimeout(deadline - Date.now()),
        'grpc-accept-encoding': 'identity',
        'user-agent': 'hookd-wire-client',
      }, { endStream: false });
    } catch (error) {
      // The session stopped taking streams between current() and here (a GOAWAY just arrived).
      this.fail({ code: grpc.status.UNAVAILABLE, details: `the connection to the plugin is closing: ${String(error instanceof Error ? error.message : error)}` }, true);
      return;
    }
    this.#stream = stream;
    stream.on('response', (headers) => {
      this.#headers = headers;
      this.#isReplyStarted = headers['grpc-status'] === undefined;
      this.#isGrpcBody = Number(headers[':status']) === 200;
    });
    stream.on('data', (chunk: Buffer) => {
      // A body under a non-200 status is not gRPC (a proxy's error page): the status is mapped
      // from the HTTP status at the end, the body is not read as frames.
      if (this.#isSettled || !this.#isGrpcBody) return;
      const refusal = this.#reader.push(chunk);
      if (refusal) this.fail(refusal, false);
    });
    stream.on('trailers', (trailers) => {
      this.#trailers = trailers;
    });
    stream.on('end', () => this.#onEnd());
    stream.on('error', (error) => {
      this.#streamError = error;
    });
    stream.on('close', () => this.#onClose());
    if (signal) {
      this.#onAbort = () => {
        if (this.#isSettled) return;
        this.#settle();
        this.#reject(abortedFailure(this.#context, signal).error);
      };
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    stream.end(encodeFrame(body));
  }

  /** Ends the call with `wireStatus` (resetting the stream if it is open). */
  fail(wireStatus: WireStatus, isConnectionLost: boolean): void {
    if (this.#isSettled) return;
    this.#settle();
    this.#reject(classifyCallError(statusError(wireStatus, isConnectionLost, this.#isReplyStarted), this.#context).error);
  }

  /** The deadline passed (CallsInFlight checks Date.now() against it, so never early). */
  expire(): void {
    this.fail({ code: grpc.status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }, false);
  }

  /** The stream ended in order: the status is in the trailers (or the trailers-only headers). */
  #onEnd(): void {
    if (this.#isSettled) return;
    // Node also ends the open streams of a connection whose socket closed (the plugin's process
    // exited mid-call: they end with CANCEL after the session is destroyed). Without a status
    // from the plugin, the end is judged as #onClose judges a stream that did not end in order,
    // so a lost connection stays a transport failure rather than an answer of the plugin's.
    if (this.#trailers?.['grpc-status'] === undefined && this.#headers?.['grpc-status'] === undefined) {
      this.#onClose();
      return;
    }
    const wireStatus = statusFromResponse(this.#headers, this.#trailers);
    if (wireStatus.code !== grpc.status.OK) {
      this.fail(wireStatus, false);
      return;
    }
    const message = this.#reader.message();
    if (!Buffer.isBuffer(message)) {
      this.fail(message, false);
      return;
    }
    const reply = this.#method.responseDeserialize(message);
    this.#settle();
    if (reply instanceof UndecodableReply) {
      this.#reject(new HookdError('ERR_HOOK_BAD_REPLY', { ...this.#context, reason: `the reply does not decode as the RPC's response message (${reply.reason})` }));
    } else {
      this.#resolve(reply);
    }
  }

  /** The stream closed without ending in order: the connection was lost, or it was reset. */
  #onClose(): void {
    if (this.#isSettled) return;
    const stream = this.#stream!;
    if (this.#session!.destroyed) {
      const cause = this.#streamError?.cause instanceof Error ? this.#streamError.cause : this.#streamError;
      this.fail({ code: grpc.status.UNAVAILABLE, details: `the connection to the plugin was lost${cause ? `: ${cause.message}` : ''}` }, true);
    } else if (stream.rstCode !== undefined && stream.rstCode !== h2.NGHTTP2_NO_ERROR) {
      this.fail(statusFromReset(stream.rstCode), false);
    } else {
      this.fail(statusFromResponse(this.#headers, this.#trailers), false);
    }
  }

  /** Marks the call settled and lets go of everything it holds: its place in flight, listener, stream. */
  #settle(): void {
    this.#isSettled = true;
    this.#calls.delete(this);
    if (this.#onAbort) this.#options.signal?.removeEventListener('abort', this.#onAbort);
    const stream = this.#stream;
    // Stop reading a reply the call no longer wants; a stream that ended in order is left alone.
    if (stream !== undefined && !stream.closed && !stream.readableEnded) stream.close(h2.NGHTTP2_CANCEL);
  }
}

/** A CallStatusError, as grpc-js would report it, with the marks classifyCallError reads. */
function statusError(wireStatus: WireStatus, isConnectionLost: boolean, isReplyStarted: boolean): CallStatusError {
  const error = new Error(`${wireStatus.code} ${grpc.status[wireStatus.code]}: ${wireStatus.details}`);
  return Object.assign(error, { code: wireStatus.code, details: wireStatus.details, metadata: new grpc.Metadata(), isConnectionLost, isReplyStarted });
}
