// Starts one gRPC server for a plugin: hookd.v1.Plugin plus grpc.health.v1.Health, bound to a unix
// socket or a TCP address. Knows nothing of processes, stdin or signals (serve.ts does).
import { lstatSync, readFileSync, unlinkSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import type { PluginSpec } from './define-plugin.ts';
import { HealthStatus } from './health.ts';
import type { TlsFiles } from './environment.ts';
import { isTcpAddress, socketPathOf } from './environment.ts';
import type { Logger } from './logger.ts';
import { pluginService } from './protocol.ts';
import { createPluginRuntime, type PluginRuntime } from './runtime.ts';
import { createPluginService } from './service.ts';

/** The health service names a plugin reports: the whole server ("") and the plugin service. */
export const HEALTH_SERVICES = ['', 'hookd.v1.Plugin'] as const;

export interface PluginServerOptions {
  address: string;
  tls?: TlsFiles;
  log: Logger;
  /** Called after the Shutdown RPC has been answered. */
  onShutdownAnswered(reason: string): void;
}

export interface PluginServer {
  /** Where it listens; for TCP with port 0, the port actually bound. */
  readonly address: string;
  readonly runtime: PluginRuntime;
  /** Marks health NOT_SERVING, lets calls in flight finish for up to graceMs, then closes. */
  close(graceMs?: number): Promise<void>;
}

export async function startPluginServer(plugin: PluginSpec, options: PluginServerOptions): Promise<PluginServer> {
  const runtime = createPluginRuntime(plugin, options.log);
  const server = new grpc.Server();
  server.addService(pluginService, createPluginService(runtime, { onShutdownAnswered: options.onShutdownAnswered }));
  const health = new HealthStatus(Object.fromEntries(HEALTH_SERVICES.map((name) => [name, 'SERVING' as const])));
  health.addToServer(server);

  if (!isTcpAddress(options.address)) removeStaleSocket(socketPathOf(options.address));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(options.address, serverCredentials(options.tls), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort));
  });
  const address = isTcpAddress(options.address)
    ? `${options.address.slice(0, options.address.lastIndexOf(':'))}:${port}`
    : options.address;

  let closing: Promise<void> | undefined;
  const close = (graceMs = 2000): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const name of HEALTH_SERVICES) health.setStatus(name, 'NOT_SERVING');
      // tryShutdown waits for calls in flight (including the Shutdown answer); a stuck handler
      // must not keep the process alive past the host's patience, hence the forced close.
      const force = setTimeout(() => server.forceShutdown(), graceMs);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    return closing;
  };

  return { address, runtime, close };
}

function serverCredentials(tls: TlsFiles | undefined): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  const clientCa = tls.clientCaFile ? readFileSync(tls.clientCaFile) : null;
  return grpc.ServerCredentials.createSsl(
    clientCa,
    [{ cert_chain: readFileSync(tls.certFile), private_key: readFileSync(tls.keyFile) }],
    clientCa !== null,
  );
}

// A sidecar restarted after a crash finds its old socket file; binding would fail with
// EADDRINUSE. Only a socket is removed: a regular file at that path is an operator mistake.
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
