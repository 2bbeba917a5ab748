// PodSandboxStats and ListPodSandboxStats: a pod's usage is the sum of its running containers'
// cgroups (the infra's and every CRI container's: with or without a cgroup_parent, hookd gives
// each its own cgroup below it), its network the infra's netns interfaces (/proc/<pid>/net/dev of
// the infra, which every pod container shares). usage_nano_cores needs two samples over time and
// is left unset, as the kubelet computes it from usage_core_nano_seconds. A pod that is not
// running has attributes and no Linux stats.

import { readFile } from 'node:fs/promises';
import type { ContainerRecord } from '../../containers/container-record.ts';
import { readCgroupUsage, sumUsage, type CgroupUsage } from '../cgroup-stats.ts';
import type { CriDeps } from '../deps.ts';
import type { NetworkInterfaceUsage } from '../generated/types/runtime/v1/NetworkInterfaceUsage.ts';
import type { PodSandboxStats } from '../generated/types/runtime/v1/PodSandboxStats.ts';
import type { PodSandboxStatsFilter__Output } from '../generated/types/runtime/v1/PodSandboxStatsFilter.ts';
import { findInfra, podContainers } from './infra-container.ts';
import { nowNs } from './run-sandbox.ts';
import type { SandboxRecord } from './sandbox-store.ts';

export async function podSandboxStats(deps: CriDeps, id: string): Promise<PodSandboxStats> {
  return statsOf(deps, deps.sandboxes.get(id));
}

export async function listPodSandboxStats(deps: CriDeps, filter: PodSandboxStatsFilter__Output | null): Promise<PodSandboxStats[]> {
  const sandboxes = deps.sandboxes.list().filter((sandbox) => (!filter?.id || sandbox.id.startsWith(filter.id))
    && Object.entries(filter?.label_selector ?? {}).every(([key, value]) => sandbox.config.labels[key] === value));
  return Promise.all(sandboxes.map((sandbox) => statsOf(deps, sandbox)));
}

async function statsOf(deps: CriDeps, sandbox: SandboxRecord): Promise<PodSandboxStats> {
  const attributes = { id: sandbox.id, metadata: sandbox.config.metadata, labels: sandbox.config.labels, annotations: sandbox.config.annotations };
  const infra = findInfra(deps, sandbox.id);
  if (!infra?.State.Running) return { attributes, linux: null };
  const running = [infra, ...podContainers(deps, sandbox.id)].filter((record) => record.State.Running && record.State.Pid > 0);
  const usages = (await Promise.all(running.map((record: ContainerRecord) => readCgroupUsage(record.State.Pid)))).filter((usage): usage is CgroupUsage => usage !== undefined);
  const usage = sumUsage(usages);
  const timestamp = nowNs();
  const interfaces = await netdevOf(infra.State.Pid);
  const value = (n: bigint | undefined): { value: string } | null => (n === undefined ? null : { value: n.toString() });
  return {
    attributes,
    linux: {
      cpu: { timestamp, usage_core_nano_seconds: value(usage.cpuNs) },
      memory: {
        timestamp, working_set_bytes: value(usage.workingSetBytes), usage_bytes: value(usage.memoryUsageBytes), rss_bytes: value(usage.rssBytes),
        page_faults: value(usage.pageFaults), major_page_faults: value(usage.majorPageFaults),
      },
      network: { timestamp, default_interface: interfaces.find((i) => i.name === 'eth0') ?? null, interfaces },
      process: { timestamp, process_count: value(usage.processCount) },
      containers: [],
    },
  };
}

/** The interfaces of the netns process `pid` is in, except lo (/proc/<pid>/net/dev). */
async function netdevOf(pid: number): Promise<NetworkInterfaceUsage[]> {
  const text = await readFile(`/proc/${pid}/net/dev`, 'utf8').catch(() => '');
  const interfaces: NetworkInterfaceUsage[] = [];
  for (const line of text.split('\n').slice(2)) {
    const match = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!match || match[1] === 'lo') continue;
    // Receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets errs ...
    const fields = match[2]!.trim().split(/\s+/);
    interfaces.push({ name: match[1], rx_bytes: { value: fields[0] }, rx_errors: { value: fields[2] }, tx_bytes: { value: fields[8] }, tx_errors: { value: fields[10] } });
  }
  return interfaces;
}
