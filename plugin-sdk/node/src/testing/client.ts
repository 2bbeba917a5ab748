// A host-side client for tests: hookd.v1.Plugin and grpc.health.v1.Health over one address,
// built from the same generated descriptor, with promise-returning calls.
import * as grpc from '@grpc/grpc-js';
import { healthService } from '../health.ts';
import { PluginClientConstructor } from '../protocol.ts';
import type { PluginClient } from '../generated/types/hookd/v1/Plugin.ts';

export interface PluginConnection {
  readonly address: string;
  readonly client: PluginClient;
  /** Calls one RPC of hookd.v1.Plugin by name ("Describe", "ContainerPreCreate", ...). */
  call<T = Record<string, unknown>>(rpc: string, request: object, options?: { timeoutMs?: number }): Promise<T>;
  /** grpc.health.v1.Health/Check: "SERVING", "NOT_SERVING", ... */
  checkHealth(service?: string): Promise<string>;
  close(): void;
}

type UnaryMethod = (request: object, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response: unknown) => void) => void;

export function connectPlugin(address: string, credentials = grpc.credentials.createInsecure()): PluginConnection {
  const client = new PluginClientConstructor(address, credentials) as unknown as PluginClient;
  const HealthClient = grpc.makeGenericClientConstructor(healthService, 'Health');
  // Share the plugin client's channel so both services ride one connection, as the host does.
  const health = new HealthClient(address, credentials, { channelOverride: client.getChannel() });

  const unary = <T>(target: grpc.Client, method: string, request: object, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const fn = (target as unknown as Record<string, UnaryMethod>)[method];
      if (typeof fn !== 'function') {
        reject(new TypeError(`no RPC named ${method}`));
        return;
      }
      fn.call(target, request, { deadline: Date.now() + timeoutMs }, (error, response) =>
        error ? reject(error) : resolve(response as T));
    });

  return {
    address,
    client,
    call: (rpc, request, options = {}) => unary(client, rpc, request, options.timeoutMs ?? 5000),
    checkHealth: async (serviceName = '') =>
      (await unary<{ status: string }>(health, 'Check', { service: serviceName }, 5000)).status,
    close: () => {
      health.close();
      client.close();
    },
  };
}
