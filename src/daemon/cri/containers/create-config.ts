// CRI ContainerConfig + its sandbox → the Docker-style create config the container manager takes
// (and `cri.preCreateContainer` plugins see). Pure: the caller looks the sandbox up and reads the
// daemon's own oom_score_adj. Every refusal is INVALID_ARGUMENT naming the CRI field.
//
// Decisions (docs/cri.md "Containers"):
// - Kubernetes data is kept in labels, as dockershim did (labels.ts): CRI annotations are labels
//   prefixed "annotation.", and the record name is dockershim's k8s_<container>_<pod>_<ns>_<uid>_<attempt>.
// - command/args follow Kubernetes: command replaces the image's Entrypoint (and drops its Cmd),
//   args replace its Cmd; Docker's create already means exactly that (image-defaults.ts).
// - The container joins its sandbox: network, IPC and UTS are `container:<sandbox>` (or "host"
//   with a host-network pod), PID is the pod's (POD), its own (CONTAINER), the node's (NODE) or a
//   target container's (TARGET); the /etc files come with the network namespace.
// - oom_score_adj is raised to the daemon's own when lower (containerd's restrict_oom_score_adj):
//   lowering it needs CAP_SYS_RESOURCE, which a daemon in a container lacks.
// - seccomp (security_context.seccomp, or the deprecated seccomp_profile_path): RuntimeDefault is
//   hookd's default profile, Localhost a Docker-format profile file read at create, Unconfined and
//   nothing at all mean no filter (containerd 1.6 and critest's "nil profile, which is
//   unconfined"). Always sent as an explicit SecurityOpt, since the Docker door's own default for
//   a container without one is the default profile. Privileged containers get no filter.
// - SELinux relabelling, AppArmor profiles, hugepage limits, cgroup v2 `unified`
//   keys, ambient capabilities, CDI devices and ID-mapped mounts are not applied.

import { join } from 'node:path';
import type { CreateConfig, MountSpec } from '../../containers/container-record.ts';
import type { ContainerConfig__Output } from '../generated/types/runtime/v1/ContainerConfig.ts';
import type { LinuxContainerResources__Output } from '../generated/types/runtime/v1/LinuxContainerResources.ts';
import type { LinuxContainerSecurityContext__Output } from '../generated/types/runtime/v1/LinuxContainerSecurityContext.ts';
import type { PodSandboxConfig__Output } from '../generated/types/runtime/v1/PodSandboxConfig.ts';
import { ALL_CAPABILITIES, normalizeCapability } from '../../runtime/oci-security.ts';
import { profileFromDockerJson } from '../../runtime/oci-seccomp.ts';
import { invalidField, unimplementedField } from '../status.ts';
import { isReservedLabel, labelsFor } from './labels.ts';

/** What CreateContainer needs of the sandbox (cri-server's SandboxInfo has these fields). */
export interface SandboxForContainer {
  id: string;
  config: PodSandboxConfig__Output;
  /** The pod uses the host's network (and UTS) namespace. */
  hostNetwork: boolean;
  /** The modes that join the sandbox's namespaces: `container:<id>`, or "host"; pid undefined: the pod shares none. */
  namespaces: { network: string; ipc: string; uts: string | undefined; pid: string | undefined };
  cgroupParent: string;
  hostname: string;
}

export interface CriCreateOptions {
  /** The daemon's own /proc/self/oom_score_adj: the lowest score it can give. */
  minOomScoreAdj: number;
  /** Reads a Localhost seccomp profile file (the host path the caller named); throws if it cannot. */
  readSeccompProfile?: (path: string) => string;
}

export interface CriCreatePlan {
  config: CreateConfig;
  /** dockershim's record name: k8s_<container>_<pod>_<namespace>_<uid>_<attempt>. */
  name: string;
  /** <log_directory>/<log_path>, when both are set: conmon writes the CRI log there. */
  logPath: string | undefined;
}

const PROPAGATION: Record<string, string> = {
  PROPAGATION_PRIVATE: 'rprivate', PROPAGATION_HOST_TO_CONTAINER: 'rslave', PROPAGATION_BIDIRECTIONAL: 'rshared',
};

export function criCreatePlan(config: ContainerConfig__Output, sandbox: SandboxForContainer, options: CriCreateOptions): CriCreatePlan {
  const name = config.metadata?.name ?? '';
  if (!name) throw invalidField('config.metadata.name', 'is required');
  const image = config.image?.image ?? '';
  if (!image) throw invalidField('config.image.image', 'is required');
  for (const key of Object.keys(config.labels ?? {})) {
    if (isReservedLabel(key)) throw invalidField(`config.labels[${key}]`, 'is reserved by hookd (it stores Kubernetes data in labels of that name)');
  }
  const attempt = config.metadata?.attempt ?? 0;
  const logPath = logPathOf(config, sandbox.config);
  const linux = config.linux;
  const security = linux?.security_context ?? undefined;
  const pod = sandbox.config.metadata;

  const createConfig: CreateConfig = {
    Image: image,
    Env: [`HOSTNAME=${sandbox.hostname}`, ...envOf(config)],
    ...(config.command.length > 0 ? { Entrypoint: [...config.command] } : {}),
    ...(config.args.length > 0 ? { Cmd: [...config.args] } : {}),
    ...(config.working_dir ? { WorkingDir: config.working_dir } : {}),
    ...userOf(security),
    Labels: labelsFor({ sandboxId: sandbox.id, name, attempt, logPath: logPath ?? '', labels: config.labels ?? {}, annotations: config.annotations ?? {} }),
    Tty: config.tty,
    OpenStdin: config.stdin,
    StdinOnce: config.stdin && config.stdin_once,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ...(config.stop_signal && config.stop_signal !== 'SIGNAL_RUNTIME_DEFAULT' ? { StopSignal: config.stop_signal.replace(/^SIGNAL_/, '') } : {}),
    SpecAnnotation: { 'io.kubernetes.cri.container-type': 'container', 'io.kubernetes.cri.sandbox-id': sandbox.id, 'io.kubernetes.cri.container-name': name },
    HostConfig: {
      ...namespacesOf(security, sandbox),
      ...(sandbox.cgroupParent ? { CgroupParent: sandbox.cgroupParent } : {}),
      Mounts: mountsOf(config),
      Devices: config.devices.map((device, i) => {
        if (!device.host_path.startsWith('/')) throw invalidField(`config.devices[${i}].host_path`, `must be an absolute path, got ${JSON.stringify(device.host_path)}`);
        return { PathOnHost: device.host_path, PathInContainer: device.container_path || device.host_path, CgroupPermissions: device.permissions || 'rwm' };
      }),
      ...resourcesOf(linux?.resources ?? undefined, options),
      ...securityOf(security, sandbox, options),
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    },
  };
  const podName = pod ? `${pod.name}_${pod.namespace}_${pod.uid}` : sandbox.id;
  return { config: createConfig, name: sanitizeName(`k8s_${name}_${podName}_${attempt}`), logPath };
}

function logPathOf(config: ContainerConfig__Output, sandbox: PodSandboxConfig__Output): string | undefined {
  if (!config.log_path) return undefined;
  if (config.log_path.startsWith('/') || config.log_path.split('/').includes('..')) {
    throw invalidField('config.log_path', `must be a path relative to the sandbox's log_directory, got ${JSON.stringify(config.log_path)}`);
  }
  if (!sandbox.log_directory) return undefined; // CRI: no directory, no log file
  if (!sandbox.log_directory.startsWith('/')) throw invalidField('sandbox_config.log_directory', `must be an absolute path, got ${JSON.stringify(sandbox.log_directory)}`);
  return join(sandbox.log_directory, config.log_path);
}

function envOf(config: ContainerConfig__Output): string[] {
  return config.envs.map((entry, i) => {
    if (!entry.key || entry.key.includes('=')) throw invalidField(`config.envs[${i}].key`, `must be a name without "=", got ${JSON.stringify(entry.key)}`);
    const value = Buffer.isBuffer(entry.value) ? entry.value.toString('utf8') : String(entry.value ?? '');
    return `${entry.key}=${value}`;
  });
}

function userOf(security: LinuxContainerSecurityContext__Output | undefined): { User?: string } {
  if (!security) return {};
  const uid = security.run_as_user?.value;
  const username = security.run_as_username;
  const gid = security.run_as_group?.value;
  if (uid !== undefined && username) throw invalidField('config.linux.security_context.run_as_username', 'cannot be combined with run_as_user');
  if (gid !== undefined && uid === undefined && !username) {
    throw invalidField('config.linux.security_context.run_as_group', 'needs run_as_user or run_as_username');
  }
  for (const [field, value] of [['run_as_user', uid], ['run_as_group', gid]] as const) {
    if (value !== undefined && !/^\d+$/.test(value)) throw invalidField(`config.linux.security_context.${field}`, `must be a non-negative id, got ${value}`);
  }
  const user = uid ?? username;
  if (user === undefined || user === '') return {};
  return { User: gid === undefined ? user : `${user}:${gid}` };
}

function namespacesOf(security: LinuxContainerSecurityContext__Output | undefined, sandbox: SandboxForContainer): Record<string, string> {
  const options = security?.namespace_options;
  const join = `container:${sandbox.id}`;
  const network = options?.network === 'NODE' || sandbox.hostNetwork ? 'host' : sandbox.namespaces.network || join;
  let pid: string;
  switch (options?.pid ?? 'CONTAINER') {
    case 'POD': pid = sandbox.namespaces.pid ?? join; break;
    case 'NODE': pid = 'host'; break;
    case 'TARGET':
      if (!options?.target_id) throw invalidField('config.linux.security_context.namespace_options.target_id', 'is required with pid TARGET');
      pid = `container:${options.target_id}`;
      break;
    case 'CONTAINER': pid = ''; break;
  }
  const ipc = options?.ipc === 'NODE' ? 'host' : sandbox.namespaces.ipc || join;
  const uts = network === 'host' ? 'host' : sandbox.namespaces.uts || join;
  return { NetworkMode: network, IpcMode: ipc, UTSMode: uts, ...(pid ? { PidMode: pid } : {}) };
}

function mountsOf(config: ContainerConfig__Output): MountSpec[] {
  return config.mounts.map((mount, i) => {
    if (!mount.container_path.startsWith('/')) throw invalidField(`config.mounts[${i}].container_path`, `must be an absolute path, got ${JSON.stringify(mount.container_path)}`);
    // An image volume is a feature hookd lacks, not a bad request: UNIMPLEMENTED lets the caller
    // tell the two apart (critest skips its image volume specs on it, as for containerd 1.6).
    // (Read-write is refused first: the CRI says an image volume is always read-only.)
    if (mount.image?.image && !mount.readonly) throw invalidField(`config.mounts[${i}].readonly`, 'must be true for an image volume (the CRI allows image volumes read-only only)');
    if (mount.image?.image) throw unimplementedField(`config.mounts[${i}].image`, 'image volumes (a mount whose source is an image) are not supported by hookd');
    if (!mount.host_path.startsWith('/')) throw invalidField(`config.mounts[${i}].host_path`, `must be an absolute path, got ${JSON.stringify(mount.host_path)}`);
    return {
      Type: 'bind', Source: mount.host_path, Target: mount.container_path, ReadOnly: mount.readonly,
      BindOptions: { Propagation: PROPAGATION[mount.propagation] ?? 'rprivate' },
    };
  });
}

/** LinuxContainerResources in Docker's fields (also UpdateContainerResources); zero means unset. */
export function resourcesOf(resources: LinuxContainerResources__Output | undefined, options: CriCreateOptions): Record<string, unknown> {
  if (!resources) return {};
  const out: Record<string, unknown> = {};
  const number = (field: keyof LinuxContainerResources__Output, target: string): void => {
    const value = Number(resources[field] ?? 0);
    if (!Number.isSafeInteger(value)) throw invalidField(`config.linux.resources.${field}`, `must be an integer, got ${String(resources[field])}`);
    if (value < 0 && field !== 'oom_score_adj' && field !== 'cpu_quota' && field !== 'memory_swap_limit_in_bytes') {
      throw invalidField(`config.linux.resources.${field}`, `must not be negative, got ${value}`);
    }
    if (value !== 0) out[target] = value;
  };
  number('cpu_period', 'CpuPeriod');
  number('cpu_quota', 'CpuQuota');
  number('cpu_shares', 'CpuShares');
  number('memory_limit_in_bytes', 'Memory');
  number('memory_swap_limit_in_bytes', 'MemorySwap');
  if (resources.cpuset_cpus) out.CpusetCpus = resources.cpuset_cpus;
  if (resources.cpuset_mems) out.CpusetMems = resources.cpuset_mems;
  const oom = Number(resources.oom_score_adj || 0);
  if (!Number.isInteger(oom) || oom < -1000 || oom > 1000) throw invalidField('config.linux.resources.oom_score_adj', `must be from -1000 to 1000, got ${resources.oom_score_adj}`);
  const effective = Math.max(oom, options.minOomScoreAdj);
  if (effective !== 0) out.OomScoreAdj = effective;
  return out;
}

function securityOf(security: LinuxContainerSecurityContext__Output | undefined, sandbox: SandboxForContainer, options: CriCreateOptions): Record<string, unknown> {
  if (!security) return { SecurityOpt: ['seccomp=unconfined'] };
  if (security.privileged && sandbox.config.linux?.security_context?.privileged !== true) {
    throw invalidField('config.linux.security_context.privileged', 'is not allowed: the sandbox is not privileged');
  }
  const groups = security.supplemental_groups.map((gid, i) => {
    if (!/^\d+$/.test(gid)) throw invalidField(`config.linux.security_context.supplemental_groups[${i}]`, `must be a non-negative gid, got ${gid}`);
    return gid;
  });
  const capabilities = (field: 'add_capabilities' | 'drop_capabilities'): string[] => (security.capabilities?.[field] ?? []).map((cap, i) => {
    try {
      return normalizeCapability(cap);
    } catch {
      throw invalidField(`config.linux.security_context.capabilities.${field}[${i}]`, `is not a capability: ${JSON.stringify(cap)}`);
    }
  });
  const [capAdd, capDrop] = [capabilities('add_capabilities'), capabilities('drop_capabilities')];
  return {
    Privileged: security.privileged,
    ReadonlyRootfs: security.readonly_rootfs,
    ...(capAdd.length > 0 ? { CapAdd: capAdd } : {}),
    ...(capDrop.length > 0 ? { CapDrop: capDrop } : {}),
    SecurityOpt: [...(security.no_new_privs ? ['no-new-privileges'] : []), seccompOptOf(security, options)],
    ...(security.masked_paths.length > 0 ? { MaskedPaths: [...security.masked_paths] } : {}),
    ...(security.readonly_paths.length > 0 ? { ReadonlyPaths: [...security.readonly_paths] } : {}),
    ...(groups.length > 0 ? { GroupAdd: groups } : {}),
  };
}

const SECCOMP_FIELD = 'config.linux.security_context.seccomp';

/** The SecurityOpt entry for the container's seccomp setting (see the header). */
function seccompOptOf(security: LinuxContainerSecurityContext__Output, options: CriCreateOptions): string {
  const profile = security.seccomp;
  if (profile) {
    if (profile.profile_type === 'Unconfined') return 'seccomp=unconfined';
    if (profile.profile_type === 'RuntimeDefault') return 'seccomp=builtin';
    if (profile.profile_type !== 'Localhost') throw invalidField(`${SECCOMP_FIELD}.profile_type`, `must be RuntimeDefault, Unconfined or Localhost, got ${JSON.stringify(profile.profile_type)}`);
    return localhostProfile(profile.localhost_ref, `${SECCOMP_FIELD}.localhost_ref`, options);
  }
  const path = security.seccomp_profile_path;
  if (path === '' || path === 'unconfined') return 'seccomp=unconfined';
  if (path === 'runtime/default' || path === 'docker/default') return 'seccomp=builtin';
  if (path.startsWith('localhost/')) return localhostProfile(path.slice('localhost/'.length), 'config.linux.security_context.seccomp_profile_path', options);
  throw invalidField('config.linux.security_context.seccomp_profile_path', `must be "runtime/default", "docker/default", "unconfined" or "localhost/<path>", got ${JSON.stringify(path)}`);
}

function localhostProfile(path: string, field: string, options: CriCreateOptions): string {
  if (!path.startsWith('/')) throw invalidField(field, `must be the absolute path of a profile file on the host, got ${JSON.stringify(path)}`);
  if (!options.readSeccompProfile) throw invalidField(field, 'cannot be read here (no profile reader)');
  let json: string;
  try {
    json = options.readSeccompProfile(path);
  } catch (error) {
    throw invalidField(field, `${path}: ${(error as Error).message}`);
  }
  try {
    profileFromDockerJson(json, ALL_CAPABILITIES);
  } catch (error) {
    throw invalidField(field, `${path}: ${(error as Error).message}`);
  }
  return `seccomp=${json}`;
}

/** Docker names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*; anything else in a pod's name becomes "-". */
function sanitizeName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_.-]/g, '-');
}
