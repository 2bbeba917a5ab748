import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourcesFromDocker } from '../../../src/daemon/runtime/oci-resources.ts';
import { updateFlagsFor } from '../../../src/daemon/runtime/oci-cli.ts';

// Docker HostConfig fields → the `runc update` flags the runc runtime passes for a running container.
const table: Array<{ name: string; fields: Record<string, unknown>; flags: string[] }> = [
  { name: 'nothing set gives no flags', fields: {}, flags: [] },
  { name: 'zeros mean unset, as at create', fields: { Memory: 0, CpuShares: 0, CpusetCpus: '' }, flags: [] },
  { name: 'memory, reservation and swap', fields: { Memory: 67108864, MemoryReservation: 33554432, MemorySwap: -1 },
    flags: ['--memory', '67108864', '--memory-reservation', '33554432', '--memory-swap', '-1'] },
  { name: 'cpu shares, quota, period and cpuset', fields: { CpuShares: 512, CpuQuota: 50000, CpuPeriod: 100000, CpusetCpus: '0-1', CpusetMems: '0' },
    flags: ['--cpu-share', '512', '--cpu-quota', '50000', '--cpu-period', '100000', '--cpuset-cpus', '0-1', '--cpuset-mems', '0'] },
  { name: 'NanoCpus becomes quota per 100ms period', fields: { NanoCpus: 1.5e9 }, flags: ['--cpu-quota', '150000', '--cpu-period', '100000'] },
  { name: 'pids limit and blkio weight', fields: { PidsLimit: 64, BlkioWeight: 300 }, flags: ['--pids-limit', '64', '--blkio-weight', '300'] },
  { name: 'what runc cannot change live is left out', fields: { MemorySwappiness: 10, OomKillDisable: true }, flags: [] },
];

for (const row of table) {
  test(`runc update flags: ${row.name}`, () => {
    assert.deepEqual(updateFlagsFor(resourcesFromDocker(row.fields)), row.flags);
  });
}
