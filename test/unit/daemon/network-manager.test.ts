// Network records: the predefined three, create's checks (name, driver, subnet overlap with hookd's
// networks, bridge name), pool allocation, remove and prune refusing networks in use, and the
// daemon config's "network" section.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeError } from '../../../src/daemon/api/errors.ts';
import { parseDaemonConfig } from '../../../src/daemon/config.ts';
import { EventBus } from '../../../src/daemon/events.ts';
import { NetworkManager } from '../../../src/daemon/network/network-manager.ts';
import type { NetworkRecord } from '../../../src/daemon/network/network-record.ts';
import { MemoryStore, silentLogger } from './containers-fakes.ts';

// 10.253.x: far from the host's own routes on any test machine (the host's routes count as taken too).
const settings = { enabled: true, bridgeName: 'hkunit0', subnet: '10.253.0.0/24', pool: '10.253.16.0/20', cniPath: ['/usr/lib/cni'], netnsDir: '/nonexistent/netns', cniDir: '/nonexistent/cni' };

async function manager(users: (network: NetworkRecord) => string[] = () => []): Promise<{ networks: NetworkManager; store: MemoryStore<NetworkRecord> }> {
  const store = new MemoryStore<NetworkRecord>();
  const networks = new NetworkManager({ store, settings, events: new EventBus(), logger: silentLogger });
  networks.setUsageLookup(users);
  await networks.load();
  return { networks, store };
}

// The status the API answers with: managers throw domain errors, api/errors.ts maps them.
const status = (code: number, message: RegExp) => (error: unknown): boolean => error instanceof Error && describeError(error).status === code && message.test(error.message);

test('bridge, host and none exist after load; bridge follows the configured subnet and bridge name', async () => {
  const { networks, store } = await manager();
  assert.deepEqual(networks.list().map((n) => [n.Name, n.Driver]), [['bridge', 'bridge'], ['host', 'host'], ['none', 'null']]);
  const bridge = networks.get('bridge');
  assert.deepEqual(bridge.IPAM.Config, [{ Subnet: '10.253.0.0/24', Gateway: '10.253.0.1' }]);
  assert.equal(bridge.HookdCni?.bridge, 'hkunit0');
  assert.deepEqual(bridge.HookdCni?.conflist.plugins.map((p) => p.type), ['bridge', 'portmap', 'firewall', 'tuning', 'bandwidth']);
  assert.equal(store.records.size, 3, 'persisted');
  assert.equal(networks.get(bridge.Id.slice(0, 12)), bridge, 'found by id prefix');
});

test('create takes the first free /24 of the pool, or the given subnet; each bad request is refused and stores nothing', async () => {
  const { networks, store } = await manager();
  const first = await networks.create({ Name: 'front' });
  assert.equal(first.IPAM.Config[0]?.Subnet, '10.253.16.0/24');
  assert.equal(first.HookdCni?.bridge, `hk-${first.Id.slice(0, 12)}`);
  const second = await networks.create({ Name: 'back', IPAM: { Config: [{ Subnet: '10.253.40.0/24', Gateway: '10.253.40.254' }] }, Options: { 'com.docker.network.bridge.name': 'hkunitback' } });
  assert.deepEqual(second.IPAM.Config, [{ Subnet: '10.253.40.0/24', Gateway: '10.253.40.254' }]);
  const before = store.records.size;
  await assert.rejects(networks.create({ Name: 'clash', IPAM: { Config: [{ Subnet: '10.253.40.128/25' }] } }), status(400, /overlaps 10\.253\.40\.0\/24 of network back/));
  await assert.rejects(networks.create({ Name: 'clash2', IPAM: { Config: [{ Subnet: '10.253.0.0/23' }] } }), status(400, /overlaps 10\.253\.0\.0\/24 of network bridge/));
  await assert.rejects(networks.create({ Name: 'front' }), status(409, /already exists/));
  await assert.rejects(networks.create({ Name: 'host' }), status(409, /pre-defined/));
  await assert.rejects(networks.create({ Name: 'x', Driver: 'overlay' }), status(400, /driver "overlay" is not supported/));
  await assert.rejects(networks.create({ Name: '-bad' }), status(400, /invalid network name/));
  await assert.rejects(networks.create({ Name: 'gw', IPAM: { Config: [{ Subnet: '10.253.50.0/24', Gateway: '10.9.9.9' }] } }), status(400, /Gateway "10\.9\.9\.9" is not an address in 10\.253\.50\.0\/24/));
  await assert.rejects(networks.create({ Name: 'hostbits', IPAM: { Config: [{ Subnet: '10.253.60.1/24' }] } }), status(400, /host bits set/));
  await assert.rejects(networks.create({ Name: 'br', Options: { 'com.docker.network.bridge.name': 'hkunitback' } }), status(409, /bridge hkunitback is already used by network back/));
  assert.equal(store.records.size, before, 'no refused request stored anything');
});

test('remove and prune leave predefined networks and networks in use alone', async () => {
  const inUse = new Set<string>();
  const { networks } = await manager((network) => (inUse.has(network.Name) ? ['c'.repeat(64)] : []));
  await networks.create({ Name: 'busy' });
  await networks.create({ Name: 'idle' });
  inUse.add('busy');
  await assert.rejects(networks.remove('bridge'), status(409, /pre-defined/));
  await assert.rejects(networks.remove('busy'), status(409, /has active endpoints \(containers cccccccccccc\)/));
  await assert.rejects(networks.remove('nope'), status(404, /network nope not found/));
  assert.deepEqual(await networks.prune(), ['idle']);
  assert.deepEqual(networks.list().map((n) => n.Name), ['bridge', 'busy', 'host', 'none']);
});

test('the config\'s network section is checked field by field', () => {
  const config = parseDaemonConfig({ dataRoot: 'd', pluginsDir: 'p', network: { bridgeName: 'br0', subnet: '10.1.0.0/16', cniPath: ['cni'] } }, '/etc/hookd/hookd.json');
  assert.deepEqual(config.network, { bridgeName: 'br0', subnet: '10.1.0.0/16', cniPath: ['/etc/hookd/cni'] });
  assert.throws(() => parseDaemonConfig({ dataRoot: 'd', pluginsDir: 'p', network: { subnet: '10.1.0.1/16' } }, '/x.json'), /field "network\.subnet" .*host bits set/);
  assert.throws(() => parseDaemonConfig({ dataRoot: 'd', pluginsDir: 'p', network: { bridgeName: 'a-name-that-is-too-long' } }, '/x.json'), /field "network\.bridgeName"/);
  assert.throws(() => parseDaemonConfig({ dataRoot: 'd', pluginsDir: 'p', network: { subnets: [] } }, '/x.json'), /field "network\.subnets" is not a known field/);
});
