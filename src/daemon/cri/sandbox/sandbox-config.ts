// RunPodSandboxRequest → the infra container's Docker-style create config. Every check runs before
// anything is made, and a refusal is INVALID_ARGUMENT naming the request field.
//
// Namespaces (NamespaceOption): network NODE → NetworkMode host (and the host's UTS namespace: a
// pod on the host network has the host's name); otherwise the default CNI network ("bridge").
// IPC POD → IpcMode shareable (containers join it), NODE → host. PID NODE → host; POD and
// CONTAINER → the infra's own (containers join it only for POD). No OomScoreAdj is set: root
// cannot lower its own score here, so a negative one would fail the start.

import type { RunPodSandboxRequest__Output } from '../generated/types/runtime/v1/RunPodSandboxRequest.ts';
import type { PodSandboxConfig__Output } from '../generated/types/runtime/v1/PodSandboxConfig.ts';
import { invalidField } from '../status.ts';
import { INFRA_BINARY, infraBind } from './infra-rootfs.ts';

/** The container record labels that mark a sandbox's infra container and its pod (Docker's dockershim names). */
export const SANDBOX_TYPE_LABEL = 'io.kubernetes.docker.type';
export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';

export interface SandboxNamespaces {
  hostNetwork: boolean;
  hostIpc: boolean;
  hostPid: boolean;
  /** Containers join the infra's PID namespace (NamespaceOption.pid POD). */
  sharedPid: boolean;
}

/** Checks the request; returns the config with its metadata known to be present. */
export function validateRunRequest(request: RunPodSandboxRequest__Output, runtimeHandlers: string[]): PodSandboxConfig__Output {
  const config = request.config;
  if (!config) throw invalidField('config', 'is required');
  const metadata = config.metadata;
  if (!metadata) throw invalidField('config.metadata', 'is required');
  for (const field of ['name', 'namespace', 'uid'] as const) {
    if (metadata[field] === '') throw invalidField(`config.metadata.${field}`, 'is required');
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(metadata[field])) throw invalidField(`config.metadata.${field}`, `${JSON.stringify(metadata[field])} must be letters, digits, "_", "." and "-" (starting with a letter or digit)`);
  }
  if (request.runtime_handler !== '' && !runtimeHandlers.includes(request.runtime_handler)) {
    throw invalidField('runtime_handler', `${JSON.stringify(request.runtime_handler)} is not a runtime this daemon has (it has: ${runtimeHandlers.join(', ')})`);
  }
  config.port_mappings.forEach((mapping, i) => {
    const field = `config.port_mappings[${i}]`;
    if (mapping.container_port < 1 || mapping.container_port > 65535) throw invalidField(`${field}.container_port`, `must be 1-65535, got ${mapping.container_port}`);
    if (mapping.host_port < 0 || mapping.host_port > 65535) throw invalidField(`${field}.host_port`, `must be 0-65535, got ${mapping.host_port}`);
  });
  for (const [i, server] of config.dns_config?.servers.entries() ?? []) {
    if (!/^[0-9a-fA-F.:]+$/.test(server)) throw invalidField(`config.dns_config.servers[${i}]`, `${JSON.stringify(server)} is not an IP address`);
  }
  for (const key of Object.keys(config.linux?.sysctls ?? {})) {
    if (!/^[a-z0-9_][a-z0-9_./-]*$/.test(key)) throw invalidField(`config.linux.sysctls[${JSON.stringify(key)}]`, 'is not a sysctl name');
  }
  if (config.linux?.security_context?.namespace_options?.userns_options?.mode === 'POD') {
    throw invalidField('config.linux.security_context.namespace_options.userns_options.mode', 'POD asks for a user namespace, which hookd does not support (Status reports user_namespaces: false); use NODE');
  }
  const parent = config.linux?.cgroup_parent ?? '';
  if (parent !== '' && (!parent.startsWith('/') || parent.split('/').includes('..'))) {
    throw invalidField('config.linux.cgroup_parent', `${JSON.stringify(parent)} must be an absolute cgroupfs path without "..": hookd's cgroup driver is cgroupfs (RuntimeConfig says so), not systemd slices`);
  }
  return config;
}

export function namespacesOf(config: PodSandboxConfig__Output): SandboxNamespaces {
  const options = config.linux?.security_context?.namespace_options;
  return {
    hostNetwork: options?.network === 'NODE',
    hostIpc: options?.ipc === 'NODE',
    hostPid: options?.pid === 'NODE',
    sharedPid: options?.pid === 'POD',
  };
}

/** Docker's dockershim name for a sandbox's infra: unique per pod and attempt. */
export function infraNameOf(config: PodSandboxConfig__Output): string {
  const { name, namespace, uid, attempt } = config.metadata!;
  return `k8s_POD_${name}_${namespace}_${uid}_${attempt}`;
}

/** The create config of the infra container (container.preCreate sees it like any other). */
export function infraCreateConfig(id: string, config: PodSandboxConfig__Output): Record<string, unknown> {
  const ns = namespacesOf(config);
  const metadata = config.metadata!;
  const dns = config.dns_config;
  const mappings = ns.hostNetwork ? [] : config.port_mappings.filter((mapping) => mapping.host_port > 0);
  const portKey = (mapping: (typeof mappings)[number]): string => `${mapping.container_port}/${mapping.protocol.toLowerCase()}`;
  const portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const mapping of mappings) (portBindings[portKey(mapping)] ??= []).push({ HostIp: mapping.host_ip, HostPort: String(mapping.host_port) });
  const linux = config.linux;
  return {
    SpecificID: id,
    ...(config.hostname !== '' && !ns.hostNetwork ? { Hostname: config.hostname } : {}),
    Entrypoint: [INFRA_BINARY, '-P'],
    Cmd: [],
    // The infra holds no state worth a grace period (containerd kills its pause process too).
    StopSignal: 'SIGKILL',
    Labels: {
      ...config.labels,
      [SANDBOX_TYPE_LABEL]: 'podsandbox',
      [POD_NAME_LABEL]: metadata.name,
      [POD_NAMESPACE_LABEL]: metadata.namespace,
      [POD_UID_LABEL]: metadata.uid,
    },
    ExposedPorts: Object.fromEntries(mappings.map((mapping) => [portKey(mapping), {}])),
    HostConfig: {
      NetworkMode: ns.hostNetwork ? 'host' : 'bridge',
      Binds: [infraBind()],
      ReadonlyRootfs: true,
      RestartPolicy: { Name: 'no' },
      PortBindings: portBindings,
      ...(dns ? { Dns: dns.servers, DnsSearch: dns.searches, DnsOptions: dns.options } : {}),
      IpcMode: ns.hostIpc ? 'host' : 'shareable',
      ...(ns.hostPid ? { PidMode: 'host' } : {}),
      ...(ns.hostNetwork ? { UTSMode: 'host' } : {}),
      ...(Object.keys(linux?.sysctls ?? {}).length > 0 ? { Sysctls: linux!.sysctls } : {}),
      ...(linux?.cgroup_parent ? { CgroupParent: linux.cgroup_parent } : {}),
      ...(linux?.security_context?.privileged ? { Privileged: true } : {}),
    },
  };
}
