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
      handle(call.request).then(
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
