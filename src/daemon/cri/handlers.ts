// The CRI's RPC handlers as plain async functions, and how handler modules are composed.
//
// Each area of the CRI (sandbox/, containers/, images.ts, streaming/) exports one function
// `(deps: CriDeps) => CriHandlerSet`: the RPCs it implements, by their method name in the proto
// (`RunPodSandbox`, `PullImage`...). server.ts composes them; a method two modules claim is a start-up
// error, and a method nobody claims answers UNIMPLEMENTED naming it. Handlers receive the decoded
// request (proto field names, snake_case; int64 as decimal strings; enums as their names) and return
// the response or throw: status.ts turns the thrown value into the gRPC status.

import type * as grpc from '@grpc/grpc-js';
import type { ImageServiceHandlers } from './generated/types/runtime/v1/ImageService.ts';
import type { RuntimeServiceHandlers } from './generated/types/runtime/v1/RuntimeService.ts';
import type { CriDeps } from './deps.ts';

/** The generated handler interfaces without grpc-js's `[name: string]` index signature. */
type KnownMethods<T> = { [K in keyof T as string extends K ? never : K]: T[K] };
/** Every RPC of runtime.v1.RuntimeService and runtime.v1.ImageService (their method names do not overlap). */
export type CriGrpcHandlers = KnownMethods<RuntimeServiceHandlers> & KnownMethods<ImageServiceHandlers>;
export type CriMethod = Extract<keyof CriGrpcHandlers, string>;

type RequestOf<M extends CriMethod> = CriGrpcHandlers[M] extends grpc.handleUnaryCall<infer Req, unknown>
  ? Req : CriGrpcHandlers[M] extends grpc.handleServerStreamingCall<infer Req, unknown> ? Req : never;
type ResponseOf<M extends CriMethod> = CriGrpcHandlers[M] extends grpc.handleUnaryCall<never, infer Res>
  ? Res : CriGrpcHandlers[M] extends grpc.handleServerStreamingCall<never, infer Res> ? Res : never;

/** What a unary handler sees besides the request: the call's metadata and its cancellation. */
export interface CriCallContext {
  method: CriMethod;
  metadata: grpc.Metadata;
  /** Aborted when the client cancels or its deadline passes. */
  signal: AbortSignal;
}

export type UnaryHandler<M extends CriMethod> = (request: RequestOf<M>, context: CriCallContext) => Promise<ResponseOf<M>>;
/** Server-streaming RPCs (StreamPodSandboxes, GetContainerEvents...) keep grpc-js's own call shape. */
export type StreamingHandler<M extends CriMethod> = grpc.handleServerStreamingCall<RequestOf<M>, ResponseOf<M>>;

export type CriHandlerSet = {
  [M in CriMethod]?: CriGrpcHandlers[M] extends grpc.handleUnaryCall<never, unknown> ? UnaryHandler<M> : StreamingHandler<M>;
};

/** One area's contribution: the RPCs it implements, built from the daemon's shared parts. */
export type CriHandlerModule = (deps: CriDeps) => CriHandlerSet;

export { type RequestOf as CriRequest, type ResponseOf as CriResponse };
