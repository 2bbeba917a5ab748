// Docker HostConfig resource fields (in Docker's units) → OCI `linux.resources` and rlimits.
// Unknown or zero fields are left out, so "0 = unlimited/default" means the same as in Docker.

export interface OciResources {
  memory?: { limit?: number; reservation?: number; swap?: number; swappiness?: number; disableOOMKiller?: boolean };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string; mems?: string };
  pids?: { limit: number };
  blockIO?: { weight: number };
  devices?: Array<{ allow: boolean; type?: string; major?: number; minor?: number; access: string }>;
}

export interface OciRlimit {
  type: string;
  hard: number;
  soft: number;
}

const NANO_CPU_PERIOD_US = 100_000;

export function resourcesFromDocker(fields: Record<string, unknown>): OciResources {
  const num = (key: string): number | undefined => {
    const value = fields[key];
    return typeof value === 'number' && Number.isFinite(value) && value !== 0 ? value : undefined;
  };
  const str = (key: string): string | undefined => {
    const value = fields[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const out: OciResources = {};

  const memory = compact({
    limit: positive(num('Memory')),
    reservation: positive(num('MemoryReservation')),
    // Docker: MemorySwap is memory+swap, -1 = unlimited; OCI's swap has the same meaning.
    swap: num('MemorySwap'),
    swappiness: fields.MemorySwappiness === -1 ? undefined : nonNegative(fields.MemorySwappiness),
    disableOOMKiller: fields.OomKillDisable === true ? true : undefined,
  });
  if (memory) out.memory = memory;

  let quota = num('CpuQuota');
  let period = num('CpuPeriod');
  const nanoCpus = num('NanoCpus');
  if (nanoCpus !== undefined) {
    // --cpus=1.5 is NanoCpus=1.5e9: the same quota per 100 ms period Docker computes.
    period = NANO_CPU_PERIOD_US;
    quota = Math.round((nanoCpus * NANO_CPU_PERIOD_US) / 1e9);
  }
  const cpu = compact({ shares: positive(num('CpuShares')), quota, period, cpus: str('CpusetCpus'), mems: str('CpusetMems') });
  if (cpu) out.cpu = cpu;

  const pidsLimit = num('PidsLimit');
  if (pidsLimit !== undefined && pidsLimit > 0) out.pids = { limit: pidsLimit };
  const blkio = positive(num('BlkioWeight'));
  if (blkio !== undefined) out.blockIO = { weight: blkio };
  return out;
}

/** HostConfig.Ulimits ([{Name:"nofile",Soft,Hard}]) override the defaults of the same name. */
export function rlimitsFromDocker(fields: Record<string, unknown>, defaults: OciRlimit[]): OciRlimit[] {
  const byType = new Map(defaults.map((limit) => [limit.type, limit]));
  const ulimits = Array.isArray(fields.Ulimits) ? fields.Ulimits : [];
  for (const item of ulimits as Array<{ Name?: unknown; Soft?: unknown; Hard?: unknown }>) {
    if (typeof item?.Name !== 'string' || typeof item.Soft !== 'number' || typeof item.Hard !== 'number') continue;
    const type = `RLIMIT_${item.Name.toUpperCase()}`;
    byType.set(type, { type, soft: item.Soft, hard: item.Hard });
  }
  return [...byType.values()];
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

function compact<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}
