// A running container's resource usage from its cgroup, for the CRI's stats RPCs (pod stats here;
// container stats can use the same reader). The cgroup is found through /proc/<pid>/cgroup of the
// container's init, so it works wherever runc put it (/hookd/<id>, <cgroup_parent>/<id>) and on
// cgroup v1 (a path per controller) and v2 (one unified path). A value a host does not provide is
// left undefined, never guessed.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CgroupUsage {
  /** Cumulative CPU time in nanoseconds. */
  cpuNs?: bigint;
  memoryUsageBytes?: bigint;
  /** Usage minus inactive file pages: what the kubelet evicts on. */
  workingSetBytes?: bigint;
  rssBytes?: bigint;
  pageFaults?: bigint;
  majorPageFaults?: bigint;
  processCount?: bigint;
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Usage of the cgroup that process `pid` is in; undefined when the process is gone. */
export async function readCgroupUsage(pid: number): Promise<CgroupUsage | undefined> {
  const text = await readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const paths = new Map<string, string>();
  // "<hierarchy>:<controllers>:<path>"; v2's line has no controllers ("0::/hookd/<id>").
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    for (const controller of controllers === '' ? ['unified'] : controllers.split(',')) paths.set(controller, line.slice(second + 1));
  }
  return paths.has('memory') ? readV1(paths) : readV2(paths.get('unified') ?? '/');
}

async function readV1(paths: Map<string, string>): Promise<CgroupUsage> {
  const dir = (controller: string): string => join(CGROUP_ROOT, controller, paths.get(controller) ?? '/');
  const memoryStat = await readKeyValues(join(dir('memory'), 'memory.stat'));
  const usage = await readNumber(join(dir('memory'), 'memory.usage_in_bytes'));
  const inactiveFile = memoryStat.get('total_inactive_file');
  return {
    cpuNs: await readNumber(join(dir('cpuacct'), 'cpuacct.usage')),
    memoryUsageBytes: usage,
    workingSetBytes: workingSet(usage, inactiveFile),
    rssBytes: memoryStat.get('total_rss'),
    pageFaults: memoryStat.get('total_pgfault'),
    majorPageFaults: memoryStat.get('total_pgmajfault'),
    processCount: paths.has('pids') ? await readNumber(join(dir('pids'), 'pids.current')) : undefined,
  };
}

async function readV2(path: string): Promise<CgroupUsage> {
  const dir = join(CGROUP_ROOT, path);
  const memoryStat = await readKeyValues(join(dir, 'memory.stat'));
  const usage = await readNumber(join(dir, 'memory.current'));
  const cpuUsec = (await readKeyValues(join(dir, 'cpu.stat'))).get('usage_usec');
  return {
    cpuNs: cpuUsec === undefined ? undefined : cpuUsec * 1000n,
    memoryUsageBytes: usage,
    workingSetBytes: workingSet(usage, memoryStat.get('inactive_file')),
    rssBytes: memoryStat.get('anon'),
    pageFaults: memoryStat.get('pgfault'),
    majorPageFaults: memoryStat.get('pgmajfault'),
    processCount: await readNumber(join(dir, 'pids.current')),
  };
}

function workingSet(usage: bigint | undefined, inactiveFile: bigint | undefined): bigint | undefined {
  if (usage === undefined) return undefined;
  const inactive = inactiveFile ?? 0n;
  return usage > inactive ? usage - inactive : 0n;
}

async function readNumber(file: string): Promise<bigint | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text !== undefined && /^\d+\s*$/.test(text) ? BigInt(text.trim()) : undefined;
}

async function readKeyValues(file: string): Promise<Map<string, bigint>> {
  const values = new Map<string, bigint>();
  const text = await readFile(file, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const [key, value] = line.split(' ');
    if (key && value && /^\d+$/.test(value)) values.set(key, BigInt(value));
  }
  return values;
}

/** Sums usages (a pod's containers); a field stays undefined only if every part lacks it. */
export function sumUsage(parts: CgroupUsage[]): CgroupUsage {
  const total: CgroupUsage = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part) as Array<[keyof CgroupUsage, bigint | undefined]>) {
      if (value !== undefined) total[key] = (total[key] ?? 0n) + value;
    }
  }
  return total;
}
