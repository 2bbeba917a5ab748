// What the CRI handlers need from the rest of the daemon: the same managers the Docker API uses
// (a CRI pod or container is an ordinary hookd container with Kubernetes labels, DESIGN.md §7),
// built once by createDaemon() and shared, never copied.

import type { Logger } from 'pino';
import type { HookInvoker } from '../../host/index.ts';
import type { ContainerManager } from '../containers/container-manager.ts';
import type { ExecSessions } from '../containers/exec-sessions.ts';
import type { EventBus } from '../events.ts';
import type { ImageStore } from '../images/image-store.ts';
import type { ImagePuller } from '../images/pull/image-puller.ts';
import type { NetworkAttacher } from '../network/network-attacher.ts';
import type { NetworkManager } from '../network/network-manager.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';
import type { VolumeManager } from '../volumes/volume-manager.ts';
import type { CriMetrics } from './cri-metrics.ts';
import type { SandboxStore } from './sandbox/sandbox-store.ts';
import type { StreamingServer } from './streaming/streaming-server.ts';

export interface CriSettings {
  /** The daemon's data root; CRI state lives in <dataRoot>/cri/. */
  dataRoot: string;
  /** hookd's version, reported by Version as runtime_version. */
  version: string;
}

/** What UpdateRuntimeConfig last set (the kubelet sends it on start and when the node's CIDR changes). */
export interface CriRuntimeConfigState {
  podCidr?: string;
}

export interface CriDeps {
  containers: ContainerManager;
  volumes: VolumeManager;
  networks: NetworkManager;
  /** CNI attach/detach; absent when networking is disabled (then pods get host networking only). */
  attacher?: NetworkAttacher;
  images: ImageStore;
  /** Registry pulls (PullImage); absent in daemons built without a content store. */
  puller?: ImagePuller;
  execs: ExecSessions;
  events: EventBus;
  runtime: ContainerRuntime;
  /** The plugin host, for `cri.preCreateContainer` (and nothing else: the managers call their own hooks). */
  invoker: HookInvoker;
  settings: CriSettings;
  /** The pod sandboxes' own records (<dataRoot>/cri/sandboxes); sandbox/sandbox-info.ts reads them for containers. */
  sandboxes: SandboxStore;
  /** Shared by UpdateRuntimeConfig (writes) and Status/sandboxes (read). */
  runtimeConfig: CriRuntimeConfigState;
  logger: Logger;
  /** The Exec/Attach/PortForward streaming server (streaming/); absent: those RPCs answer FAILED_PRECONDITION. */
  streaming?: Pick<StreamingServer, 'urlFor'>;
  /** Per-RPC counts and latencies for GET /metrics; absent in daemons built without metrics. */
  metrics?: CriMetrics;
}
