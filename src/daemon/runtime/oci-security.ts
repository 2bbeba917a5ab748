// The Linux options a container may ask for beyond Docker's defaults, and the pure pieces of the
// OCI spec built from them: namespaces joined from another container (Docker's IpcMode/PidMode/
// UTSMode "container:<id>", and "host"), capabilities (CapAdd/CapDrop, Privileged), masked and
// read-only paths, devices, supplementary groups, oom_score_adj. The container manager resolves
// everything impure first (the other container's pid, each device's major/minor, the daemon's own
// capability bounding set), so these functions read nothing.

import type { SeccompSetting } from './oci-seccomp.ts';
import { DEFAULT_CAPABILITIES, DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './oci-defaults.ts';

/** Every capability Linux knows (capability.h, up to CAP_CHECKPOINT_RESTORE = 40). */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** How a container gets one of its namespaces: its own, the host's, or one joined by path. */
export type NamespaceJoin = { mode: 'private' } | { mode: 'host' } | { mode: 'path'; path: string };

/** A host device made available in the container, with what the device cgroup allows. */
export interface DeviceMapping {
  /** Path in the container. */
  path: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
  /** Device cgroup permissions, "rwm" or a subset. */
  access: string;
}

/** Absent fields mean Docker's defaults (what every container got before these options existed). */
export interface LinuxOptions {
  namespaces?: { ipc?: NamespaceJoin; pid?: NamespaceJoin; uts?: NamespaceJoin };
  privileged?: boolean;
  /** Capability names with or without the CAP_ prefix, any case; "ALL" means every one. */
  capAdd?: string[];
  capDrop?: string[];
  /**
   * The capabilities the daemon itself holds (its bounding set): "ALL" and privileged mean these,
   * since runc cannot grant what it lacks (a daemon in a container often lacks CAP_SYS_RESOURCE).
   */
  availableCapabilities?: readonly string[];
  noNewPrivileges?: boolean;
  /** Undefined: Docker's defaults. Privileged containers get none. */
  maskedPaths?: string[];
  readonlyPaths?: string[];
  devices?: DeviceMapping[];
  /** Supplementary gids added to those the user's /etc/group entries give. */
  groupAdd?: number[];
  oomScoreAdj?: number;
  /** linux.sysctl (namespaced sysctls such as net.*, kernel.shm*; runc refuses the others). */
  sysctls?: Record<string, string>;
  /** An absolute cgroupfs path: the container's cgroup is <cgroupParent>/<id> (default /hookd). */
  cgroupParent?: string;
  /** The syscall filter (oci-seccomp.ts); undefined: none. Privileged containers never get one. */
  seccomp?: SeccompSetting;
}

/** The part of an OCI process an exec takes from its container (oci-spec.ts OciProcess has it). */
export interface ProcessPrivileges {
  user: { uid: number; gid: number; additionalGids?: number[] };
  capabilities: { bounding: string[]; effective: string[]; permitted: string[] };
  noNewPrivileges: boolean;
}

/**
 * An exec runs with its container's privileges, as under Docker and containerd: the container's
 * capability sets and no_new_privileges (what CapAdd, CapDrop, Privileged and SecurityOpt gave
 * it), and its supplementary groups (GroupAdd) when the exec runs as the container's user.
 */
export function inheritContainerPrivileges<T extends ProcessPrivileges>(exec: T, container: Partial<ProcessPrivileges> | undefined): T {
  if (!container) return exec;
  const sameUser = container.user?.uid === exec.user.uid && container.user?.gid === exec.user.gid;
  const gids = sameUser ? [...new Set([...(exec.user.additionalGids ?? []), ...(container.user?.additionalGids ?? [])])] : exec.user.additionalGids ?? [];
  const isRoot = exec.user.uid === 0;
  const caps = container.capabilities?.bounding;
  return {
    ...exec,
    user: { uid: exec.user.uid, gid: exec.user.gid, ...(gids.length > 0 ? { additionalGids: gids } : {}) },
    ...(caps ? { capabilities: { bounding: [...caps], effective: isRoot ? [...caps] : [], permitted: isRoot ? [...caps] : [] } } : {}),
    noNewPrivileges: container.noNewPrivileges === true,
  };
}

export class CapabilityError extends Error {
  readonly code = 'ERR_RUNTIME_CAPABILITY';
}

/** "net_admin", "NET_ADMIN" and "CAP_NET_ADMIN" are one capability; "ALL" stays "ALL". */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!ALL_CAPABILITIES.includes(full)) throw new CapabilityError(`unknown capability: ${JSON.stringify(name)}`);
  return full;
}

/**
 * Docker's TweakCapabilities: privileged or CapAdd ALL start from every available capability,
 * CapDrop ALL from none; then adds, then drops. The default set otherwise.
 */
export function capabilitySet(options: LinuxOptions): string[] {
  const available = options.availableCapabilities ?? ALL_CAPABILITIES;
  if (options.privileged) return [...available];
  const adds = (options.capAdd ?? []).map(normalizeCapability);
  const drops = (options.capDrop ?? []).map(normalizeCapability);
  if (adds.includes('ALL')) return available.filter((cap) => !drops.includes(cap));
  if (drops.includes('ALL')) return adds.filter((cap, i) => adds.indexOf(cap) === i);
  const caps = [...DEFAULT_CAPABILITIES];
  for (const cap of adds) if (!caps.includes(cap)) caps.push(cap);
  return caps.filter((cap) => !drops.includes(cap));
}

export function maskedPathsOf(options: LinuxOptions): string[] {
  if (options.privileged) return [];
  return [...(options.maskedPaths ?? DEFAULT_MASKED_PATHS)];
}

export function readonlyPathsOf(options: LinuxOptions): string[] {
  if (options.privileged) return [];
  return [...(options.readonlyPaths ?? DEFAULT_READONLY_PATHS)];
}

/** The OCI namespace entry for one kind: absent for "host", with a path when joining. */
export function namespaceEntry(type: 'ipc' | 'pid' | 'uts', join: NamespaceJoin | undefined): { type: string; path?: string } | undefined {
  if (!join || join.mode === 'private') return { type };
  if (join.mode === 'host') return undefined;
  return { type, path: join.path };
}

/** linux.devices entries (the device nodes runc creates). */
export function ociDevices(devices: DeviceMapping[] = []): Array<Omit<DeviceMapping, 'access'>> {
  return devices.map(({ access: _access, ...device }) => device);
}

/** Device cgroup rules after the defaults: privileged allows every device; mapped devices their access. */
export function deviceRules(options: LinuxOptions): Array<{ allow: boolean; type?: string; major?: number; minor?: number; access: string }> {
  if (options.privileged) return [{ allow: true, access: 'rwm' }];
  return (options.devices ?? []).map((device) => ({ allow: true, type: device.type, major: device.major, minor: device.minor, access: device.access }));
}
