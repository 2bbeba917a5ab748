// Builds an OCI runtime-spec (1.0.2) config.json for runc from a RuntimeContainerSpec. A pure
// function: the caller resolves the user against the rootfs first (user.ts), so the builder reads
// nothing and can be tested as a table of inputs and outputs.

import type { RuntimeContainerSpec, RuntimeHook } from './runtime.ts';
import type { ResolvedUser } from './user.ts';
import { DEFAULT_NOFILE, defaultDeviceRules, defaultMounts } from './oci-defaults.ts';
import { capabilitySet, deviceRules, maskedPathsOf, namespaceEntry, ociDevices, readonlyPathsOf, type DeviceMapping, type LinuxOptions } from './oci-security.ts';
import { seccompFor, type OciSeccomp } from './oci-seccomp.ts';
import { resourcesFromDocker, rlimitsFromDocker, type OciResources, type OciRlimit } from './oci-resources.ts';

export const OCI_VERSION = '1.0.2';

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export interface OciHook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

export interface OciProcess {
  terminal: boolean;
  user: { uid: number; gid: number; additionalGids?: number[] };
  args: string[];
  env: string[];
  cwd: string;
  capabilities: { bounding: string[]; effective: string[]; permitted: string[] };
  rlimits: OciRlimit[];
  noNewPrivileges: boolean;
  oomScoreAdj?: number;
}

export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: { path: string; readonly: boolean };
  /** Absent when the UTS namespace is not the container's own (runc refuses a hostname then). */
  hostname?: string;
  mounts: OciMount[];
  hooks?: { prestart: OciHook[] };
  annotations?: Record<string, string>;
  linux: {
    namespaces: Array<{ type: string; path?: string }>;
    resources: OciResources;
    cgroupsPath: string;
    rootfsPropagation?: string;
    sysctl?: Record<string, string>;
    devices?: Array<Omit<DeviceMapping, 'access'>>;
    maskedPaths: string[];
    readonlyPaths: string[];
    /** Absent: no syscall filter (unconfined or privileged). */
    seccomp?: OciSeccomp;
  };
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function buildOciSpec(spec: RuntimeContainerSpec, user: ResolvedUser): OciSpec {
  const linux = spec.linux ?? {};
  const seccomp = seccompFor(linux.seccomp, linux.privileged === true, capabilitySet(linux));
  const ownUts = linux.namespaces?.uts === undefined || linux.namespaces.uts.mode === 'private';
  const result: OciSpec = {
    ociVersion: OCI_VERSION,
    process: buildProcess(spec, user),
    root: { path: spec.rootfs, readonly: spec.readonlyRootfs },
    ...(ownUts ? { hostname: spec.hostname } : {}),
    mounts: [...defaultMounts({ privileged: linux.privileged === true }), ...spec.mounts.map(bindMount)],
    linux: {
      namespaces: namespacesFor(spec.networkMode, spec.networkNamespacePath, linux.namespaces),
      resources: { ...resourcesFromDocker(spec.resources), devices: [...defaultDeviceRules(), ...deviceRules(linux)] },
      // One cgroup per container under a hookd parent, so operators can find (and limit) them all.
      cgroupsPath: `${(linux.cgroupParent ?? '/hookd').replace(/\/+$/, '')}/${spec.id}`,
      ...rootfsPropagationFor(spec.mounts),
      ...(linux.sysctls && Object.keys(linux.sysctls).length > 0 ? { sysctl: { ...linux.sysctls } } : {}),
      ...(linux.devices && linux.devices.length > 0 ? { devices: ociDevices(linux.devices) } : {}),
      maskedPaths: maskedPathsOf(linux),
      readonlyPaths: readonlyPathsOf(linux),
      ...(seccomp ? { seccomp } : {}),
    },
  };
  if (spec.prestartHooks.length > 0) result.hooks = { prestart: spec.prestartHooks.map(ociHook) };
  if (Object.keys(spec.annotations).length > 0) result.annotations = { ...spec.annotations };
  return result;
}

/** The process part alone: also what `runc exec --process` takes. */
export function buildProcess(
  spec: Pick<RuntimeContainerSpec, 'args' | 'env' | 'cwd' | 'resources' | 'linux'> & { tty?: boolean },
  user: ResolvedUser,
): OciProcess {
  const linux: LinuxOptions = spec.linux ?? {};
  const caps = capabilitySet(linux);
  // As Docker: a non-root user keeps the bounding set (what setuid programs may gain) but starts
  // with no effective or permitted capabilities, so it cannot bypass file permissions.
  const isRoot = user.uid === 0;
  const additionalGids = [...new Set([...user.additionalGids, ...(linux.groupAdd ?? [])])].filter((gid) => gid !== user.gid);
  return {
    // runc allocates the pty in the foreground; the runtime runs runc behind script(1) then,
    // since runc wants a terminal of its own too (terminal.ts). The caller says tty only if it can.
    terminal: spec.tty === true,
    user: { uid: user.uid, gid: user.gid, ...(additionalGids.length > 0 ? { additionalGids } : {}) },
    args: [...spec.args],
    env: withDefaultEnv(spec.env, user),
    cwd: spec.cwd === '' ? '/' : spec.cwd,
    capabilities: { bounding: caps, effective: isRoot ? [...caps] : [], permitted: isRoot ? [...caps] : [] },
    rlimits: rlimitsFromDocker(spec.resources, [{ type: 'RLIMIT_NOFILE', ...DEFAULT_NOFILE }]),
    noNewPrivileges: linux.noNewPrivileges === true,
    ...(linux.oomScoreAdj !== undefined ? { oomScoreAdj: linux.oomScoreAdj } : {}),
  };
}

/**
 * mount always; pid, ipc and uts the container's own unless `joined` says "host" (left out) or
 * names another container's namespace by path. Network: none for "host" (the host's stack); a
 * fresh one otherwise — for "none" it has only loopback (runc brings `lo` up in a new netns), for
 * "bridge"/"default" the daemon's network hook (priority 0) configures it during prestart.
 * When the daemon made the namespace (src/daemon/network: CNI-configured, or another container's
 * for "container:<id>"), the container joins it by path.
 */
export function namespacesFor(
  networkMode: string, networkNamespacePath?: string, joined: NonNullable<LinuxOptions['namespaces']> = {},
): Array<{ type: string; path?: string }> {
  const namespaces = (['pid', 'ipc', 'uts'] as const)
    .map((type) => namespaceEntry(type, joined[type]))
    .filter((entry) => entry !== undefined);
  namespaces.push({ type: 'mount' });
  if (networkMode !== 'host') namespaces.push(networkNamespacePath ? { type: 'network', path: networkNamespacePath } : { type: 'network' });
  return namespaces;
}

function bindMount(mount: RuntimeContainerSpec['mounts'][number]): OciMount {
  return {
    destination: mount.destination,
    type: 'bind',
    source: mount.source,
    options: ['rbind', mount.propagation ?? 'rprivate', mount.readOnly ? 'ro' : 'rw'],
  };
}

/**
 * As containerd: a shared bind (Bidirectional in Kubernetes) needs a shared rootfs, a slave one
 * (HostToContainer) at least a slave rootfs, or mounts made later on the host never arrive.
 */
function rootfsPropagationFor(mounts: RuntimeContainerSpec['mounts']): { rootfsPropagation?: string } {
  const kinds = new Set(mounts.map((mount) => mount.propagation?.replace(/^r/, '')));
  if (kinds.has('shared')) return { rootfsPropagation: 'rshared' };
  if (kinds.has('slave')) return { rootfsPropagation: 'rslave' };
  return {};
}

/** RuntimeHook.args is OCI's args: argv0 first (Pouch's plugins supply it after the path). */
function ociHook(hook: RuntimeHook): OciHook {
  return {
    path: hook.path,
    ...(hook.args.length > 0 ? { args: [...hook.args] } : {}),
    ...(hook.env.length > 0 ? { env: [...hook.env] } : {}),
    ...(hook.timeoutSeconds !== undefined && hook.timeoutSeconds > 0 ? { timeout: hook.timeoutSeconds } : {}),
  };
}

/** Docker adds PATH when the image sets none, and HOME from /etc/passwd when unset. */
function withDefaultEnv(env: string[], user: ResolvedUser): string[] {
  const out = [...env];
  if (!out.some((entry) => entry.startsWith('PATH='))) out.unshift(DEFAULT_PATH);
  if (!out.some((entry) => entry.startsWith('HOME='))) out.push(`HOME=${user.home}`);
  return out;
}
