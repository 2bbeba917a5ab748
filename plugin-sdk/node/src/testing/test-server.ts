// Serves a plugin in-process on a fresh unix socket (in a private temp directory) and connects a
// client to it: a wire-level test without a child process. Shutdown closes the server instead of
// exiting the test's process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PluginSpec } from '../define-plugin.ts';
import { createLogger } from '../logger.ts';
import { startPluginServer } from '../server.ts';
import { connectPlugin, type PluginConnection } from './client.ts';

export interface TestServer extends PluginConnection {
  readonly socketPath: string;
  readonly logs: Array<Record<string, unknown>>;
  /** Resolves with the host's reason once a Shutdown call has been answered and the server closed. */
  readonly shutDown: Promise<string>;
  /** Closes the client and the server and removes the socket directory. */
  stop(): Promise<void>;
}

export async function startTestServer(plugin: PluginSpec, options: { config?: unknown } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'hookd-plugin-'));
  const socketPath = join(dir, 'plugin.sock');
  const logs: Array<Record<string, unknown>> = [];
  const log = createLogger(plugin.name, { level: 'debug', sink: (line) => logs.push(JSON.parse(line)) });

  let resolveShutDown!: (reason: string) => void;
  const shutDown = new Promise<string>((resolve) => (resolveShutDown = resolve));
  const server = await startPluginServer(plugin, {
    address: `unix://${socketPath}`,
    log,
    onShutdownAnswered: (reason) => void server.close().then(() => resolveShutDown(reason)),
  });
  const connection = connectPlugin(server.address);
  if (options.config !== undefined) {
    await connection.call('Configure', {
      config_json: Buffer.from(JSON.stringify(options.config)), plugin_name: plugin.name, protocol_version: '1',
    });
  }

  return {
    ...connection,
    socketPath,
    logs,
    shutDown,
    stop: async () => {
      connection.close();
      await server.close(500);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
