// The gRPC face of a PluginRuntime: hookd.v1.Plugin's handlers for a grpc-js Server.
import type { sendUnaryData, ServerUnaryCall, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { PluginRuntime } from './runtime.ts';

export interface ServiceHooks {
  /** Called after the Shutdown RPC has been answered, with the host's reason. */
  onShutdownAnswered(reason: string): void;
}

export function createPluginService(runtime: PluginRuntime, hooks: ServiceHooks): UntypedServiceImplementation {
  const implementation: UntypedServiceImplementation = {};
  for (const [rpc, handle] of runtime.rpcs) {
    implementation[rpc] = (call: ServerUnaryCall<unknown, object>, callback: sendUnaryData<object>) => {
      // grpc-js emits 'cancelled' when the client cancels or the deadline passes.
      const controller = new AbortController();
      call.once('cancelled', () => controller.abort(new Error(`the host gave up on ${rpc}`)));
      handle(call.request, controller.signal).then(
        (response) => {
          callback(null, response);
          if (rpc === 'Shutdown') hooks.onShutdownAnswered((call.request as { reason?: string }).reason ?? '');
        },
        (error) => callback(error),
      );
    };
  }
  return implementation;
}
