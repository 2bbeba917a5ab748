// ContainerStats from the container's cgroup (its path is the OCI spec's cgroupsPath:
// <CgroupParent or /hookd>/<id>). cgroup v1 (this project's CI hosts: hybrid, controllers on v1)
// reads cpuacct.usage and memory.usage_in_bytes/memory.stat; cgroup v2 reads cpu.stat and
// memory.current/memory.stat. Working set = usage - inactive file pages, as the kubelet computes it.
// A container that does not run has no cgroup: its figures are absent, its timestamps set.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRecord } from '../../containers/container-record.ts';
import type { ContainerStats } from '../generated/types/runtime/v1/ContainerStats.ts';
import { attributesOf } from './status-view.ts';

const CGROUP_ROOT = '/sys/fs/cgroup';

export function cgroupPathOf(record: ContainerRecord): string {
  const parent = typeof record.HostConfig.CgroupParent === 'string' && record.HostConfig.CgroupParent ? record.HostConfig.CgroupParent : '/hookd';
  return `${parent.replace(/\/+$/, '')}/${record.Id}`;
}

interface CgroupFigures {
  cpuNanos?: bigint;
  memoryUsage?: bigint;
  workingSet?: bigint;
  rss?: bigint;
  pageFaults?: bigint;
  majorPageFaults?: bigint;
}

export async function containerStatsOf(record: ContainerRecord, now = Date.now()): Promise<ContainerStats> {
  const timestamp = (BigInt(now) * 1_000_000n).toString();
  const figures = record.State.Running ? await readCgroup(cgroupPathOf(record)) : {};
  const value = (n: bigint | undefined): { value: string } | null => (n === undefined ? null : { value: n.toString() });
  return {
    attributes: attributesOf(record),
    cpu: { timestamp, usage_core_nano_seconds: value(figures.cpuNanos) },
    memory: {
      timestamp, working_set_bytes: value(figures.workingSet), usage_bytes: value(figures.memoryUsage), rss_bytes: value(figures.rss),
      page_faults: value(figures.pageFaults), major_page_faults: value(figures.majorPageFaults),
    },
    writable_layer: { timestamp, fs_id: { mountpoint: record.hookd.rootfs } },
  };
}

async function readCgroup(path: string): Promise<CgroupFigures> {
  const v1Cpu = await readNumber(join(CGROUP_ROOT, 'cpuacct', path, 'cpuacct.usage'));
  if (v1Cpu !== undefined) {
    const usage = await readNumber(join(CGROUP_ROOT, 'memory', path, 'memory.usage_in_bytes'));
    const stat = await readKeyed(join(CGROUP_ROOT, 'memory', path, 'memory.stat'));
    return figures(v1Cpu, usage, stat.total_inactive_file ?? stat.inactive_file, stat.total_rss ?? stat.rss, stat.total_pgfault ?? stat.pgfault, stat.total_pgmajfault ?? stat.pgmajfault);
  }
  const cpu = await readKeyed(join(CGROUP_ROOT, path, 'cpu.stat'));
  const usage = await readNumber(join(CGROUP_ROOT, path, 'memory.current'));
  const stat = await readKeyed(join(CGROUP_ROOT, path, 'memory.stat'));
  return figures(cpu.usage_usec === undefined ? undefined : cpu.usage_usec * 1000n, usage, stat.inactive_file, stat.anon, stat.pgfault, stat.pgmajfault);
}

function figures(cpuNanos?: bigint, usage?: bigint, inactiveFile?: bigint, rss?: bigint, pageFaults?: bigint, majorPageFaults?: bigint): CgroupFigures {
  const workingSet = usage === undefined ? undefined : usage > (inactiveFile ?? 0n) ? usage - (inactiveFile ?? 0n) : 0n;
  return { cpuNanos, memoryUsage: usage, workingSet, rss, pageFaults, majorPageFaults };
}

async function readNumber(file: string): Promise<bigint | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text !== undefined && /^\d+\s*$/.test(text) ? BigInt(text.trim()) : undefined;
}

async function readKeyed(file: string): Promise<Record<string, bigint>> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return Object.fromEntries(text.split('\n').map((line) => line.split(' ')).filter((parts) => parts.length === 2 && /^\d+$/.test(parts[1]!)).map(([key, n]) => [key!, BigInt(n!)]));
}
