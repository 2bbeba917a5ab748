// The plugin processes of a bench run, and the hosts that measure them.
//
// Starting a tsx plugin costs about a second of CPU, and every row wants a different set of orders
// and behaviours; relaunching per row would spend most of the 2-minute budget on start-up. So:
//   launchPool     one PluginHost launches N bench plugins from launch manifests (real child
//                  processes, the launched path of DESIGN §2) into a runtime dir we own;
//   attachHost     each row starts its own PluginHost that attaches to the first k of those sockets
//                  with the row's `order` and `config`. The row's Configure sets the plugin's
//                  behaviour, and the measured calls take the very same path as for a launched
//                  plugin (grpc-client.ts over a unix socket, supervisor, dispatch, merge).
//   stopAll        a host that stops sends Shutdown to its sidecars too (attempt.ts), and an SDK
//                  plugin exits on Shutdown, so row hosts stay attached, idle, until the run ends;
//                  then the pool and every row host stop together, the pool first so that none
//                  of its plugins is restarted when a row host's Shutdown makes it exit.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Logger } from 'pino';

import type { PluginHost, PluginManifest, PluginStatus } from '../src/host/index.ts';
import { parseManifest, PluginHost as ShippedPluginHost } from './shipped-host.ts';
import type { NoopConfig } from './fixtures/pre-create-handler.ts';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
// The plugin as shipped: fixtures/noop-plugin.ts bundled into one file by `npm run build`.
const PLUGIN_FILE = fileURLToPath(new URL('./dist/noop-plugin.js', import.meta.url));
const HOST_IDENTITY = { hostName: 'hookd-bench', hostVersion: '0.1.0' };
/** Health checks are off in effect (one an hour): a check landing mid-row would be noise. */
const QUIET_HEALTH = { intervalMs: 3_600_000 };

export interface PluginPool {
  /** The launching host; rows measure through their own attached hosts, memory.ts through this one. */
  readonly host: PluginHost;
  readonly names: readonly string[];
  /** unix:///... address of each plugin, by name. */
  address(name: string): string;
  pids(): number[];
  stop(): Promise<void>;
}

export interface AttachedPlugin {
  name: string;
  order: number;
  config: NoopConfig;
}

function assertAllReady(statuses: PluginStatus[], what: string): void {
  const notReady = statuses.filter((status) => status.state !== 'ready');
  if (notReady.length > 0) {
    const lines = notReady.map((status) => `  ${status.name}: ${status.state}${status.lastError ? ` (${status.lastError.code}: ${status.lastError.message})` : ''}`);
    throw new Error(`${what}: ${notReady.length} plugin(s) did not become ready:\n${lines.join('\n')}`);
  }
}

export async function launchPool(count: number, logger: Logger): Promise<PluginPool> {
  const runtimeDir = await mkdtemp(join(tmpdir(), 'hookd-bench-'));
  const names = Array.from({ length: count }, (_, i) => `bench-${String(i + 1).padStart(2, '0')}`);
  // Written as an operator would write the JSON files, and parsed by the host's own parser.
  const manifests = names.map((name) => parseManifest({
    name,
    launch: { command: process.execPath, args: [PLUGIN_FILE], cwd: REPO_ROOT },
    // Sixteen Node start-ups at once on a shared 2-core machine can take a while.
    startTimeoutMs: 120_000,
    health: QUIET_HEALTH,
  }, '<inline>'));
  const host: PluginHost = new ShippedPluginHost({ logger, ...HOST_IDENTITY, runtimeDir });
  try {
    assertAllReady(await host.start(manifests), 'launching the bench plugins');
  } catch (error) {
    await host.stop('bench start-up failed');
    await rm(runtimeDir, { recursive: true, force: true });
    throw error;
  }
  const pids = host.status().map((status) => status.pid).filter((pid): pid is number => pid !== undefined);
  return {
    host,
    names,
    address: (name) => `unix://${join(runtimeDir, `${name}.sock`)}`,
    pids: () => pids,
    async stop() {
      await host.stop('bench finished');
      await rm(runtimeDir, { recursive: true, force: true });
    },
  };
}

/** A PluginHost attached to some of the pool's plugins, each with the row's order and config. */
export async function attachHost(pool: PluginPool, plugins: readonly AttachedPlugin[], logger: Logger): Promise<PluginHost> {
  const manifests: PluginManifest[] = plugins.map(({ name, order, config }) => parseManifest({
    name,
    attach: { address: pool.address(name) },
    order,
    config,
    health: QUIET_HEALTH,
    // HOOKD_BENCH_MAX_IN_FLIGHT: the manifests' maxInFlight (default: the host's default, 32), to
    // measure what the in-flight cap costs the concurrency row.
    ...(process.env.HOOKD_BENCH_MAX_IN_FLIGHT ? { maxInFlight: Number(process.env.HOOKD_BENCH_MAX_IN_FLIGHT) } : {}),
  }, '<inline>'));
  const host: PluginHost = new ShippedPluginHost({ logger, ...HOST_IDENTITY });
  try {
    assertAllReady(await host.start(manifests), 'attaching the bench host');
  } catch (error) {
    await host.stop('bench row failed');
    throw error;
  }
  return host;
}

/** True when no process with this pid exists any more. */
export function hasExited(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Stops the pool and the row hosts at once and resolves when every plugin process is gone. */
export async function stopAll(pool: PluginPool, rowHosts: readonly PluginHost[]): Promise<void> {
  // pool.stop() marks its supervisors stopping synchronously, before any Shutdown is sent.
  const stopping = [pool.stop(), ...rowHosts.map((host) => host.stop('bench finished'))];
  await Promise.all(stopping);
}
