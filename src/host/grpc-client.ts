// The host's gRPC side of one plugin: a hookd.v1.Plugin client and a grpc.health.v1.Health
// client on one channel, and the one helper every RPC goes through (deadline, AbortSignal,
// status → HookdError). The classification lives in classifyCallError and nowhere else.

import { readFileSync } from 'node:fs';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

import { HookdError } from './errors.ts';
import { pluginDescriptor } from './generated/plugin-descriptor.ts';
import { healthDescriptor } from './health-descriptor.ts';
import type { TlsSpec } from './types.ts';

/** Replies larger than this fail as ERR_HOOK_BAD_REPLY instead of exhausting the daemon's memory. */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024;

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

type ClientConstructor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => grpc.Client;

interface LoadedServices {
  plugin: ClientConstructor;
  health: ClientConstructor;
  /** hookd.v1.Plugin's methods by RPC name, for the thin client (wire-client.ts). */
  pluginMethods: ReadonlyMap<string, WireMethod>;
}

/**
 * One hookd.v1.Plugin method as both clients call it: the same proto-loader definition, so the
 * grpc-js client and the thin client (wire-client.ts) encode requests and decode replies (the
 * UndecodableReply wrapper included) identically.
 */
export interface WireMethod {
  /** `/hookd.v1.Plugin/<Rpc>` */
  path: string;
  requestSerialize(request: object): Buffer;
  responseDeserialize(bytes: Buffer): unknown;
}

// Loaded once per process: the descriptors are constants, so this is a cache, not shared state.
let loaded: LoadedServices | undefined;

function loadServices(): LoadedServices {
  if (loaded) return loaded;
  const pluginDefinition = protoLoader.fromJSON(pluginDescriptor, LOADER_OPTIONS);
  keepUndecodableReplies(pluginDefinition['hookd.v1.Plugin'] as grpc.ServiceDefinition);
  const pluginPackage = grpc.loadPackageDefinition(pluginDefinition);
  const healthPackage = grpc.loadPackageDefinition(protoLoader.fromJSON(healthDescriptor, LOADER_OPTIONS));
  const hookd = pluginPackage.hookd as grpc.GrpcObject;
  const healthV1 = ((healthPackage.grpc as grpc.GrpcObject).health as grpc.GrpcObject).v1 as grpc.GrpcObject;
  loaded = {
    plugin: (hookd.v1 as grpc.GrpcObject).Plugin as unknown as ClientConstructor,
    health: healthV1.Health as unknown as ClientConstructor,
    pluginMethods: new Map(Object.entries(pluginDefinition['hookd.v1.Plugin'] as grpc.ServiceDefinition).map(([rpc, method]) => [rpc, method as WireMethod])),
  };
  return loaded;
}

/**
 * A reply whose bytes do not decode as the RPC's response message. The deserializers return it
 * instead of throwing, because grpc-js turns a throwing deserializer into an INTERNAL status that
 * only its message text would tell apart from a plugin's own INTERNAL error.
 */
export class UndecodableReply {
  constructor(readonly reason: string) {}
}

function keepUndecodableReplies(service: grpc.ServiceDefinition): void {
  for (const method of Object.values(service)) {
    const decode = method.responseDeserialize;
    (method as { responseDeserialize: (bytes: Buffer) => unknown }).responseDeserialize = (bytes) => {
      try {
        return decode(bytes);
      } catch (error) {
        return new UndecodableReply(error instanceof Error ? error.message : String(error));
      }
    };
  }
}

export interface PluginClients {
  plugin: grpc.Client;
  health: grpc.Client;
  /** Closes the shared channel; calls in flight fail with CANCELLED. Idempotent. */
  close(): void;
}

/**
 * Dials `address` (`unix:///abs/path` or `host:port`). Unix sockets are plaintext: their 0700
 * directory is the access control. TCP requires `tls` (a CA to verify the plugin; cert+key add
 * the host's client certificate for mutual TLS), because a sidecar port is reachable by anyone.
 */
export function createPluginClients(plugin: string, address: string, tls?: TlsSpec, manifestFile = '<inline>'): PluginClients {
  const services = loadServices();
  const isUnix = address.startsWith('unix:');
  if (!isUnix && !tls) {
    // manifest.ts refuses this too; the check stays here because embedders may build manifests in code.
    throw new HookdError('ERR_MANIFEST_INVALID', { plugin, file: manifestFile, field: 'attach.tls', reason: `is required: plugin "${plugin}" is attached over TCP (${address})` });
  }
  const options: grpc.ClientOptions = {
    'grpc.max_receive_message_length': MAX_REPLY_BYTES,
    // Redials should notice a sidecar that came back quickly; grpc-js defaults to 1 s..120 s.
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 2_000,
    // Leaving READY is how the supervisor notices an attached plugin went away, so the channel
    // must not go IDLE by itself (grpc-js default: after 30 min without calls).
    'grpc.client_idle_timeout_ms': 2_147_483_647,
  };
  if (tls?.serverName) options['grpc.ssl_target_name_override'] = tls.serverName;
  const credentials = isUnix ? grpc.credentials.createInsecure() : createTlsCredentials(tls!);
  const pluginClient = new services.plugin(address, credentials, options);
  const healthClient = new services.health(address, credentials, { channelOverride: pluginClient.getChannel() });
  let isClosed = false;
  return {
    plugin: pluginClient,
    health: healthClient,
    close() {
      if (isClosed) return;
      isClosed = true;
      pluginClient.close();
    },
  };
}

/** hookd.v1.Plugin's methods by RPC name (loaded once per process). */
export function pluginMethods(): ReadonlyMap<string, WireMethod> {
  return loadServices().pluginMethods;
}

/** The PEM files of a TlsSpec, read: a CA (else the system's roots), and key+cert only as a pair. */
export interface TlsMaterial {
  ca?: Buffer;
  key?: Buffer;
  cert?: Buffer;
}

/** Read by both clients, so grpc-js and the thin client trust and present exactly the same. */
export function readTlsMaterial(tls: TlsSpec): TlsMaterial {
  const hasClientCert = Boolean(tls.certFile && tls.keyFile);
  return {
    ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
    ...(hasClientCert ? { key: readFileSync(tls.keyFile!), cert: readFileSync(tls.certFile!) } : {}),
  };
}

function createTlsCredentials(tls: TlsSpec): grpc.ChannelCredentials {
  const { ca, key, cert } = readTlsMaterial(tls);
  return grpc.credentials.createSsl(ca ?? null, key ?? null, cert ?? null);
}

// ─── Calls ─────────────────────────────────────────────────────────────────────────────────────

export interface UnaryCallOptions {
  /** Epoch ms. */
  deadline: number;
  signal?: AbortSignal;
  plugin: string;
  /** What the call serves, for messages: a hook name or the RPC ("Describe"). */
  hook: string;
  /** The caller's budget, for messages (default: what is left until `deadline`). */
  timeoutMs?: number;
  /** Queue the call until the channel connects instead of failing fast (readiness, redial). */
  waitForReady?: boolean;
}

/** A failed call, classified: `error` for the caller, `isTransport` for the supervisor. */
export interface ClassifiedFailure {
  error: HookdError;
  /** The plugin may be down: the supervisor should check on it (NRI's isFatalError). */
  isTransport: boolean;
}

/** Whether a call error means "the plugin may be down" (decided by classifyCallError). */
export function isTransportFailure(error: unknown): boolean {
  return error instanceof HookdError && error.code === 'ERR_HOOK_TRANSPORT';
}

/**
 * Calls `method` on `client` and resolves with the decoded reply. Rejects with the HookdError of
 * classifyCallError (ERR_HOOK_ABORTED when `signal` aborted it). The call is cancelled when
 * `signal` aborts; grpc-js enforces the deadline on both ends.
 */
export function callUnary<Reply>(client: grpc.Client, method: string, request: object, options: UnaryCallOptions): Promise<Reply> {
  const startedAt = Date.now();
  const context = { plugin: options.plugin, hook: options.hook, timeoutMs: options.timeoutMs ?? Math.max(0, options.deadline - startedAt) };
  if (options.signal?.aborted) {
    return Promise.reject(abortedFailure(context, options.signal).error);
  }
  if (options.deadline <= startedAt) {
    return Promise.reject(new HookdError('ERR_HOOK_TIMEOUT', context));
  }
  const fn = (client as unknown as Record<string, UnaryMethod>)[method];
  if (typeof fn !== 'function') {
    return Promise.reject(new TypeError(`hookd.v1.Plugin has no RPC "${method}"`));
  }
  const metadata = new grpc.Metadata(options.waitForReady ? { waitForReady: true } : undefined);
  return new Promise<Reply>((resolve, reject) => {
    let abortListener: (() => void) | undefined;
    // Whether the plugin had started a reply (sent response headers) before a failed status. A
    // status the plugin returns from its handler comes alone (a trailers-only response);
    // RESOURCE_EXHAUSTED after headers is grpc-js refusing a reply above our receive limit. (A
    // listener on the call's 'metadata' event rather than a client interceptor: an interceptor
    // adds a layer of grpc-js's call objects to every call, docs/performance.md §5.3.)
    let isReplyStarted = false;
    const call = fn.call(client, request, metadata, { deadline: new Date(options.deadline) }, (error, reply) => {
      if (abortListener) options.signal?.removeEventListener('abort', abortListener);
      if (!error) {
        if (reply instanceof UndecodableReply) reject(new HookdError('ERR_HOOK_BAD_REPLY', { ...context, reason: `the reply does not decode as the RPC's response message (${reply.reason})` }));
        else resolve(reply as Reply);
        return;
      }
      const isAbortedByUs = options.signal?.aborted === true;
      const isConnectionLost = client.getChannel().getConnectivityState(false) !== grpc.connectivityState.READY;
      reject((isAbortedByUs ? abortedFailure(context, options.signal!) : classifyCallError(Object.assign(error, { isConnectionLost, isReplyStarted }), context)).error);
    });
    call.on('metadata', () => {
      isReplyStarted = true;
    });
    if (options.signal) {
      abortListener = () => call.cancel();
      options.signal.addEventListener('abort', abortListener, { once: true });
    }
  });
}

type UnaryMethod = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, reply?: unknown) => void,
) => grpc.ClientUnaryCall;

export type CallContext = {
  plugin: string;
  hook: string;
  timeoutMs: number;
};

/** A failed call's status as grpc-js reports it, with the marks this client adds. */
export type CallStatusError = grpc.ServiceError & {
  /** Set by callUnary: the channel was no longer READY when the call failed. */
  isConnectionLost?: boolean;
  /** Set by callUnary: the plugin had sent response headers before the status. */
  isReplyStarted?: boolean;
};

/**
 * The one place a gRPC status becomes a HookdError, by status code and the transport's marks,
 * never by grpc-js's message text:
 * - DEADLINE_EXCEEDED → ERR_HOOK_TIMEOUT (one slow call is not a sign of death: not transport).
 * - UNAVAILABLE, CANCELLED (we did not cancel, so the peer or the connection did), and INTERNAL or
 *   UNKNOWN while the connection is lost → ERR_HOOK_TRANSPORT, and the plugin may be down. (grpc-js
 *   drops the HTTP/2 reset code before the status reaches us, so the channel's state is what
 *   tells a torn connection from a plugin's own INTERNAL error; a stream reset on a live
 *   connection is the plugin's failure to answer, judged by its failure policy like a refusal.)
 * - RESOURCE_EXHAUSTED after the plugin started its reply: grpc-js refused a reply above our
 *   receive limit → ERR_HOOK_BAD_REPLY. (A reply that does not decode never becomes a status:
 *   callUnary sees an UndecodableReply.)
 * - Any other status was returned by the plugin on purpose → ERR_HOOK_REJECTED with its message.
 */
export function classifyCallError(error: CallStatusError, context: CallContext): ClassifiedFailure {
  const details = error.details || error.message;
  switch (error.code) {
    case grpc.status.DEADLINE_EXCEEDED:
      return { error: new HookdError('ERR_HOOK_TIMEOUT', context, { cause: error }), isTransport: false };
    case grpc.status.UNAVAILABLE:
    case grpc.status.CANCELLED:
      return transportFailure(context, details, error);
    case grpc.status.RESOURCE_EXHAUSTED:
      if (error.isReplyStarted === true) {
        return badReply(context, `reply is larger than the ${MAX_REPLY_BYTES / 1024 / 1024} MiB limit (${details})`, error);
      }
      break;
    case grpc.status.INTERNAL:
    case grpc.status.UNKNOWN:
      if (error.isConnectionLost === true) return transportFailure(context, details, error);
      break;
    default:
      break; // every other status is the plugin's own answer, below
  }
  return { error: new HookdError('ERR_HOOK_REJECTED', { ...context, reason: details, grpcCode: grpc.status[error.code] }, { cause: error }), isTransport: false };
}

function transportFailure(context: CallContext, reason: string, cause: unknown): ClassifiedFailure {
  return { error: new HookdError('ERR_HOOK_TRANSPORT', { ...context, reason }, { cause }), isTransport: true };
}

function badReply(context: CallContext, reason: string, cause: unknown): ClassifiedFailure {
  return { error: new HookdError('ERR_HOOK_BAD_REPLY', { ...context, reason }, { cause }), isTransport: false };
}

export function abortedFailure(context: CallContext, signal: AbortSignal): ClassifiedFailure {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
  return { error: new HookdError('ERR_HOOK_ABORTED', { ...context, reason }, { cause: signal.reason }), isTransport: false };
}
