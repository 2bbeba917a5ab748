// The HostConfig fields that shape a container's isolation, as Docker names them: IpcMode, PidMode,
// UTSMode ("", "private", "host", "container:<id>"; IpcMode also "shareable"), CapAdd, CapDrop,
// Privileged, SecurityOpt ("no-new-privileges", "seccomp=..."), MaskedPaths, ReadonlyPaths, Devices, GroupAdd,
// OomScoreAdj, Sysctls, CgroupParent (cgroupfs path). Checked at create (a 400 naming the field) and turned into the runtime's
// LinuxOptions at each start, when the joined container's pid and each device's numbers are read.

import { stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { badRequest, conflict } from '../errors.ts';
import { profileFromDockerJson, type SeccompSetting } from '../runtime/oci-seccomp.ts';
import { ALL_CAPABILITIES, normalizeCapability, type DeviceMapping, type LinuxOptions, type NamespaceJoin } from '../runtime/oci-security.ts';
import type { ContainerRecord, HostConfig } from './container-record.ts';

const NAMESPACE_FIELDS = { IpcMode: 'ipc', PidMode: 'pid', UTSMode: 'uts' } as const;
type NamespaceField = keyof typeof NAMESPACE_FIELDS;

/**
 * SecurityOpt values accepted: no-new-privileges; seccomp=unconfined, seccomp=builtin (or
 * runtime/default: hookd's default profile, also what a container without a seccomp option gets,
 * as under Docker) and seccomp=<profile JSON> (the docker CLI sends the file's content); and asking
 * for no AppArmor or SELinux profile (hookd applies none).
 */
const ACCEPTED_SECURITY_OPTS = /^(no-new-privileges(?:[:=](?:true|false))?|seccomp[:=](?:unconfined|builtin|runtime\/default|\{[^]*)|apparmor[:=]unconfined|label[:=]disable)$/;
const SECCOMP_OPT = /^seccomp[:=]/;

interface DeviceRequest {
  PathOnHost?: unknown;
  PathInContainer?: unknown;
  CgroupPermissions?: unknown;
}

/** Field checks beyond the types create-config.ts checks; throws a 400 naming the field. */
export function validateLinuxOptions(hostConfig: HostConfig, where = 'invalid create config'): void {
  const fail = (field: string, reason: string): never => { throw badRequest(`${where}: HostConfig.${field} ${reason}`); };
  for (const field of Object.keys(NAMESPACE_FIELDS) as NamespaceField[]) {
    const mode = hostConfig[field];
    if (mode === undefined || mode === null) continue;
    if (typeof mode !== 'string') fail(field, `must be a string, got ${JSON.stringify(mode)}`);
    const allowed = ['', 'private', 'host', ...(field === 'IpcMode' ? ['shareable'] : [])];
    if (!allowed.includes(mode as string) && !/^container:.+/.test(mode as string)) {
      fail(field, `must be one of ${allowed.filter(Boolean).map((m) => `"${m}"`).join(', ')} or "container:<id>", got ${JSON.stringify(mode)}`);
    }
  }
  for (const field of ['CapAdd', 'CapDrop'] as const) {
    (stringList(hostConfig[field], field, fail)).forEach((name, i) => {
      try {
        normalizeCapability(name);
      } catch {
        fail(`${field}[${i}]`, `is not a capability: ${JSON.stringify(name)} (names like "NET_ADMIN" or "CAP_NET_ADMIN", or "ALL")`);
      }
    });
  }
  if (hostConfig.Privileged !== undefined && typeof hostConfig.Privileged !== 'boolean') fail('Privileged', `must be a boolean, got ${JSON.stringify(hostConfig.Privileged)}`);
  stringList(hostConfig.SecurityOpt, 'SecurityOpt', fail).forEach((opt, i) => {
    if (!ACCEPTED_SECURITY_OPTS.test(opt)) {
      fail(`SecurityOpt[${i}]`, `${JSON.stringify(opt.slice(0, 80))} is not supported: hookd accepts "no-new-privileges", "seccomp=unconfined", "seccomp=builtin", "seccomp=<profile JSON>", and the "unconfined"/"disable" forms of apparmor and label (it applies no AppArmor or SELinux profile)`);
    }
    const setting = seccompSettingOf([opt]);
    if (setting.mode === 'profile') {
      try {
        profileFromDockerJson(setting.json, ALL_CAPABILITIES);
      } catch (error) {
        fail(`SecurityOpt[${i}]`, (error as Error).message);
      }
    }
  });
  for (const field of ['MaskedPaths', 'ReadonlyPaths'] as const) {
    stringList(hostConfig[field], field, fail).forEach((path, i) => { if (!path.startsWith('/')) fail(`${field}[${i}]`, `must be an absolute path, got ${JSON.stringify(path)}`); });
  }
  stringList(hostConfig.GroupAdd, 'GroupAdd', fail).forEach((group, i) => {
    if (!/^\d+$/.test(group)) fail(`GroupAdd[${i}]`, `must be a numeric gid, got ${JSON.stringify(group)} (group names are not resolved)`);
  });
  const oom = hostConfig.OomScoreAdj;
  if (oom !== undefined && oom !== null && (typeof oom !== 'number' || !Number.isInteger(oom) || oom < -1000 || oom > 1000)) {
    fail('OomScoreAdj', `must be an integer from -1000 to 1000, got ${JSON.stringify(oom)}`);
  }
  const sysctls = hostConfig.Sysctls;
  if (sysctls !== undefined && sysctls !== null && (typeof sysctls !== 'object' || Array.isArray(sysctls) || !Object.values(sysctls).every((v) => typeof v === 'string'))) {
    fail('Sysctls', `must be an object of strings, got ${JSON.stringify(sysctls)}`);
  }
  const parent = hostConfig.CgroupParent;
  if (parent !== undefined && parent !== null && parent !== '' && (typeof parent !== 'string' || !parent.startsWith('/') || parent.split('/').includes('..'))) {
    fail('CgroupParent', `must be an absolute cgroupfs path like "/kubepods/pod1", got ${JSON.stringify(parent)}`);
  }
  const devices = hostConfig.Devices;
  if (devices === undefined || devices === null) return;
  if (!Array.isArray(devices)) fail('Devices', 'must be an array of {PathOnHost, PathInContainer, CgroupPermissions}');
  (devices as DeviceRequest[]).forEach((device, i) => {
    if (typeof device?.PathOnHost !== 'string' || !device.PathOnHost.startsWith('/')) fail(`Devices[${i}].PathOnHost`, `must be an absolute path, got ${JSON.stringify(device?.PathOnHost)}`);
    if (device.PathInContainer !== undefined && device.PathInContainer !== '' && (typeof device.PathInContainer !== 'string' || !device.PathInContainer.startsWith('/'))) {
      fail(`Devices[${i}].PathInContainer`, `must be an absolute path, got ${JSON.stringify(device.PathInContainer)}`);
    }
    if (device.CgroupPermissions !== undefined && device.CgroupPermissions !== '' && (typeof device.CgroupPermissions !== 'string' || !/^[rwm]{1,3}$/.test(device.CgroupPermissions))) {
      fail(`Devices[${i}].CgroupPermissions`, `must be made of r, w and m, got ${JSON.stringify(device.CgroupPermissions)}`);
    }
  });
}

/** At create: a container:<id> mode names an existing container other than this one. */
export function validateNamespaceTargets(record: ContainerRecord, find: (reference: string) => ContainerRecord | undefined): void {
  for (const field of Object.keys(NAMESPACE_FIELDS) as NamespaceField[]) {
    const mode = record.HostConfig[field];
    if (typeof mode !== 'string' || !mode.startsWith('container:')) continue;
    const reference = mode.slice('container:'.length);
    const other = find(reference);
    if (!other) throw badRequest(`HostConfig.${field} ${mode}: no such container: ${reference}`);
    if (other.Id === record.Id) throw badRequest(`HostConfig.${field} ${mode}: a container cannot join its own namespace`);
  }
}

/**
 * At start: the runtime's LinuxOptions. A joined container must be running (its namespaces are
 * those of its init, /proc/<pid>/ns/<type>); a device must be a character or block device.
 */
export async function resolveLinuxOptions(record: ContainerRecord, find: (reference: string) => ContainerRecord | undefined): Promise<LinuxOptions> {
  const hostConfig = record.HostConfig;
  const namespaces: NonNullable<LinuxOptions['namespaces']> = {};
  for (const field of Object.keys(NAMESPACE_FIELDS) as NamespaceField[]) {
    const type = NAMESPACE_FIELDS[field];
    namespaces[type] = namespaceJoin(field, type, hostConfig[field], find);
  }
  const securityOpts = (hostConfig.SecurityOpt as string[] | undefined) ?? [];
  const oomScoreAdj = hostConfig.OomScoreAdj as number | undefined;
  return {
    namespaces,
    privileged: hostConfig.Privileged === true,
    capAdd: (hostConfig.CapAdd as string[] | undefined) ?? [],
    capDrop: (hostConfig.CapDrop as string[] | undefined) ?? [],
    availableCapabilities: daemonCapabilities(),
    noNewPrivileges: securityOpts.some((opt) => /^no-new-privileges(?:[:=]true)?$/.test(opt)),
    ...(Array.isArray(hostConfig.MaskedPaths) ? { maskedPaths: hostConfig.MaskedPaths as string[] } : {}),
    ...(Array.isArray(hostConfig.ReadonlyPaths) ? { readonlyPaths: hostConfig.ReadonlyPaths as string[] } : {}),
    devices: await resolveDevices(record.Id, (hostConfig.Devices as DeviceRequest[] | undefined) ?? []),
    groupAdd: ((hostConfig.GroupAdd as string[] | undefined) ?? []).map(Number),
    ...(typeof oomScoreAdj === 'number' && oomScoreAdj !== 0 ? { oomScoreAdj } : {}),
    ...(hostConfig.Sysctls ? { sysctls: hostConfig.Sysctls as Record<string, string> } : {}),
    ...(typeof hostConfig.CgroupParent === 'string' && hostConfig.CgroupParent !== '' ? { cgroupParent: hostConfig.CgroupParent } : {}),
    seccomp: seccompSettingOf(securityOpts),
  };
}

/** The last seccomp SecurityOpt wins; none means hookd's default profile (Docker's behaviour). */
export function seccompSettingOf(securityOpts: readonly string[]): SeccompSetting {
  const opt = securityOpts.filter((entry) => SECCOMP_OPT.test(entry)).at(-1);
  if (opt === undefined) return { mode: 'default' };
  const value = opt.replace(SECCOMP_OPT, '');
  if (value === 'unconfined') return { mode: 'unconfined' };
  if (value === 'builtin' || value === 'runtime/default') return { mode: 'default' };
  return { mode: 'profile', json: value };
}

function namespaceJoin(field: NamespaceField, type: string, mode: unknown, find: (reference: string) => ContainerRecord | undefined): NamespaceJoin {
  if (mode === 'host') return { mode: 'host' };
  if (typeof mode !== 'string' || !mode.startsWith('container:')) return { mode: 'private' };
  const reference = mode.slice('container:'.length);
  const other = find(reference);
  if (!other || !other.State.Running || other.State.Pid <= 0) {
    throw conflict(`cannot join the ${type} namespace of container ${reference} (HostConfig.${field}): it is not running`);
  }
  return { mode: 'path', path: `/proc/${other.State.Pid}/ns/${type}` };
}

async function resolveDevices(id: string, requests: DeviceRequest[]): Promise<DeviceMapping[]> {
  return Promise.all(requests.map(async (request, i) => {
    const hostPath = request.PathOnHost as string;
    const info = await stat(hostPath).catch((error: unknown) => {
      throw badRequest(`container ${id}: HostConfig.Devices[${i}].PathOnHost ${hostPath}: ${(error as Error).message}`);
    });
    if (!info.isCharacterDevice() && !info.isBlockDevice()) throw badRequest(`container ${id}: HostConfig.Devices[${i}].PathOnHost ${hostPath} is not a device`);
    const rdev = info.rdev;
    return {
      path: (request.PathInContainer as string | undefined) || hostPath,
      type: info.isCharacterDevice() ? 'c' as const : 'b' as const,
      // glibc's major()/minor() for the kernel's dev_t encoding.
      major: Number((BigInt(rdev) >> 8n) & 0xfffn) | Number((BigInt(rdev) >> 32n) & ~0xfffn),
      minor: Number(BigInt(rdev) & 0xffn) | Number((BigInt(rdev) >> 12n) & ~0xffn),
      fileMode: info.mode & 0o7777,
      uid: 0,
      gid: 0,
      access: (request.CgroupPermissions as string | undefined) || 'rwm',
    };
  }));
}

let capabilityCache: string[] | undefined;

/** The daemon's own bounding set (/proc/self/status CapBnd): what runc can give a container. */
function daemonCapabilities(): string[] {
  if (capabilityCache) return capabilityCache;
  const line = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  const mask = line === undefined ? undefined : BigInt(`0x${line}`);
  capabilityCache = mask === undefined ? [...ALL_CAPABILITIES] : ALL_CAPABILITIES.filter((_cap, bit) => (mask >> BigInt(bit)) & 1n);
  return capabilityCache;
}

function stringList(value: unknown, field: string, fail: (field: string, reason: string) => never): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) fail(field, `must be an array of strings, got ${JSON.stringify(value)}`);
  return value as string[];
}
