// User and predefined networks: records through a RecordStore, Docker's create/inspect/remove/prune
// rules, and the checks that keep a bad request from leaving anything behind (validation happens
// before the record is written; a bridge is only made by CNI when a container joins).

import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { badRequest, conflict, notFound } from '../errors.ts';
import type { EventBus } from '../events.ts';
import type { RecordStore } from '../store/record-store.ts';
import { bridgeConfList } from './conflist.ts';
import type { NetworkSettings } from './network-settings.ts';
import { BRIDGE_NAME_OPTION, isPredefinedNetwork, type NetworkRecord } from './network-record.ts';
import { allocateSubnet, contains, defaultGateway, overlaps, parseIPv4, parseSubnet, type Subnet } from './subnets.ts';

const exec = promisify(execFile);

export interface NetworkManagerOptions {
  store: RecordStore<NetworkRecord>;
  settings: NetworkSettings;
  events: EventBus;
  logger: Logger;
}

export class NetworkManager {
  readonly #o: NetworkManagerOptions;
  readonly #networks = new Map<string, NetworkRecord>();
  /** Which containers are attached to a network (by id); set by the daemon once containers exist. */
  #usersOf: (network: NetworkRecord) => string[] = () => [];

  constructor(options: NetworkManagerOptions) {
    this.#o = options;
  }

  get settings(): NetworkSettings {
    return this.#o.settings;
  }

  setUsageLookup(usersOf: (network: NetworkRecord) => string[]): void {
    this.#usersOf = usersOf;
  }

  /** Loads the records and makes sure bridge/host/none exist (bridge follows the configured subnet). */
  async load(): Promise<void> {
    const { records, corrupt } = await this.#o.store.load();
    for (const entry of corrupt) this.#o.logger.error(entry, 'network record is corrupt; skipped');
    for (const record of records.values()) this.#networks.set(record.Id, record);
    const { bridgeName, subnet } = this.#o.settings;
    const parsed = parseSubnet(subnet);
    if ('error' in parsed) throw new Error(`network.subnet: ${parsed.error}`);
    const wanted = this.#bridgeRecord('bridge', stableId('bridge'), bridgeName, parsed, false, {}, { [BRIDGE_NAME_OPTION]: bridgeName });
    const current = this.#byName('bridge');
    // The predefined networks are three records with their own ids: written at once, so a first
    // start on a new data root waits for one durable write (two fsyncs), not three in a row.
    const writes: Array<Promise<void>> = [];
    if (!current || JSON.stringify(current.HookdCni) !== JSON.stringify(wanted.HookdCni)) {
      if (current) this.#networks.delete(current.Id);
      writes.push(this.#put({ ...wanted, Created: current?.Created ?? wanted.Created }));
    }
    for (const [name, driver] of [['host', 'host'], ['none', 'null']] as const) {
      if (!this.#byName(name)) writes.push(this.#put(this.#plainRecord(name, driver)));
    }
    await Promise.all(writes);
  }

  list(): NetworkRecord[] {
    return [...this.#networks.values()].sort((a, b) => a.Name.localeCompare(b.Name));
  }

  /** By full name, full id or unique id prefix (Docker's lookup order); 404 otherwise. */
  get(reference: string): NetworkRecord {
    const found = this.find(reference);
    if (!found) throw notFound(`network ${reference} not found`);
    return found;
  }

  find(reference: string): NetworkRecord | undefined {
    const byName = this.#byName(reference);
    if (byName) return byName;
    const exact = this.#networks.get(reference);
    if (exact) return exact;
    const prefixed = [...this.#networks.values()].filter((record) => reference.length > 0 && record.Id.startsWith(reference));
    return prefixed.length === 1 ? prefixed[0] : undefined;
  }

  /** POST /networks/create. Every check runs before anything is written. */
  async create(body: Record<string, unknown>): Promise<NetworkRecord> {
    const name = typeof body.Name === 'string' ? body.Name : '';
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) throw badRequest(`invalid network name ${JSON.stringify(body.Name ?? '')}: it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*`);
    if (isPredefinedNetwork(name)) throw conflict(`${name} is a pre-defined network and cannot be created`);
    if (this.#byName(name)) throw conflict(`network with name ${name} already exists`);
    const driver = body.Driver === undefined || body.Driver === '' ? 'bridge' : body.Driver;
    if (driver !== 'bridge') throw badRequest(`network driver ${JSON.stringify(driver)} is not supported: hookd creates "bridge" networks (CNI bridge plugin)`);
    const options = stringMap(body.Options, 'Options');
    const labels = stringMap(body.Labels, 'Labels');
    const ipam = (body.IPAM ?? {}) as { Config?: Array<Record<string, unknown>> };
    const configs = Array.isArray(ipam.Config) ? ipam.Config : [];
    if (configs.length > 1) throw badRequest('IPAM.Config: hookd bridge networks take one IPv4 subnet');
    const subnet = await this.#chooseSubnet(configs[0]);
    const gatewayText = configs[0]?.Gateway;
    if (gatewayText !== undefined && gatewayText !== '') {
      const gateway = parseIPv4(String(gatewayText));
      if (gateway === undefined || !contains(subnet, gateway)) throw badRequest(`IPAM.Config[0].Gateway ${JSON.stringify(gatewayText)} is not an address in ${subnet.text}`);
    }
    const id = randomBytes(32).toString('hex');
    const bridge = options[BRIDGE_NAME_OPTION] ?? `hk-${id.slice(0, 12)}`;
    if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(bridge)) throw badRequest(`Options["${BRIDGE_NAME_OPTION}"] ${JSON.stringify(bridge)} is not a valid Linux interface name (1-15 letters, digits, "_", ".", "-")`);
    const holder = this.list().find((record) => record.HookdCni?.bridge === bridge);
    if (holder) throw conflict(`bridge ${bridge} is already used by network ${holder.Name}`);
    const gateway = typeof gatewayText === 'string' && gatewayText !== '' ? gatewayText : undefined;
    const record = this.#bridgeRecord(name, id, bridge, subnet, body.Internal === true, labels, options, gateway);
    record.Attachable = body.Attachable === true;
    await this.#put(record);
    this.#o.events.publish('network', 'create', id, { name, type: 'bridge' });
    return record;
  }

  /** DELETE /networks/{id}: refused for predefined networks and while containers are attached. */
  async remove(reference: string): Promise<void> {
    const record = this.get(reference);
    if (isPredefinedNetwork(record.Name)) throw conflict(`${record.Name} is a pre-defined network and cannot be removed`);
    const users = this.#usersOf(record);
    if (users.length > 0) throw conflict(`error while removing network: network ${record.Name} id ${record.Id} has active endpoints (containers ${users.map((id) => id.slice(0, 12)).join(', ')})`);
    await this.#o.store.delete(record.Id);
    this.#networks.delete(record.Id);
    // CNI's bridge plugin makes the bridge on first use and never deletes it; the network's end is its end.
    if (record.HookdCni) await exec('ip', ['link', 'del', record.HookdCni.bridge]).catch(() => undefined); // never made (no container joined): nothing to delete
    this.#o.events.publish('network', 'destroy', record.Id, { name: record.Name, type: record.Driver });
  }

  /** POST /networks/prune: user networks no container uses. */
  async prune(): Promise<string[]> {
    const removed: string[] = [];
    for (const record of this.list()) {
      if (isPredefinedNetwork(record.Name) || this.#usersOf(record).length > 0) continue;
      await this.remove(record.Id);
      removed.push(record.Name);
    }
    return removed;
  }

  async #chooseSubnet(config: Record<string, unknown> | undefined): Promise<Subnet> {
    const taken = await this.#takenSubnets();
    if (config?.Subnet !== undefined && config.Subnet !== '') {
      const parsed = parseSubnet(String(config.Subnet));
      if ('error' in parsed) throw badRequest(`IPAM.Config[0].Subnet: ${parsed.error}`);
      const clash = taken.find((entry) => overlaps(entry.subnet, parsed));
      if (clash) throw badRequest(`IPAM.Config[0].Subnet ${parsed.text} overlaps ${clash.subnet.text} of ${clash.owner}; choose a subnet that overlaps no other network`);
      return parsed;
    }
    const pool = parseSubnet(this.#o.settings.pool);
    if ('error' in pool) throw new Error(`network.pool: ${pool.error}`);
    const free = allocateSubnet(pool, taken.map((entry) => entry.subnet));
    if (!free) throw conflict(`no free /24 left in the network pool ${pool.text}; give --subnet or remove unused networks`);
    return free;
  }

  /** hookd's own subnets, and the host's routes except through hookd's own bridges (docker0 included). */
  async #takenSubnets(): Promise<Array<{ subnet: Subnet; owner: string }>> {
    const taken: Array<{ subnet: Subnet; owner: string }> = [];
    const bridges = new Set<string>();
    for (const record of this.list()) {
      if (record.HookdCni) bridges.add(record.HookdCni.bridge);
      for (const config of record.IPAM.Config) {
        const parsed = parseSubnet(config.Subnet);
        if (!('error' in parsed)) taken.push({ subnet: parsed, owner: `network ${record.Name}` });
      }
    }
    for (const route of await hostRoutes()) {
      if (bridges.has(route.dev) || route.dst === 'default') continue;
      const parsed = parseSubnet(route.dst.includes('/') ? route.dst : `${route.dst}/32`);
      if (!('error' in parsed)) taken.push({ subnet: parsed, owner: `the host's route via ${route.dev}` });
    }
    return taken;
  }

  #bridgeRecord(
    name: string, id: string, bridge: string, subnet: Subnet, internal: boolean,
    labels: Record<string, string>, options: Record<string, string>, gateway = defaultGateway(subnet),
  ): NetworkRecord {
    return {
      ...this.#plainRecord(name, 'bridge', id),
      IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: subnet.text, Gateway: gateway }] },
      Internal: internal,
      Options: options,
      Labels: labels,
      HookdCni: { bridge, conflist: bridgeConfList({ name, bridge, subnet: subnet.text, gateway, internal, ipamDataDir: join(this.#o.settings.cniDir, 'ipam') }) },
    };
  }

  #plainRecord(name: string, driver: NetworkRecord['Driver'], id = stableId(name)): NetworkRecord {
    return {
      Name: name, Id: id, Created: new Date().toISOString(), Scope: 'local', Driver: driver, EnableIPv6: false,
      IPAM: { Driver: 'default', Options: {}, Config: [] }, Internal: false, Attachable: false, Ingress: false,
      ConfigFrom: { Network: '' }, ConfigOnly: false, Options: {}, Labels: {},
    };
  }

  #byName(name: string): NetworkRecord | undefined {
    return [...this.#networks.values()].find((record) => record.Name === name);
  }

  async #put(record: NetworkRecord): Promise<void> {
    await this.#o.store.put(record.Id, record);
    this.#networks.set(record.Id, record);
  }
}

/** Predefined networks get ids derived from their names: the same on every start. */
function stableId(name: string): string {
  return createHash('sha256').update(`hookd-network:${name}`).digest('hex');
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw badRequest(`${field} must be an object of strings`);
  }
  return { ...(value as Record<string, string>) };
}

async function hostRoutes(): Promise<Array<{ dst: string; dev: string }>> {
  try {
    const { stdout } = await exec('ip', ['-j', '-4', 'route', 'show']);
    return (JSON.parse(stdout) as Array<{ dst: string; dev: string }>).filter((route) => typeof route.dst === 'string');
  } catch {
    return []; // no iproute2: only hookd's own networks are checked
  }
}
