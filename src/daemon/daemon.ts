// createDaemon(): the daemon's parts wired together, for main (CLI, config, host) and for tests.
// listen() loads and reconciles the records, lets API plugins change the route table
// (api.updateHandler), then serves. daemon.preStart / daemon.preStop are main's to call around
// listen() and close(), because they bracket the whole process, not just the API.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { HookInvoker } from '../host/index.ts';
import { defaultRoutes } from './api/default-routes.ts';
import { currentRequestId } from './request-context.ts';
import { applyRouteChanges, type ForwardHttp } from './api/route-changes.ts';
import type { MetricsBody, RouteDeps } from './api/route-deps.ts';
import type { RouteSpec } from './api/route-table.ts';
import { createRouter } from './api/router.ts';
import { createApiServer, type ApiServer, type ListenConfig } from './api/server.ts';
import { ContainerManager } from './containers/container-manager.ts';
import { createCriServer, type CriServer } from './cri/server.ts';
import { SandboxStore } from './cri/sandbox/sandbox-store.ts';
import type { CriMetrics } from './cri/cri-metrics.ts';
import { DEFAULT_STREAMING_ADDRESS } from './cri/streaming/address.ts';
import { containerStreamingBackend } from './cri/streaming/container-backend.ts';
import { StreamingServer } from './cri/streaming/streaming-server.ts';
import type { ContainerRecord } from './containers/container-record.ts';
import { ExecSessions } from './containers/exec-sessions.ts';
import { HealthMonitor } from './containers/health-monitor.ts';
import { removeUnrecordedContainerDirs } from './containers/leftover-dirs.ts';
import { runHealthProbe } from './containers/health-probe.ts';
import { EventBus } from './events.ts';
import type { ImageStore, PulledImageStore } from './images/image-store.ts';
import { ImagePuller, type ImagePullerOptions } from './images/pull/image-puller.ts';
import { reconcileContainerRootfs } from './images/snapshots/reconcile-rootfs.ts';
import type { ContainerRuntime } from './runtime/runtime.ts';
import { JsonStore } from './store/json-store.ts';
import type { RecordStore } from './store/record-store.ts';
import { NetworkAttacher } from './network/network-attacher.ts';
import { NetworkManager } from './network/network-manager.ts';
import type { NetworkRecord } from './network/network-record.ts';
import { DEFAULT_BRIDGE_NAME, DEFAULT_CNI_PATH, DEFAULT_POOL, DEFAULT_SUBNET, type NetworkSettings } from './network/network-settings.ts';
import { VolumeManager } from './volumes/volume-manager.ts';
import type { VolumeRecord } from './volumes/volume-record.ts';

export interface DaemonConfig {
  /** Containers live in <dataRoot>/containers/<id>, volumes in <dataRoot>/volumes/<name>. */
  dataRoot: string;
  listen: ListenConfig;
  version?: string;
  /** Reported as /info ID; main may persist one. */
  id?: string;
  /** Limit for buffered (JSON) request bodies; default 1 MiB. */
  bodyLimitBytes?: number;
  /** Container networking (docs/networking.md); defaults fill what is missing. Only the runc runtime uses CNI. */
  network?: Partial<NetworkSettings>;
  /** The Kubernetes CRI server (docs/cri.md); absent: not served. "auto" serves it when the runtime isolates. */
  cri?: { enabled: boolean | 'auto'; socketPath: string; socketMode?: number; streamingAddress?: string };
}

export interface DaemonOptions {
  config: DaemonConfig;
  invoker: HookInvoker;
  runtime: ContainerRuntime;
  images: ImageStore;
  /** Registry pulls (POST /images/create?fromImage=); needs an image store that takes pulled images. */
  pull?: Omit<ImagePullerOptions, 'invoker' | 'images'> & { images: ImageStore & PulledImageStore };
  stores: { containers: RecordStore<ContainerRecord>; volumes: RecordStore<VolumeRecord>; networks?: RecordStore<NetworkRecord> };
  logger: Logger;
  /** HandleHttp on a plugin, for routes API plugins add or wrap. Required only if they do. */
  forwardHttp?: ForwardHttp;
  /** GET /metrics body. */
  metrics?: () => Promise<MetricsBody>;
  /** Plugin counts for /info. */
  plugins?: () => { total: number; ready: number };
  /** The CRI server's per-RPC metrics (main renders them in GET /metrics). */
  criMetrics?: CriMetrics;
  /** Routes of the embedder (main's GET /hookd/plugins), appended to the defaults before API plugins see the table. */
  routes?: readonly RouteSpec[];
}

export interface DaemonAddress {
  socketPath?: string;
  tcp?: { host: string; port: number };
  /** The CRI socket, when the CRI server runs. */
  criSocketPath?: string;
}

export interface Daemon {
  listen(): Promise<DaemonAddress>;
  close(): Promise<void>;
  readonly containers: ContainerManager;
  readonly volumes: VolumeManager;
  readonly networks: NetworkManager;
  readonly images: ImageStore;
  readonly events: EventBus;
  /** Health checks of running containers (which are being checked now: health.active()). */
  readonly health: HealthMonitor;
  /** The route table in force (after api.updateHandler once listen() ran). */
  readonly routes: readonly RouteSpec[];
}

export function createDaemon(options: DaemonOptions): Daemon {
  const { config, runtime, images, stores, logger } = options;
  // Every plugin call made while serving a request carries that request's id.
  const invoker: HookInvoker = {
    invoke: (hook, input, invokeOptions) => {
      const requestId = currentRequestId();
      return options.invoker.invoke(hook, input, requestId ? { requestId, ...invokeOptions } : invokeOptions);
    },
  };
  const events = new EventBus();
  const volumes = new VolumeManager({ store: stores.volumes, invoker, events, logger: logger.child({ part: 'volumes' }), dataRoot: config.dataRoot });
  const networkSettings = effectiveNetworkSettings(config, runtime.isolated);
  const networks = new NetworkManager({ store: stores.networks ?? new JsonStore<NetworkRecord>(join(config.dataRoot, 'records', 'networks')), settings: networkSettings, events, logger: logger.child({ part: 'networks' }) });
  const attacher = networkSettings.enabled ? new NetworkAttacher(networks, logger.child({ part: 'cni' })) : undefined;
  const containers = new ContainerManager({
    store: stores.containers, invoker, runtime, images, volumes, events, logger: logger.child({ part: 'containers' }), dataRoot: config.dataRoot,
    ...(attacher ? { network: { manager: networks, attacher } } : {}),
  });
  volumes.setUsageLookup((name) => containers.usersOfVolume(name));
  networks.setUsageLookup((network) => containers.usersOfNetwork(network));
  const execs = new ExecSessions(containers, runtime, events);
  const health = new HealthMonitor({
    lifecycle: containers.lifecycle, events, logger: logger.child({ part: 'health' }),
    find: (id) => { try { return containers.get(id); } catch { return undefined; } },
    persist: (id) => containers.save(id),
    probe: (request) => runHealthProbe(execs, request),
  });
  const deps: RouteDeps = {
    containers, volumes, networks, images, events, runtime, execs,
    daemon: {
      version: config.version ?? '0.1.0',
      dataRoot: config.dataRoot,
      id: config.id ?? randomBytes(16).toString('hex'),
      plugins: options.plugins ?? (() => ({ total: 0, ready: 0 })),
    },
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.pull ? { puller: new ImagePuller({ ...options.pull, invoker }) } : {}),
  };
  let routes: RouteSpec[] = [...defaultRoutes(deps), ...(options.routes ?? [])];
  let server: ApiServer | undefined;
  let cri: CriServer | undefined;
  let streaming: StreamingServer | undefined;

  /** The CRI server on the same managers, or undefined when it is off (cri.enabled, the runtime). */
  function buildCriServer(): CriServer | undefined {
    const wanted = config.cri;
    if (!wanted || wanted.enabled === false) return undefined;
    if (!runtime.isolated) {
      const reason = `the runtime "${runtime.name}" does not isolate containers, and pods need namespaces (runc or crun, as root)`;
      if (wanted.enabled === true) throw new Error(`cri.enabled is true but ${reason}`);
      logger.info({ reason }, 'CRI server not started');
      return undefined;
    }
    streaming = new StreamingServer({
      address: wanted.streamingAddress ?? DEFAULT_STREAMING_ADDRESS,
      backend: containerStreamingBackend({ containers, execs: deps.execs, runtime, logger: logger.child({ part: 'cri-streaming' }) }),
      logger: logger.child({ part: 'cri-streaming' }),
    });
    return createCriServer({
      containers, volumes, networks, images, events, runtime, invoker, streaming,
      execs: deps.execs,
      ...(attacher ? { attacher } : {}),
      ...(deps.puller ? { puller: deps.puller } : {}),
      settings: { dataRoot: config.dataRoot, version: deps.daemon.version },
      sandboxes: new SandboxStore(config.dataRoot),
      runtimeConfig: {},
      logger: logger.child({ part: 'cri' }),
      ...(options.criMetrics ? { metrics: options.criMetrics } : {}),
    }, { socketPath: wanted.socketPath, ...(wanted.socketMode !== undefined ? { socketMode: wanted.socketMode } : {}) });
  }

  async function applyApiPlugins(): Promise<void> {
    const result = await invoker.invoke('api.updateHandler', { routes: routes.map(({ method, path }) => ({ method, path })) });
    const changes = result.routes;
    if (changes.add.length + changes.remove.length + changes.wrap.length === 0) return;
    const forward = options.forwardHttp;
    if (!forward) throw new Error('API plugins changed the route table but the daemon was created without forwardHttp');
    routes = applyRouteChanges(routes, changes, forward);
    logger.info({ added: changes.add.length, removed: changes.remove.length, wrapped: changes.wrap.length }, 'API plugins changed the route table');
  }

  return {
    containers, volumes, networks, images, events, health,
    get routes() { return routes; },
    async listen() {
      await volumes.load();
      await networks.load();
      await containers.load();
      health.resume(containers.list({ all: true, filters: {} }));
      await reconcileContainerRootfs(images, containers.list({ all: true, filters: {} }), join(config.dataRoot, 'containers'), logger.child({ part: 'snapshots' }));
      await removeUnrecordedContainerDirs(join(config.dataRoot, 'containers'), new Set(containers.list({ all: true, filters: {} }).map((record) => record.Id)), logger.child({ part: 'containers' }));
      await containers.reconcileNetworks();
      await applyApiPlugins();
      const router = createRouter(routes, { logger: logger.child({ part: 'api' }), bodyLimitBytes: config.bodyLimitBytes, serverHeader: `hookd/${deps.daemon.version} (linux)` });
      server = createApiServer(router, config.listen);
      const address: DaemonAddress = await server.listen();
      logger.info({ ...address, runtime: runtime.name, isolated: runtime.isolated }, 'API listening');
      cri = buildCriServer();
      if (cri) {
        const streamingUrl = await streaming?.listen();
        logger.info({ url: streamingUrl }, 'CRI streaming listening');
        address.criSocketPath = (await cri.listen()).socketPath;
        logger.info({ socketPath: address.criSocketPath }, 'CRI listening');
      }
      return address;
    },
    async close() {
      await cri?.close();
      await streaming?.close();
      await server?.close();
      health.close();
      containers.close();
    },
  };
}

/** The configured network settings with defaults; CNI runs only where containers are isolated (runc). */
function effectiveNetworkSettings(config: DaemonConfig, isolated: boolean): NetworkSettings {
  const given = config.network ?? {};
  return {
    enabled: (given.enabled ?? true) && isolated,
    bridgeName: given.bridgeName ?? DEFAULT_BRIDGE_NAME,
    subnet: given.subnet ?? DEFAULT_SUBNET,
    pool: given.pool ?? DEFAULT_POOL,
    cniPath: given.cniPath ?? DEFAULT_CNI_PATH,
    netnsDir: given.netnsDir ?? join(config.dataRoot, 'netns'),
    cniDir: given.cniDir ?? join(config.dataRoot, 'cni'),
  };
}
