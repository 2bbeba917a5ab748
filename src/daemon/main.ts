// The daemon process, step by step (`hookd daemon --config file`):
//   config → logger → plugin host + manifests → daemon.preStart → runtime, stores, images →
//   API (with API plugins' routes) → listen → banner → hot reload → wait for a signal →
//   daemon.preStop → close the API → stop the plugins.
// daemon.preStart runs before anything listens (PouchContainer: before the managers and servers
// are built); its failure ends the process with the plugin's message and a non-zero status.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { PluginHost } from '../host/index.ts';
import { loadDaemonConfig, type EffectiveConfig } from './config.ts';
import { createDaemon, type Daemon, type DaemonAddress } from './daemon.ts';
import { LocalImageStore } from './images/local-image-store.ts';
import { BlobStore } from './content/blob-store.ts';
import { selectSnapshotter } from './images/snapshots/select-snapshotter.ts';
import { DaemonMetrics } from './metrics.ts';
import { CriMetrics } from './cri/cri-metrics.ts';
import { lockDataRoot, type DataRootLock } from './data-root-lock.ts';
import { preparePluginRuntimeDir, type PluginRuntimeDir } from './plugin-runtime-dir.ts';
import { createForwardHttp } from './plugin-http.ts';
import { pluginRoutes } from './plugin-routes.ts';
import { PluginReloader } from './reload.ts';
import { selectRuntime } from './runtime/select-runtime.ts';
import { JsonStore } from './store/json-store.ts';
import type { ContainerRecord } from './containers/container-record.ts';
import type { VolumeRecord } from './volumes/volume-record.ts';

export interface DaemonIo {
  /** Human-readable lines (the banner); the log goes to stdout as JSON lines. */
  out: (text: string) => void;
  err: (text: string) => void;
}

const STDIO: DaemonIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** What the process that loaded the daemon wants done at points of its start (bin/hookd.js). */
export interface DaemonStartup {
  /**
   * Called once, right after the API listens and the banner is out; what it returns is logged.
   * bin/hookd.js writes the bundle's code cache here (src/cli/bundle-loader.ts): by then V8 has
   * compiled every function a start needs.
   */
  afterListen?: () => object;
}

/** Runs the daemon until SIGTERM/SIGINT; resolves with the process's exit status. */
export async function runDaemon(configFile: string, io: DaemonIo = STDIO, startup: DaemonStartup = {}): Promise<number> {
  let config: EffectiveConfig;
  try {
    config = await loadDaemonConfig(configFile);
  } catch (error) {
    io.err(`hookd: ${(error as Error).message}`);
    return 2;
  }
  // Before anything starts: a second daemon on this data root must not launch plugins or take the socket.
  let lock: DataRootLock;
  // Without a configured runtimeDir, one per data root that the next start empties (a killed daemon's is reused, not left behind).
  let ownRuntimeDir: PluginRuntimeDir | undefined;
  try {
    await mkdir(config.dataRoot, { recursive: true, mode: 0o711 });
    lock = await lockDataRoot(config.dataRoot);
  } catch (error) {
    io.err(`hookd: ${(error as Error).message}`);
    return 1;
  }
  try {
    if (!config.runtimeDir) ownRuntimeDir = await preparePluginRuntimeDir(config.dataRoot);
  } catch (error) {
    io.err(`hookd: cannot prepare the plugins' runtime dir: ${(error as Error).message}`);
    await lock.release();
    return 1;
  }
  const runtimeDir = config.runtimeDir ?? ownRuntimeDir?.dir;
  const logger = pino({ name: 'hookd', level: config.logLevel });
  const version = await readVersion();
  const host = new PluginHost({ logger: logger.child({ part: 'plugins' }), hostName: 'hookd', hostVersion: version, ...(runtimeDir ? { runtimeDir } : {}) });
  const metrics = new DaemonMetrics();
  metrics.observe(host);
  const invoker = metrics.wrap(host);
  const reloader = new PluginReloader({ dir: config.pluginsDir, reconcile: (manifests) => host.reconcile(manifests), logger: logger.child({ part: 'reload' }) });

  // Listening for stop signals from the start: a SIGTERM during start-up stops the daemon cleanly
  // once it is up, instead of killing it with plugins half started.
  const stopSignal = waitForStopSignal(logger);
  let daemon: Daemon | undefined;
  try {
    const statuses = await host.start(await reloader.loadInitial());
    logger.info({ plugins: statuses.map(({ name, state, version: pluginVersion, hooks }) => ({ name, state, version: pluginVersion, hooks })) }, 'plugins started');
    try {
      await invoker.invoke('daemon.preStart', { daemonVersion: version, dataRoot: config.dataRoot });
    } catch (error) {
      throw new StartError(`daemon.preStart failed, so the daemon does not start: ${(error as Error).message}`, { cause: error });
    }
    daemon = await buildDaemon(config, { logger, version, host, metrics, invoker, reloader });
    const address = await daemon.listen();
    printBanner(io, version, address, daemon, host);
    if (startup.afterListen) logger.info({ codeCache: startup.afterListen() }, 'start-up code cache');
  } catch (error) {
    io.err(`hookd: ${(error as Error).message}`);
    logger.error({ err: error }, 'the daemon could not start');
    await daemon?.close().catch(() => undefined); // best effort: the start error is the one to report
    await host.stop('daemon start failed');
    stopSignal.cancel();
    await ownRuntimeDir?.remove();
    await lock.release();
    return 1;
  }

  reloader.watch();
  const onHangup = (): void => { void reloader.reload('SIGHUP'); };
  process.on('SIGHUP', onHangup);
  const signal = await stopSignal.signal;
  process.off('SIGHUP', onHangup);
  await stop(signal, { logger, reloader, invoker, daemon, host });
  await ownRuntimeDir?.remove();
  await lock.release();
  return 0;
}

class StartError extends Error {}

interface Parts {
  logger: Logger;
  version: string;
  host: PluginHost;
  metrics: DaemonMetrics;
  invoker: ReturnType<DaemonMetrics['wrap']>;
  reloader: PluginReloader;
}

async function buildDaemon(config: EffectiveConfig, parts: Parts): Promise<Daemon> {
  const { logger, host, metrics, reloader } = parts;
  const criMetrics = new CriMetrics();
  metrics.addSource(() => criMetrics.families());
  const runtime = selectRuntime({
    logger: logger.child({ part: 'runtime' }),
    ...(config.runtime === 'auto' ? {} : { preferred: config.runtime }),
    ...(config.runcRoot ? { runcRoot: config.runcRoot } : {}),
    ...(config.runRoot ? { runRoot: config.runRoot } : {}),
    ...(config.runtimes ? { runtimes: config.runtimes } : {}),
  });
  const { snapshotter, reason } = await selectSnapshotter(config.snapshotter, join(config.dataRoot, 'images'));
  logger.info({ snapshotter: snapshotter.name, reason }, 'container rootfs snapshotter');
  // The content store first: the image store collects its unreferenced blobs when it opens.
  const blobs = await BlobStore.open(join(config.dataRoot, 'content'));
  const images = await LocalImageStore.open({ root: join(config.dataRoot, 'images'), logger: logger.child({ part: 'images' }), snapshotter, blobs });
  const stores = {
    containers: new JsonStore<ContainerRecord>(join(config.dataRoot, 'records', 'containers')),
    volumes: new JsonStore<VolumeRecord>(join(config.dataRoot, 'records', 'volumes')),
  };
  const { socket, tcp } = config.listen;
  return createDaemon({
    config: {
      dataRoot: config.dataRoot,
      version: parts.version,
      id: await daemonId(config.dataRoot),
      bodyLimitBytes: config.bodyLimitBytes,
      ...(config.network ? { network: config.network } : {}),
      cri: { enabled: config.cri.enabled, socketPath: config.cri.socket.path, socketMode: Number.parseInt(config.cri.socket.mode, 8), streamingAddress: config.cri.streamingAddress },
      listen: {
        ...(socket ? { socketPath: socket.path, socketMode: Number.parseInt(socket.mode, 8) } : {}),
        ...(tcp ? { tcp: { host: tcp.host, port: tcp.port, insecure: tcp.insecure, ...(tcp.tls ? { tls: tcp.tls } : {}) } } : {}),
      },
    },
    invoker: parts.invoker,
    runtime, images, stores,
    pull: {
      images, blobs, registries: config.registries,
      snapshotter: snapshotter.name,
      // Both snapshotters use the image's unpacked layers as their committed snapshots, so
      // preparing one is checking that this daemon can use it here.
      prepareSnapshotter: async (name) => {
        const usable = snapshotter.name === 'overlayfs' ? ['overlayfs', 'copy'] : ['copy'];
        if (!usable.includes(name)) throw new Error(`image.postPull asked for the snapshotter "${name}", which this daemon cannot prepare (it can: ${usable.join(', ')})`);
      },
    },
    logger: logger.child({ part: 'daemon' }),
    forwardHttp: createForwardHttp({ handleHttp: (plugin, call, options) => host.handleHttp(plugin, call, options), onCall: (plugin, seconds, code) => metrics.recordCall(plugin, 'api.handleHttp', seconds, code) }),
    metrics: async () => ({ contentType: metrics.contentType, body: metrics.render() }),
    criMetrics,
    plugins: () => {
      const statuses = host.status();
      return { total: statuses.length, ready: statuses.filter((status) => status.state === 'ready').length };
    },
    routes: pluginRoutes({ manifests: () => reloader.manifests(), status: () => host.status(), lastReload: () => reloader.lastReload(), restart: (name) => host.restart(name, 'restart requested through the API') }),
  });
}

/** Resolves with the first SIGTERM/SIGINT; `cancel` stops listening (a start that failed). */
function waitForStopSignal(logger: Logger): { signal: Promise<NodeJS.Signals>; cancel: () => void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const cancel = (): void => { for (const name of STOP_SIGNALS) process.off(name, onSignal); };
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (received) => {
      cancel();
      // A second signal while stopping: the operator wants out now.
      for (const name of STOP_SIGNALS) {
        process.once(name, () => {
          logger.warn({ signal: name }, 'second stop signal: exiting without a graceful stop');
          process.exit(1);
        });
      }
      logger.info({ signal: received }, 'stopping');
      resolve(received);
    };
    for (const name of STOP_SIGNALS) process.on(name, onSignal);
  });
  return { signal, cancel };
}

async function stop(signal: string, parts: Pick<Parts, 'logger' | 'reloader' | 'invoker' | 'host'> & { daemon: Daemon }): Promise<void> {
  const { logger, reloader, invoker, daemon, host } = parts;
  await reloader.close();
  try {
    await invoker.invoke('daemon.preStop', { reason: signal });
  } catch (error) {
    // Not fatal (PouchContainer logs "stop prehook execute error" and goes on).
    logger.error({ err: (error as Error).message }, 'daemon.preStop failed; stopping anyway');
  }
  await daemon.close();
  await host.stop(`daemon stopping (${signal})`);
  logger.info('stopped; containers keep running under their shims');
}

function printBanner(io: DaemonIo, version: string, address: DaemonAddress, daemon: Daemon, host: PluginHost): void {
  const statuses = host.status();
  const ready = statuses.filter((status) => status.state === 'ready').length;
  const plugins = daemon.routes.filter((route) => route.plugin !== undefined).length;
  const where = [address.socketPath ? `unix://${address.socketPath}` : undefined, address.tcp ? `tcp://${address.tcp.host}:${address.tcp.port}` : undefined].filter(Boolean).join(' and ');
  const lines = [`hookd ${version} is listening on ${where} (${ready} of ${statuses.length} plugins ready${plugins > 0 ? `, ${plugins} routes served or wrapped by plugins` : ''})`];
  if (address.socketPath) {
    lines.push(
      `  docker -H unix://${address.socketPath} ps`,
      `  curl --unix-socket ${address.socketPath} http://localhost/hookd/plugins`,
      `  curl --unix-socket ${address.socketPath} http://localhost/metrics`,
      `  node bin/hookd.js plugins --host unix://${address.socketPath}`,
    );
  }
  if (address.criSocketPath) lines.push(`  crictl --runtime-endpoint unix://${address.criSocketPath} version   (the Kubernetes CRI, docs/cri.md)`);
  io.out(lines.join('\n'));
}

/** /info's ID, kept in <dataRoot>/daemon-id so that it survives restarts like Docker's. */
async function daemonId(dataRoot: string): Promise<string> {
  const file = join(dataRoot, 'daemon-id');
  try {
    const id = (await readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{32}$/.test(id)) return id;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const id = randomBytes(16).toString('hex');
  await writeFile(file, `${id}\n`);
  return id;
}

async function readVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
