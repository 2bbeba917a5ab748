// What the route handlers need from the rest of the daemon. Built once by createDaemon().

import type { ContainerManager } from '../containers/container-manager.ts';
import type { ExecSessions } from '../containers/exec-sessions.ts';
import type { EventBus } from '../events.ts';
import type { ImageStore } from '../images/image-store.ts';
import type { ImagePuller } from '../images/pull/image-puller.ts';
import type { NetworkManager } from '../network/network-manager.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';
import type { VolumeManager } from '../volumes/volume-manager.ts';

export interface MetricsBody {
  contentType: string;
  body: string | Buffer;
}

export interface RouteDeps {
  containers: ContainerManager;
  volumes: VolumeManager;
  networks: NetworkManager;
  images: ImageStore;
  /** Registry pulls; absent in daemons built without a content store (unit tests). */
  puller?: ImagePuller;
  execs: ExecSessions;
  events: EventBus;
  runtime: ContainerRuntime;
  daemon: {
    version: string;
    dataRoot: string;
    /** Daemon id for /info (stable across restarts when main persists it). */
    id: string;
    /** Number of configured plugins and how many are ready, for /info. */
    plugins(): { total: number; ready: number };
  };
  /** GET /metrics: the body is produced by main (host and daemon metrics). */
  metrics?: () => Promise<MetricsBody>;
}

export function parseBooleanQuery(value: string | null): boolean {
  return value === '1' || value === 'true' || value === 'True';
}
