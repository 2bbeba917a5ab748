// A container's networking around its start and exit, for the runc runtime (the process runtime
// cannot isolate, so it gets none of this). By network mode:
//   host             no namespace; copies of the host's /etc files
//   none             its own namespace with only `lo`
//   container:<id>   the other container's namespace and /etc files (it must be running)
//   <network>[, ...] its own namespace, attached to each network through CNI (network-attacher.ts)
// The endpoints come from container.preCreateEndpoint (endpoints.ts); the highest Priority gets
// eth0, the default route and the published ports. Results land in NetworkSettings (Docker's shape
// plus HookdCni: which CNI plugins ran and where each input came from, plugin names included).

import type { ProvenanceEntry } from '../../host/index.ts';
import { badRequest, conflict } from '../errors.ts';
import { etcFilesOf, writeEtcFiles, writeHostModeFiles, type EtcFiles } from '../network/etc-files.ts';
import type { AttachedEndpoint, NetworkAttacher } from '../network/network-attacher.ts';
import type { NetworkManager } from '../network/network-manager.ts';
import { allocateHostPorts, portsView, requestedPortMappings } from '../network/port-bindings.ts';
import type { ContainerRecord, EndpointState } from './container-record.ts';
import { containerDirOf } from './create-container.ts';
import { isUserDefinedNetwork, networkModeOf, networkNamesOf } from './endpoints.ts';

export interface ContainerNetworking {
  networks: NetworkManager;
  attacher: NetworkAttacher;
  dataRoot: string;
  /** Container lookup for container:<id> and for peers' names. */
  find(reference: string): ContainerRecord | undefined;
  all(): Iterable<ContainerRecord>;
}

export interface NetworkSetup {
  /** The namespace the container joins; undefined = the host's. */
  netnsPath: string | undefined;
  files: EtcFiles;
}

/** Sets up the network of a container about to start; on failure nothing is left. */
export async function setUpNetwork(net: ContainerNetworking, record: ContainerRecord): Promise<NetworkSetup> {
  const mode = networkModeOf(record);
  const dir = containerDirOf(net.dataRoot, record.Id);
  const extraHosts = (record.HostConfig.ExtraHosts as string[] | undefined) ?? [];
  if (mode === 'host') return { netnsPath: undefined, files: await writeHostModeFiles(dir, extraHosts) };
  if (mode.startsWith('container:')) {
    const other = net.find(mode.slice('container:'.length));
    if (!other || !other.State.Running || !other.NetworkSettings.SandboxKey) throw conflict(`cannot join the network of container ${mode.slice(10)}: it is not running`);
    return { netnsPath: other.NetworkSettings.SandboxKey, files: etcFilesOf(containerDirOf(net.dataRoot, other.Id)) };
  }
  const base = { hostname: record.Config.Hostname || record.Id.slice(0, 12), domainname: record.Config.Domainname ?? '', extraHosts, ...dnsOf(record) };
  if (mode === 'none') {
    const netnsPath = await net.attacher.createNamespace(record.Id);
    record.NetworkSettings.SandboxKey = netnsPath;
    return { netnsPath, files: await writeEtcFiles(dir, { ...base, addresses: [], peers: [], resolverNetworks: [] }) };
  }
  const names = networkNamesOf(record).sort((a, b) => (record.NetworkSettings.Networks[b]?.Priority ?? 0) - (record.NetworkSettings.Networks[a]?.Priority ?? 0) || a.localeCompare(b));
  const requests = names.map((name) => {
    const state = record.NetworkSettings.Networks[name]!;
    const ip = (state.IPAMConfig as { IPv4Address?: string } | undefined)?.IPv4Address;
    // EndpointsConfig.MacAddress is a request until the first attach overwrites MacAddress with the real one.
    if (state.HookdRequestedMac === undefined) state.HookdRequestedMac = state.MacAddress || '';
    const mac = (state.HookdRequestedMac as string) || (name === names[0] ? record.Config.MacAddress as string | undefined : undefined);
    return { network: net.networks.get(name).Name, priority: state.Priority, genericParams: state.GenericParams, ...(ip ? { ip } : {}), ...(mac ? { mac } : {}) };
  });
  const ports = await allocateHostPorts(requestedPortMappings(record.HostConfig, record.Config.ExposedPorts));
  const { netns, attached } = await net.attacher.attach(record.Id, requests, ports);
  try {
    recordAttachments(record, netns, attached);
    const resolverNetworks = attached.filter((a) => record.NetworkSettings.Networks[a.network]?.DisableResolver === false).map((a) => a.network);
    const files = await writeEtcFiles(dir, { ...base, addresses: attached.map((a) => a.ipAddress).filter(Boolean), peers: peersOf(net, record, resolverNetworks), resolverNetworks });
    return { netnsPath: netns, files };
  } catch (error) {
    await net.attacher.detach(record.Id);
    throw error;
  }
}

/** Teardown after exit or a failed start: CNI DEL for every attachment, then the namespace. */
export async function tearDownNetwork(net: ContainerNetworking, record: ContainerRecord): Promise<void> {
  await net.attacher.detach(record.Id);
  clearAttachments(record);
}

/** Checks at create: the networks exist, the mode is one Docker knows, ports/hosts/dns are well-formed. */
export function validateNetworkConfig(net: Pick<ContainerNetworking, 'networks' | 'find'> | undefined, record: ContainerRecord): void {
  const mode = networkModeOf(record);
  requestedPortMappings(record.HostConfig, record.Config.ExposedPorts);
  ((record.HostConfig.ExtraHosts as unknown[] | undefined) ?? []).forEach((entry, i) => {
    if (typeof entry !== 'string' || !/^[^:\s]+:[0-9a-fA-F.:]+$/.test(entry)) throw badRequest(`HostConfig.ExtraHosts[${i}] ${JSON.stringify(entry)} must be "host:ip"`);
  });
  ((record.HostConfig.Dns as unknown[] | undefined) ?? []).forEach((entry, i) => {
    if (typeof entry !== 'string' || !/^[0-9a-fA-F.:]+$/.test(entry)) throw badRequest(`HostConfig.Dns[${i}] ${JSON.stringify(entry)} is not an IP address`);
  });
  if (!net || mode === 'host' || mode === 'none') return;
  if (mode.startsWith('container:')) {
    const reference = mode.slice('container:'.length);
    const other = net.find(reference);
    if (!other) throw badRequest(`HostConfig.NetworkMode ${mode}: no such container: ${reference}`);
    if (other.Id === record.Id) throw badRequest(`HostConfig.NetworkMode ${mode}: a container cannot join its own network namespace`);
    if (record.Config.Hostname && record.Config.Hostname !== record.Id.slice(0, 12)) throw badRequest('conflicting options: hostname and the network mode container:<id>');
    return;
  }
  for (const name of networkNamesOf(record)) {
    const network = net.networks.find(name);
    // 400, not 404: the docker CLI takes a 404 from create for a missing image and would try to pull.
    if (!network) throw badRequest(`network ${name} not found`);
    if (!network.HookdCni) throw badRequest(`network ${name} (driver ${network.Driver}) cannot be combined with other networks; use --network ${name} alone`);
  }
}

function dnsOf(record: ContainerRecord): { dns: string[]; dnsSearch: string[]; dnsOptions: string[] } {
  const list = (field: string): string[] => ((record.HostConfig[field] as string[] | undefined) ?? []).filter((v) => typeof v === 'string');
  return { dns: list('Dns'), dnsSearch: list('DnsSearch'), dnsOptions: list('DnsOptions') };
}

function peersOf(net: ContainerNetworking, record: ContainerRecord, networks: string[]): Array<{ name: string; address: string; network: string }> {
  const peers: Array<{ name: string; address: string; network: string }> = [];
  for (const other of net.all()) {
    if (other.Id === record.Id || !other.State.Running) continue;
    for (const network of networks) {
      const address = other.NetworkSettings.Networks[network]?.IPAddress;
      if (address && isUserDefinedNetwork(network)) peers.push({ name: other.Name.slice(1), address, network });
    }
  }
  return peers;
}

function recordAttachments(record: ContainerRecord, netns: string, attached: AttachedEndpoint[]): void {
  const settings = record.NetworkSettings;
  settings.SandboxKey = netns;
  settings.Ports = portsView(attached.flatMap((a) => a.portMappings), record.Config.ExposedPorts);
  for (const endpoint of attached) {
    const state = settings.Networks[endpoint.network]!;
    Object.assign(state, {
      NetworkID: endpoint.networkId, IPAddress: endpoint.ipAddress, IPPrefixLen: endpoint.prefixLen,
      Gateway: endpoint.gateway, MacAddress: endpoint.mac,
      HookdCni: {
        interface: endpoint.ifName, defaultRoute: endpoint.isDefaultRoute, plugins: endpoint.plugins,
        applied: namePlugins(endpoint.applied, state.HookdProvenance as ProvenanceEntry[] | undefined),
      },
    } satisfies Partial<EndpointState>);
  }
  const primary = attached[0];
  Object.assign(settings, {
    IPAddress: primary?.ipAddress ?? '', IPPrefixLen: primary?.prefixLen ?? 0, Gateway: primary?.gateway ?? '', MacAddress: primary?.mac ?? '',
  });
}

/** "GenericParams.<key>" sources become "plugin <name> (GenericParams.<key>)" using the hook's provenance. */
function namePlugins(applied: Record<string, string>, provenance: ProvenanceEntry[] | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(applied).map(([input, source]) => {
    if (!source.startsWith('GenericParams.')) return [input, source];
    const key = source.slice('GenericParams.'.length);
    const entry = (provenance ?? []).filter((p) => p.path === '$' || p.path === 'GenericParams' || p.path.startsWith(`GenericParams[${key}]`)).at(-1);
    return [input, entry ? `plugin ${entry.plugin} (${source})` : source];
  }));
}

function clearAttachments(record: ContainerRecord): void {
  const settings = record.NetworkSettings;
  Object.assign(settings, { SandboxKey: '', Ports: {}, IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '' });
  for (const state of Object.values(settings.Networks)) {
    Object.assign(state, { IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: (state.HookdRequestedMac as string | undefined) ?? '' });
    delete state.HookdCni;
  }
}
