// What the daemon keeps per container: Docker's inspect shape (so GET /containers/{id}/json is the
// record minus `hookd`) plus the daemon's own bookkeeping under `hookd`.

import type { ProvenanceEntry } from '../../host/index.ts';
import type { HealthcheckConfig, HealthState } from './health-config.ts';

export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Docker's ContainerConfig. Unknown fields are kept as they came (a plugin may use them). */
export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  Image?: string;
  WorkingDir?: string;
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  Labels?: Record<string, string>;
  Volumes?: Record<string, object>;
  ExposedPorts?: Record<string, object>;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  StopSignal?: string;
  StopTimeout?: number;
  SpecAnnotation?: Record<string, string>;
  /** Docker's health check (the image's HEALTHCHECK merged in at create); see health-config.ts. */
  Healthcheck?: HealthcheckConfig;
  [field: string]: unknown;
}

/** Create config as the API takes it: ContainerConfig at the top level plus two objects. */
export interface CreateConfig extends ContainerConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: { EndpointsConfig?: Record<string, Record<string, unknown>> };
}

export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

export interface MountSpec {
  Type?: 'bind' | 'volume' | 'tmpfs';
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  /** Docker's bind options: Propagation is private, rprivate, slave, rslave, shared or rshared. */
  BindOptions?: { Propagation?: string };
}

export interface HostConfig {
  Binds?: string[];
  Mounts?: MountSpec[];
  NetworkMode?: string;
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;
  ReadonlyRootfs?: boolean;
  [field: string]: unknown;
}

/** Status changes only through container-state.ts; Running, Restarting, Dead and Paused are derived from it. */
export interface ContainerState {
  Status: 'created' | 'running' | 'restarting' | 'removing' | 'exited' | 'dead';
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  /** Present for containers with a health check once it first started (health-monitor.ts). */
  Health?: HealthState;
}

/** NetworkSettings.Networks[name]: Docker's EndpointSettings plus what PreCreateEndpoint decided. */
export interface EndpointState {
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  MacAddress: string;
  Aliases: string[] | null;
  /** From container.preCreateEndpoint (hookd-specific, visible in inspect). */
  Priority: number;
  DisableResolver: boolean;
  GenericParams: Record<string, unknown>;
  [field: string]: unknown;
}

/** Docker's NetworkSettings: the endpoints, plus the primary endpoint's address and the namespace. */
export interface ContainerNetworkSettings {
  Networks: Record<string, EndpointState>;
  /** The network namespace file (hookd's netns dir); empty while not running. */
  SandboxKey?: string;
  Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null>;
  IPAddress?: string;
  IPPrefixLen?: number;
  Gateway?: string;
  MacAddress?: string;
}

export interface MountPoint {
  Type: 'bind' | 'volume';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

export interface ContainerRecord {
  Id: string;
  /** With the leading "/", like Docker. */
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerState;
  /** The image id ("sha256:..."); Config.Image keeps the reference the client gave. */
  Image: string;
  RestartCount: number;
  Driver: string;
  Platform: 'linux';
  LogPath: string;
  Config: ContainerConfig;
  HostConfig: HostConfig;
  NetworkSettings: ContainerNetworkSettings;
  Mounts: MountPoint[];
  /** Which plugin changed which path of the create config (container.preCreate). */
  HookdProvenance: ProvenanceEntry[];
  /** CRI containers: which plugin changed which path in cri.preCreateContainer (which ran first). */
  HookdCriProvenance?: ProvenanceEntry[];
  hookd: {
    /** Host path of the container's root filesystem (the runtime's `rootfs`, Pouch's BaseFS). */
    rootfs: string;
    /** The runtime's directory for this container. */
    stateDir: string;
    exitPath: string;
    /** Anonymous volumes created for this container (removed with `docker rm -v`). */
    anonymousVolumes: string[];
    /** /etc/hosts, /etc/hostname, /etc/resolv.conf of the current run (bind-mounted; runc only). */
    etcFiles?: { hostsPath: string; hostnamePath: string; resolvConfPath: string };
  };
}

export function initialState(): ContainerState {
  return {
    Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
    Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME,
  };
}
