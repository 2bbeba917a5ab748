// A hookd container record as the CRI reports it: Container (ListContainers), ContainerStatus,
// ContainerAttributes (stats), and the ListContainers filter. Pure; int64 fields are decimal
// strings (nanoseconds for times), as the server's proto loader expects.

import { ZERO_TIME, type ContainerRecord } from '../../containers/container-record.ts';
import type { Container } from '../generated/types/runtime/v1/Container.ts';
import type { ContainerFilter__Output } from '../generated/types/runtime/v1/ContainerFilter.ts';
import type { ContainerStatus } from '../generated/types/runtime/v1/ContainerStatus.ts';
import type { ContainerAttributes } from '../generated/types/runtime/v1/ContainerAttributes.ts';
import type { ContainerState } from '../generated/types/runtime/v1/ContainerState.ts';
import { criDataOf, isCriContainer } from './labels.ts';

const PROPAGATION_BACK: Record<string, 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL'> = {
  rslave: 'PROPAGATION_HOST_TO_CONTAINER', slave: 'PROPAGATION_HOST_TO_CONTAINER',
  rshared: 'PROPAGATION_BIDIRECTIONAL', shared: 'PROPAGATION_BIDIRECTIONAL',
};

export function criContainersOf(records: Iterable<ContainerRecord>): ContainerRecord[] {
  return [...records].filter((record) => isCriContainer(record.Config.Labels));
}

/** An RFC 3339 time as Unix nanoseconds; Docker's zero time (never) is 0. */
export function nanosOf(time: string): string {
  if (!time || time === ZERO_TIME) return '0';
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? '0' : (BigInt(ms) * 1_000_000n).toString();
}

export function stateOf(record: ContainerRecord): ContainerState {
  switch (record.State.Status) {
    case 'created': return 'CONTAINER_CREATED';
    case 'running':
    case 'restarting': return 'CONTAINER_RUNNING';
    case 'exited':
    case 'dead': return 'CONTAINER_EXITED';
    case 'removing': return 'CONTAINER_UNKNOWN';
  }
}

export function attributesOf(record: ContainerRecord): ContainerAttributes {
  const data = criDataOf(record.Config.Labels ?? {});
  return { id: record.Id, metadata: { name: data.name, attempt: data.attempt }, labels: data.labels, annotations: data.annotations };
}

export function containerOf(record: ContainerRecord): Container {
  const data = criDataOf(record.Config.Labels ?? {});
  return {
    id: record.Id,
    pod_sandbox_id: data.sandboxId,
    metadata: { name: data.name, attempt: data.attempt },
    image: { image: record.Config.Image ?? record.Image },
    image_ref: record.Image,
    image_id: record.Image,
    state: stateOf(record),
    created_at: nanosOf(record.Created),
    labels: data.labels,
    annotations: data.annotations,
  };
}

export function containerStatusOf(record: ContainerRecord): ContainerStatus {
  const data = criDataOf(record.Config.Labels ?? {});
  const state = stateOf(record);
  const host = record.HostConfig;
  const num = (field: string): string => String(typeof host[field] === 'number' ? host[field] : 0);
  return {
    id: record.Id,
    metadata: { name: data.name, attempt: data.attempt },
    state,
    created_at: nanosOf(record.Created),
    started_at: state === 'CONTAINER_CREATED' ? '0' : nanosOf(record.State.StartedAt),
    finished_at: state === 'CONTAINER_EXITED' ? nanosOf(record.State.FinishedAt) : '0',
    exit_code: state === 'CONTAINER_EXITED' ? record.State.ExitCode : 0,
    image: { image: record.Config.Image ?? record.Image },
    image_ref: record.Image,
    image_id: record.Image,
    reason: reasonOf(record, state),
    message: state === 'CONTAINER_EXITED' ? record.State.Error : '',
    labels: data.labels,
    annotations: data.annotations,
    mounts: record.Mounts.map((mount) => ({
      container_path: mount.Destination, host_path: mount.Source, readonly: !mount.RW,
      propagation: PROPAGATION_BACK[mount.Propagation] ?? 'PROPAGATION_PRIVATE',
    })),
    log_path: data.logPath,
    resources: {
      linux: {
        cpu_period: num('CpuPeriod'), cpu_quota: num('CpuQuota'), cpu_shares: num('CpuShares'), memory_limit_in_bytes: num('Memory'),
        oom_score_adj: num('OomScoreAdj'), cpuset_cpus: String(host.CpusetCpus ?? ''), cpuset_mems: String(host.CpusetMems ?? ''),
        memory_swap_limit_in_bytes: num('MemorySwap'),
      },
    },
  };
}

/** containerd's reasons: OOMKilled, Completed (exit 0), Error; StartError when it never ran. */
function reasonOf(record: ContainerRecord, state: ContainerState): string {
  if (state !== 'CONTAINER_EXITED') return '';
  if (record.State.OOMKilled) return 'OOMKilled';
  if (record.State.StartedAt === ZERO_TIME && record.State.Error) return 'StartError';
  return record.State.ExitCode === 0 ? 'Completed' : 'Error';
}

/** ListContainers' filter: id and pod_sandbox_id by prefix, state exactly, every label selector key. */
export function matchesFilter(record: ContainerRecord, filter: ContainerFilter__Output | null | undefined): boolean {
  if (!filter) return true;
  const data = criDataOf(record.Config.Labels ?? {});
  if (filter.id && !record.Id.startsWith(filter.id)) return false;
  if (filter.pod_sandbox_id && !data.sandboxId.startsWith(filter.pod_sandbox_id)) return false;
  if (filter.state && filter.state.state !== stateOf(record)) return false;
  return Object.entries(filter.label_selector ?? {}).every(([key, value]) => data.labels[key] === value);
}
