// How a container record looks from outside: GET /containers/{id}/json (inspect), the entries of
// GET /containers/json (list), and the list filters.

import { badRequest } from '../errors.ts';
import type { ContainerRecord } from './container-record.ts';
import { healthSuffix } from './health-status.ts';

/** The inspect JSON: the record minus internals, with hookd's provenance under HookdProvenance. */
export function toInspect(record: ContainerRecord): Record<string, unknown> {
  const { hookd: _internals, ...visible } = record;
  return {
    ...visible,
    ResolvConfPath: record.hookd.etcFiles?.resolvConfPath ?? '',
    HostnamePath: record.hookd.etcFiles?.hostnamePath ?? '',
    HostsPath: record.hookd.etcFiles?.hostsPath ?? '',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: null,
    GraphDriver: { Name: record.Driver, Data: { RootDir: record.hookd.rootfs } },
    NetworkSettings: {
      Bridge: '', SandboxID: '', HairpinMode: false, Ports: {}, SandboxKey: '',
      ...record.NetworkSettings,
    },
  };
}

/** PreStart's container (container_json): inspect plus "BaseFS", the host path of the root filesystem. */
export function toPreStartJson(record: ContainerRecord): Record<string, unknown> {
  return { ...toInspect(record), BaseFS: record.hookd.rootfs };
}

export function describeStatus(record: ContainerRecord, now = Date.now()): string {
  const state = record.State;
  if (state.Restarting) return `Restarting (${state.ExitCode}) ${ago(state.FinishedAt, now)}`;
  if (state.Running) return `Up ${duration(now - Date.parse(state.StartedAt))}${healthSuffix(state.Health)}`;
  if (state.Status === 'created') return 'Created';
  return `Exited (${state.ExitCode}) ${ago(state.FinishedAt, now)}`;
}

function ago(time: string, now: number): string {
  return `${duration(now - Date.parse(time))} ago`;
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 1) return 'Less than a second';
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return minutes === 1 ? 'About a minute' : `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return hours === 1 ? 'About an hour' : `${hours} hours`;
  return `${Math.round(hours / 24)} days`;
}

export function toListEntry(record: ContainerRecord): Record<string, unknown> {
  const command = [record.Path, ...record.Args].filter(Boolean).join(' ');
  return {
    Id: record.Id,
    Names: [record.Name],
    Image: record.Config.Image ?? record.Image,
    ImageID: record.Image,
    Command: command,
    Created: Math.floor(Date.parse(record.Created) / 1000),
    Ports: Object.entries(record.NetworkSettings.Ports ?? {}).flatMap(([key, bindings]) => (bindings ?? []).map((binding) => ({
      IP: binding.HostIp, PrivatePort: Number(key.split('/')[0]), PublicPort: Number(binding.HostPort), Type: key.split('/')[1] ?? 'tcp',
    }))),
    Labels: record.Config.Labels ?? {},
    State: record.State.Status,
    Status: describeStatus(record),
    HostConfig: { NetworkMode: record.HostConfig.NetworkMode ?? 'default' },
    NetworkSettings: { Networks: record.NetworkSettings.Networks },
    Mounts: record.Mounts,
  };
}

/** Docker's list filters (the basic ones): id, name, status, label, exited, ancestor. */
export function matchesListFilters(record: ContainerRecord, filters: Record<string, string[]>): boolean {
  const any = (values: string[] | undefined, test: (value: string) => boolean): boolean =>
    !values || values.length === 0 || values.some(test);
  const labels = record.Config.Labels ?? {};
  return any(filters.id, (v) => record.Id.startsWith(v))
    && any(filters.name, (v) => record.Name.slice(1).includes(v.replace(/^\//, '')))
    && any(filters.status, (v) => record.State.Status === v)
    && any(filters.exited, (v) => !record.State.Running && record.State.Status === 'exited' && record.State.ExitCode === Number(v))
    && any(filters.ancestor, (v) => record.Config.Image === v || record.Image === v || record.Image.startsWith(`sha256:${v}`))
    && (filters.label ?? []).every((v) => {
      const [key = '', value] = v.split('=', 2);
      return key in labels && (value === undefined || labels[key] === value);
    });
}

/** Parses Docker's `filters` query parameter: {"name": ["x"]} or the old {"name": {"x": true}}. */
export function parseFilters(raw: string | null): Record<string, string[]> {
  if (!raw) return {};
  let parsed: Record<string, string[] | Record<string, boolean>>;
  try {
    parsed = JSON.parse(raw) as typeof parsed;
  } catch (error) {
    throw badRequest(`invalid filters parameter: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object') throw badRequest('invalid filters parameter: expected a JSON object');
  const filters: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(parsed)) {
    filters[key] = Array.isArray(value) ? value.map(String) : Object.keys(value).filter((k) => value[k]);
  }
  return filters;
}
