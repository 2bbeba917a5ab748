// The CRI server: runtime.v1.RuntimeService and runtime.v1.ImageService (k8s.io/cri-api, pinned in
// proto/cri/PIN) over gRPC on a unix socket, beside the Docker API and sharing its managers.
//
// The RPCs come from handler modules (handlers.ts), one per area, composed here in a fixed list; a
// method two modules implement is a start-up error, and one nobody implements answers UNIMPLEMENTED
// naming it. Every unary call runs with an AbortSignal that fires when the client cancels or its
// deadline passes, and every failure becomes a status in one place (status.ts).
//
// The socket is claimed like the Docker API's (api/socket-claim.ts): a live one is refused, a
// crashed daemon's leftover removed; it is chmod'ed to the configured mode (0660) before the
// server accepts calls, and on close removed only if it is still the file this server bound.

import { chmod } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { clearStaleSocket, removeOwnSocket, socketIdentity } from '../api/socket-claim.ts';
import { containerHandlers } from './containers/handlers.ts';
import type { CriDeps } from './deps.ts';
import { criDescriptor } from './generated/cri-descriptor.ts';
import type { CriCallContext, CriHandlerModule, CriHandlerSet, CriMethod, UnaryHandler } from './handlers.ts';
import { imageHandlers } from './images.ts';
import { runtimeStatusHandlers } from './runtime-status.ts';
import { sandboxHandlers } from './sandbox/handlers.ts';
import { reconcileSandboxes } from './sandbox/reconcile.ts';
import { CriError, toServiceError } from './status.ts';
import { streamingHandlers } from './streaming/handlers.ts';

/** The areas of the CRI, in the order their handlers are composed (the order only shows in errors). */
export const CRI_HANDLER_MODULES: ReadonlyArray<{ area: string; module: CriHandlerModule }> = [
  { area: 'runtime-status', module: runtimeStatusHandlers },
  { area: 'sandbox', module: sandboxHandlers },
  { area: 'containers', module: containerHandlers },
  { area: 'images', module: imageHandlers },
  { area: 'streaming', module: streamingHandlers },
];

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };
const SERVICES = ['runtime.v1.RuntimeService', 'runtime.v1.ImageService'] as const;
/** The kubelet's default limit for CRI messages (16 MiB): ListContainers on a busy node is large. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export interface CriServerConfig {
  socketPath: string;
  /** Defaults to 0o660. */
  socketMode?: number;
}

export interface CriServer {
  listen(): Promise<{ socketPath: string }>;
  close(): Promise<void>;
}

/** Composes the modules' handlers; throws naming both areas when two implement one method. */
export function composeHandlers(deps: CriDeps, modules = CRI_HANDLER_MODULES): { handlers: CriHandlerSet; areaOf: Map<string, string> } {
  const handlers: Record<string, unknown> = {};
  const areaOf = new Map<string, string>();
  for (const { area, module } of modules) {
    for (const [method, handler] of Object.entries(module(deps))) {
      if (handler === undefined) continue;
      const holder = areaOf.get(method);
      if (holder) throw new Error(`CRI method ${method} is implemented by both the ${holder} and the ${area} handlers`);
      areaOf.set(method, area);
      handlers[method] = handler;
    }
  }
  return { handlers: handlers as CriHandlerSet, areaOf };
}

export function createCriServer(deps: CriDeps, config: CriServerConfig): CriServer {
  const { handlers } = composeHandlers(deps);
  const definition = protoLoader.fromJSON(criDescriptor, LOADER_OPTIONS);
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_send_message_length': MAX_MESSAGE_BYTES });
  for (const name of SERVICES) {
    const service = definition[name] as grpc.ServiceDefinition;
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [method, spec] of Object.entries(service)) {
      const handler = (handlers as Record<string, unknown>)[method];
      if (spec.responseStream) {
        implementation[method] = handler ? handler as grpc.handleServerStreamingCall<unknown, unknown> : unimplementedStream(name, method);
      } else {
        implementation[method] = serveUnary(method as CriMethod, handler as UnaryHandler<CriMethod> | undefined, name, deps);
      }
    }
    server.addService(service, implementation);
  }

  let boundSocket: string | undefined;
  return {
    async listen() {
      const { socketPath } = config;
      // Before the first call: sandbox records loaded, and what a crash mid-RunPodSandbox left removed.
      await reconcileSandboxes(deps);
      await clearStaleSocket(socketPath);
      await new Promise<void>((resolve, reject) => {
        server.bindAsync(`unix://${socketPath}`, grpc.ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve()));
      });
      boundSocket = await socketIdentity(socketPath);
      // grpc-js binds under the process umask (0755 under 022): until the chmod only root can
      // connect (connecting needs write permission), so the mode only ever widens to the configured one.
      await chmod(socketPath, config.socketMode ?? 0o660);
      return { socketPath };
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Streams (GetContainerEvents) never end on their own; after the graceful attempt, cut them.
        setImmediate(() => server.forceShutdown());
      });
      await removeOwnSocket(config.socketPath, boundSocket);
    },
  };
}

function serveUnary(method: CriMethod, handler: UnaryHandler<CriMethod> | undefined, service: string, deps: CriDeps): grpc.handleUnaryCall<unknown, unknown> {
  const { logger, metrics } = deps;
  return (call, callback) => {
    if (!handler) {
      metrics?.record(method, grpc.status.UNIMPLEMENTED, 0);
      callback(toServiceError(new CriError(grpc.status.UNIMPLEMENTED, `hookd does not implement ${service}/${method}`), method));
      return;
    }
    const abort = new AbortController();
    call.once('cancelled', () => abort.abort(new CriError(grpc.status.CANCELLED, 'the client cancelled the call or its deadline passed')));
    const context: CriCallContext = { method, metadata: call.metadata, signal: abort.signal };
    const started = process.hrtime.bigint();
    handler(call.request as never, context).then(
      (response) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics?.record(method, grpc.status.OK, seconds);
        logger.debug({ method, ms: seconds * 1000 }, 'CRI call');
        callback(null, response);
      },
      (error: unknown) => {
        const status = toServiceError(error, method);
        metrics?.record(method, status.code, Number(process.hrtime.bigint() - started) / 1e9);
        logger.info({ method, code: grpc.status[status.code], err: status.details }, 'CRI call failed');
        callback(status);
      },
    );
  };
}

function unimplementedStream(service: string, method: string): grpc.handleServerStreamingCall<unknown, unknown> {
  return (call) => {
    call.emit('error', toServiceError(new CriError(grpc.status.UNIMPLEMENTED, `hookd does not implement ${service}/${method}`), method));
  };
}
