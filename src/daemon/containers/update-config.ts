// POST /containers/{id}/update after container.preUpdate: decode the (possibly rewritten) body as
// Pouch's UpdateConfig and apply it to a container record. Env: "A=v" sets, "A=" sets empty,
// "A" removes. Label: "k=v" sets, "k=" (or "k") deletes.

import { badRequest } from '../errors.ts';
import type { ContainerRecord, RestartPolicy } from './container-record.ts';

export const RESOURCE_FIELDS = [
  'CpuShares', 'CpuPeriod', 'CpuQuota', 'CpuRealtimePeriod', 'CpuRealtimeRuntime', 'CpusetCpus', 'CpusetMems',
  'CpuCount', 'CpuPercent', 'NanoCpus', 'Memory', 'MemorySwap', 'MemoryReservation', 'MemorySwappiness',
  'KernelMemory', 'MemoryExtra', 'MemoryForceEmptyCtl', 'MemoryWmarkRatio', 'OomKillDisable', 'BlkioWeight',
  'BlkioWeightDevice', 'BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps',
  'IOMaximumBandwidth', 'IOMaximumIOps', 'CgroupParent', 'Devices', 'DeviceCgroupRules', 'PidsLimit', 'Ulimits',
  'IntelRdtL3Cbm', 'ScheLatSwitch', 'NvidiaConfig',
];

/** The resource fields a HostConfig sets (Docker's units), as the runtime takes them at start and update. */
export function resourcesOf(hostConfig: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(RESOURCE_FIELDS
    .filter((field) => hostConfig[field] !== undefined && hostConfig[field] !== null)
    .map((field) => [field, hostConfig[field]]));
}

const NUMERIC_FIELDS = new Set(['CpuShares', 'CpuPeriod', 'CpuQuota', 'CpuRealtimePeriod', 'CpuRealtimeRuntime', 'CpuCount',
  'CpuPercent', 'NanoCpus', 'Memory', 'MemorySwap', 'MemoryReservation', 'MemorySwappiness', 'KernelMemory',
  'BlkioWeight', 'PidsLimit', 'IOMaximumBandwidth', 'IOMaximumIOps']);

export interface UpdateConfig {
  resources: Record<string, unknown>;
  Env?: string[];
  Label?: string[];
  RestartPolicy?: RestartPolicy;
  SpecAnnotation?: Record<string, string>;
  DiskQuota?: Record<string, string>;
}

const where = 'invalid update config';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((item) => typeof item === 'string');
const isStringMap = (v: unknown): v is Record<string, string> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((item) => typeof item === 'string');

export function decodeUpdateConfig(body: Record<string, unknown>): UpdateConfig {
  const fail = (field: string, reason: string): never => { throw badRequest(`${where}: ${field} ${reason}`); };
  const update: UpdateConfig = { resources: {} };
  for (const field of RESOURCE_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null || isNoChange(field, value)) continue;
    if (NUMERIC_FIELDS.has(field) && (typeof value !== 'number' || !Number.isFinite(value))) {
      fail(field, `must be a number, got ${JSON.stringify(value)}`);
    }
    update.resources[field] = value;
  }
  if (body.Env != null) {
    if (!isStringArray(body.Env)) fail('Env', 'must be an array of strings');
    update.Env = body.Env as string[];
  }
  if (body.Label != null) {
    if (!isStringArray(body.Label)) fail('Label', 'must be an array of "key=value" strings');
    update.Label = body.Label as string[];
  }
  if (body.SpecAnnotation != null) {
    if (!isStringMap(body.SpecAnnotation)) fail('SpecAnnotation', 'must be an object of strings');
    update.SpecAnnotation = body.SpecAnnotation as Record<string, string>;
  }
  if (body.DiskQuota != null) {
    if (!isStringMap(body.DiskQuota)) fail('DiskQuota', 'must be an object of strings');
    update.DiskQuota = body.DiskQuota as Record<string, string>;
  }
  const policy = body.RestartPolicy as Record<string, unknown> | undefined | null;
  if (policy != null && (policy.Name !== undefined && policy.Name !== '')) {
    if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(policy.Name as string)) {
      fail('RestartPolicy.Name', `must be one of "no", "always", "unless-stopped", "on-failure", got ${JSON.stringify(policy.Name)}`);
    }
    const max = policy.MaximumRetryCount ?? 0;
    if (typeof max !== 'number' || max < 0) fail('RestartPolicy.MaximumRetryCount', 'must be a non-negative number');
    update.RestartPolicy = { Name: policy.Name as RestartPolicy['Name'], MaximumRetryCount: max as number };
  }
  return update;
}

/**
 * Docker's update semantics: a zero, an empty string or an empty list leaves the field as it is.
 * The docker CLI sends every resource field, so `docker update --memory 64m` would otherwise
 * reset the CPU shares, cpuset, ... it did not name. PidsLimit is the exception: Docker sends it
 * only when asked, and 0 there means "unlimited".
 */
function isNoChange(field: string, value: unknown): boolean {
  if (value === 0) return field !== 'PidsLimit';
  return value === '' || (Array.isArray(value) && value.length === 0);
}

export function applyEnvUpdate(current: string[], changes: string[]): string[] {
  const byName = new Map(current.map((entry) => [entry.split('=', 1)[0] as string, entry]));
  for (const change of changes) {
    const name = change.split('=', 1)[0] as string;
    if (change.includes('=')) byName.set(name, change);
    else byName.delete(name);
  }
  return [...byName.values()];
}

/** Mutates `record`; the caller keeps a copy to restore when a later step fails. */
export function applyUpdate(record: ContainerRecord, update: UpdateConfig): void {
  Object.assign(record.HostConfig, update.resources);
  if (update.RestartPolicy) {
    if (record.HostConfig.AutoRemove && update.RestartPolicy.Name !== 'no') {
      throw badRequest('Restart policy cannot be updated because AutoRemove is enabled for the container');
    }
    record.HostConfig.RestartPolicy = update.RestartPolicy;
  }
  if (update.Label) {
    const labels = { ...(record.Config.Labels ?? {}) };
    for (const entry of update.Label) {
      const [key = '', value = ''] = splitOnce(entry);
      if (value === '') delete labels[key];
      else labels[key] = value;
    }
    record.Config.Labels = labels;
  }
  if (update.SpecAnnotation) record.Config.SpecAnnotation = { ...(record.Config.SpecAnnotation ?? {}), ...update.SpecAnnotation };
  if (update.DiskQuota) record.Config.DiskQuota = { ...((record.Config.DiskQuota as Record<string, string>) ?? {}), ...update.DiskQuota };
  if (update.Env) record.Config.Env = applyEnvUpdate(record.Config.Env ?? [], update.Env);
}

function splitOnce(entry: string): [string, string] {
  const index = entry.indexOf('=');
  return index < 0 ? [entry, ''] : [entry.slice(0, index), entry.slice(index + 1)];
}
