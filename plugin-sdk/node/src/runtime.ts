// One served instance of a plugin: the RPCs of hookd.v1.Plugin as plain async functions
// (request message in, response message out, a gRPC ServiceError thrown on failure), and the
// state they share (the configured plugin config). The gRPC server (service.ts) and the in-process
// test harness (testing/harness.ts) both call these, so both see the same behaviour.
import { status, type ServiceError } from '@grpc/grpc-js';
import type { ConfigureRequest__Output } from './generated/types/hookd/v1/ConfigureRequest.ts';
import type { ShutdownRequest__Output } from './generated/types/hookd/v1/ShutdownRequest.ts';
import type { PluginSpec } from './define-plugin.ts';
import type { BaseContext } from './hook-types.ts';
import type { Logger } from './logger.ts';
import { describePlugin } from './describe.ts';
import { isPluginRejection, toServiceError, unimplementedError } from './errors.ts';
import { HOOK_BINDINGS, type AnyHandler } from './hook-table.ts';

/** One RPC: a decoded request in, a response message out; `signal` aborts when the caller gives up. */
export type RpcFunction = (request: unknown, signal?: AbortSignal) => Promise<object>;

export interface PluginRuntime {
  /** Every RPC of hookd.v1.Plugin by name; unimplemented hooks answer UNIMPLEMENTED. */
  readonly rpcs: ReadonlyMap<string, RpcFunction>;
  /** Runs the plugin's `shutdown` once, whoever asks first (the Shutdown RPC or a signal). */
  runShutdown(reason: string): Promise<void>;
}

export function createPluginRuntime(plugin: PluginSpec, log: Logger): PluginRuntime {
  let pluginConfig: unknown;
  let shutdownRun: Promise<void> | undefined;
  const base = (signal: AbortSignal): BaseContext<unknown> => ({ log, pluginConfig, signal });

  const runShutdown = (reason: string): Promise<void> => {
    shutdownRun ??= (async () => {
      log.info('shutting down', { reason });
      try {
        await plugin.shutdown?.({ reason, log });
      } catch (error) {
        log.error('shutdown handler failed', { error });
      }
    })();
    return shutdownRun;
  };

  const rpcs = new Map<string, RpcFunction>();
  rpcs.set('Describe', async () => describePlugin(plugin));

  rpcs.set('Configure', async (message) => {
    const request = message as ConfigureRequest__Output;
    try {
      const text = request.config_json.length === 0 ? 'null' : request.config_json.toString('utf8');
      const raw: unknown = JSON.parse(text);
      const configured = await plugin.configure?.(raw, {
        pluginName: request.plugin_name,
        protocolVersion: request.protocol_version,
        hostName: request.host_name,
        hostVersion: request.host_version,
        log,
      });
      pluginConfig = configured === undefined ? raw : configured;
      log.info('configured', { pluginName: request.plugin_name, protocolVersion: request.protocol_version });
      return {};
    } catch (error) {
      log.warn('configuration refused', { error });
      throw toServiceError(error, status.INVALID_ARGUMENT);
    }
  });

  rpcs.set('Shutdown', async (message) => {
    await runShutdown((message as ShutdownRequest__Output).reason || 'host request');
    return {};
  });

  for (const binding of HOOK_BINDINGS) {
    const handler = plugin.hooks[binding.key] as AnyHandler | undefined;
    rpcs.set(binding.rpc, async (request, signal = new AbortController().signal) => {
      if (!handler) throw unimplementedError(plugin.name, binding.rpc);
      try {
        return await binding.invoke(handler, request, base(signal));
      } catch (error) {
        const requestId = (request as { context?: { request_id?: string } | null }).context?.request_id;
        throw reportHookError(requestId ? log.child({ requestId }) : log, binding.key, error);
      }
    });
  }

  return { rpcs, runShutdown };
}

// A rejection is the plugin doing its job; anything else is a bug or a broken dependency and is
// logged with its stack so the author can find it.
function reportHookError(log: Logger, hook: string, error: unknown): ServiceError {
  if (isPluginRejection(error)) {
    log.info('rejected', { hook, reason: error.message });
  } else {
    log.error('hook handler failed', { hook, error, stack: error instanceof Error ? error.stack : undefined });
  }
  return toServiceError(error);
}
