// What a CRI container needs from its sandbox (cri-containers' CreateContainer calls this): the
// namespaces to join, the netns, the pod IP and the config. The namespace modes are the Docker
// API's ("container:<infra id>"), which the container manager resolves to the infra's
// /proc/<pid>/ns/<type> (NetworkMode: its netns, and its /etc/hosts, hostname and resolv.conf)
// at each start.

import type { CriDeps } from '../deps.ts';
import type { PodSandboxConfig__Output } from '../generated/types/runtime/v1/PodSandboxConfig.ts';
import type { PodSandboxState__Output } from '../generated/types/runtime/v1/PodSandboxState.ts';
import { findInfra } from './infra-container.ts';
import { namespacesOf } from './sandbox-config.ts';
import { stateOf } from './sandbox-status.ts';
import { conflict } from '../../errors.ts';

export interface SandboxInfo {
  id: string;
  config: PodSandboxConfig__Output;
  /** RunPodSandboxRequest.runtime_handler ("" = the daemon's default). */
  runtimeHandler: string;
  state: PodSandboxState__Output;
  /** The infra's pid while it runs. */
  pid: number | undefined;
  /** The pod's network namespace file; undefined on the host network or when the infra is not running. */
  netnsPath: string | undefined;
  /** The pod IP on the CNI network (with its prefix length and gateway); undefined on the host network. */
  ip: string | undefined;
  ipPrefixLen: number | undefined;
  gateway: string | undefined;
  hostNetwork: boolean;
  /**
   * The HostConfig modes that put a container into the pod: NetworkMode, IpcMode, UTSMode and
   * PidMode ("container:<infra id>" or "host"); pid is undefined when the containers keep their own
   * PID namespace (NamespaceOption.pid CONTAINER).
   */
  namespaces: { network: string; ipc: string; uts: string; pid: string | undefined };
  /** The pod's cgroup parent ("" = hookd's default). */
  cgroupParent: string;
  /** The pod's hostname (PodSandboxConfig.hostname; "" on the host network, whose name is the host's). */
  hostname: string;
}

/** NOT_FOUND for an unknown sandbox (a unique id prefix works too). */
export function sandboxInfo(deps: CriDeps, sandboxId: string): SandboxInfo {
  const sandbox = deps.sandboxes.get(sandboxId);
  const infra = findInfra(deps, sandbox.id);
  const ns = namespacesOf(sandbox.config);
  const running = infra?.State.Running === true;
  const join = `container:${sandbox.id}`;
  return {
    id: sandbox.id,
    config: sandbox.config,
    runtimeHandler: sandbox.runtimeHandler,
    state: stateOf(sandbox, infra),
    pid: running ? infra.State.Pid : undefined,
    netnsPath: running && !ns.hostNetwork ? infra.NetworkSettings.SandboxKey || undefined : undefined,
    ip: running && !ns.hostNetwork ? infra.NetworkSettings.IPAddress || undefined : undefined,
    ipPrefixLen: running && !ns.hostNetwork ? infra.NetworkSettings.IPPrefixLen : undefined,
    gateway: running && !ns.hostNetwork ? infra.NetworkSettings.Gateway || undefined : undefined,
    hostNetwork: ns.hostNetwork,
    namespaces: {
      network: ns.hostNetwork ? 'host' : join,
      ipc: ns.hostIpc ? 'host' : join,
      uts: ns.hostNetwork ? 'host' : join,
      pid: ns.hostPid ? 'host' : ns.sharedPid ? join : undefined,
    },
    cgroupParent: sandbox.config.linux?.cgroup_parent ?? '',
    hostname: ns.hostNetwork ? '' : sandbox.config.hostname,
  };
}

/** sandboxInfo(), refusing a sandbox that is not READY (a container cannot join a stopped pod). */
export function readySandboxInfo(deps: CriDeps, sandboxId: string): SandboxInfo {
  const info = sandboxInfo(deps, sandboxId);
  if (info.state !== 'SANDBOX_READY') throw conflict(`pod sandbox ${info.id} is not ready (stopped, or its infra process died); create containers in a running pod`);
  return info;
}
