// Puts a container on its networks and takes it off again, in the order CNI runtimes use:
//   attach: netns file → loopback → each network's list (ADD; preferred network first: eth0 and the
//           default route) → result cache → /etc files. Any failure detaches what was made and throws.
//   detach: each cached attachment (DEL, last interface first) → netns file. A DEL that fails keeps
//           its cache entry and the namespace, so reconcile can try again.
//   reconcile (daemon start): DEL every cached attachment and remove every netns file whose
//           container is not running any more (or has no record).
// Errors a client caused (a taken address) are 409s naming the address; other CNI failures are
// 500s naming the plugin.

import { join } from 'node:path';
import type { Logger } from 'pino';
import { conflict, invalidParameter, systemError } from '../errors.ts';
import { addNetworkList, delNetworkList, type CniResult } from './cni-chain.ts';
import { CniError } from './cni-exec.ts';
import { readAllCached, readCachedFor, removeCached, writeCached, type CachedAttachment } from './cni-cache.ts';
import { loopbackConfList, withDefaultRoute, withoutIdlePlugins } from './conflist.ts';
import { cniInputsOf, type AppliedFrom } from './attachment-params.ts';
import type { NetworkManager } from './network-manager.ts';
import { createNetns, listNetns, netnsPathOf, removeNetns } from './netns.ts';
import type { PortMapping } from './port-bindings.ts';
import { parseSubnet } from './subnets.ts';

export interface EndpointRequest {
  network: string;
  priority: number;
  /** The container's own --ip / --mac-address for this network. */
  ip?: string;
  mac?: string;
  genericParams: Record<string, unknown>;
}

/** What one attachment gave the container (becomes NetworkSettings.Networks[network]). */
export interface AttachedEndpoint {
  network: string;
  networkId: string;
  ifName: string;
  ipAddress: string;
  prefixLen: number;
  gateway: string;
  mac: string;
  isDefaultRoute: boolean;
  plugins: string[];
  applied: AppliedFrom;
  portMappings: PortMapping[];
}

export class NetworkAttacher {
  readonly #networks: NetworkManager;
  readonly #logger: Logger;

  constructor(networks: NetworkManager, logger: Logger) {
    this.#networks = networks;
    this.#logger = logger;
  }

  get #settings() {
    return this.#networks.settings;
  }

  get #cacheDir(): string {
    return join(this.#settings.cniDir, 'results');
  }

  /** A fresh namespace with `lo` up; for --network none and as the first step of attach. */
  async createNamespace(containerId: string): Promise<string> {
    const netns = await createNetns(this.#settings.netnsDir, containerId);
    try {
      await addNetworkList(loopbackConfList(), { containerId, netns, ifName: 'lo', args: [], runtimeConfig: {} }, this.#settings.cniPath);
    } catch (error) {
      await removeNetns(netns);
      throw error;
    }
    return netns;
  }

  /**
   * Attaches the container to `endpoints` (already ordered: the first gets eth0 and the default
   * route, and the port mappings). On failure nothing stays: every attachment made is deleted.
   */
  async attach(containerId: string, endpoints: EndpointRequest[], portMappings: PortMapping[]): Promise<{ netns: string; attached: AttachedEndpoint[] }> {
    const netns = await this.createNamespace(containerId);
    const attached: AttachedEndpoint[] = [];
    try {
      for (const [index, request] of endpoints.entries()) {
        attached.push(await this.#attachOne(containerId, netns, `eth${index}`, request, index === 0, index === 0 ? portMappings : []));
      }
    } catch (error) {
      await this.detach(containerId).catch((cleanup: unknown) => this.#logger.error({ err: cleanup, container: containerId }, 'cleaning up after a failed attach failed; reconcile will retry'));
      throw error;
    }
    return { netns, attached };
  }

  /** One more network for a running container (docker network connect). */
  async attachRunning(containerId: string, request: EndpointRequest): Promise<AttachedEndpoint> {
    const used = new Set((await readCachedFor(this.#cacheDir, containerId)).map((entry) => entry.params.ifName));
    let index = 0;
    while (used.has(`eth${index}`)) index += 1;
    const netns = netnsPathOf(this.#settings.netnsDir, containerId);
    return this.#attachOne(containerId, netns, `eth${index}`, request, false, []);
  }

  async #attachOne(containerId: string, netns: string, ifName: string, request: EndpointRequest, isDefaultRoute: boolean, portMappings: PortMapping[]): Promise<AttachedEndpoint> {
    const network = this.#networks.get(request.network);
    if (!network.HookdCni) throw invalidParameter(`network ${network.Name} (driver ${network.Driver}) cannot be joined together with other networks`);
    const subnetText = network.IPAM.Config[0]?.Subnet ?? '';
    const parsed = parseSubnet(subnetText);
    const subnet = 'error' in parsed ? undefined : parsed;
    const inputs = cniInputsOf({
      ...(request.ip ? { ip: request.ip } : {}),
      ...(request.mac ? { mac: request.mac } : {}),
      portMappings, genericParams: request.genericParams, subnet,
    });
    const list = withoutIdlePlugins(isDefaultRoute ? withDefaultRoute(network.HookdCni.conflist) : network.HookdCni.conflist, inputs.runtimeConfig);
    const params = { containerId, netns, ifName, args: inputs.args, runtimeConfig: inputs.runtimeConfig };
    let result: CniResult;
    try {
      result = await addNetworkList(list, params, this.#settings.cniPath);
    } catch (error) {
      throw describeCniFailure(error, network.Name, inputs.runtimeConfig);
    }
    const entry: CachedAttachment = { kind: 'hookd-cni-attachment/v1', network: network.Name, networkId: network.Id, params, list, result };
    try {
      await writeCached(this.#cacheDir, entry);
    } catch (error) {
      await delNetworkList(list, params, this.#settings.cniPath, result).catch(() => undefined); // the write error is the one to report
      throw error;
    }
    return summarize(entry, isDefaultRoute, (inputs.runtimeConfig.portMappings as PortMapping[] | undefined) ?? [], inputs.applied);
  }

  /** Takes the container off every network it is on, then removes its namespace. */
  async detach(containerId: string): Promise<void> {
    const entries = (await readCachedFor(this.#cacheDir, containerId)).sort((a, b) => b.params.ifName.localeCompare(a.params.ifName));
    let failed = false;
    for (const entry of entries) failed = !(await this.#delete(entry)) || failed;
    if (!failed) await removeNetns(netnsPathOf(this.#settings.netnsDir, containerId));
  }

  /** Takes a running container off one network (docker network disconnect). */
  async detachOne(containerId: string, networkId: string): Promise<void> {
    for (const entry of await readCachedFor(this.#cacheDir, containerId)) {
      if (entry.networkId === networkId && !(await this.#delete(entry))) throw systemError(`CNI DEL for network ${entry.network} failed; see the daemon log`);
    }
  }

  /** Daemon start: everything of containers that are not running goes. Returns what was cleaned. */
  async reconcile(isRunning: (containerId: string) => boolean): Promise<{ attachments: number; namespaces: number }> {
    const { entries, unreadable } = await readAllCached(this.#cacheDir);
    for (const name of unreadable) this.#logger.error({ file: join(this.#cacheDir, name) }, 'CNI cache entry is unreadable; left for an operator');
    let attachments = 0;
    for (const entry of entries) {
      if (isRunning(entry.params.containerId)) continue;
      if (await this.#delete(entry)) attachments += 1;
    }
    let namespaces = 0;
    const stillCached = new Set((await readAllCached(this.#cacheDir)).entries.map((entry) => entry.params.containerId));
    for (const id of await listNetns(this.#settings.netnsDir)) {
      if (isRunning(id) || stillCached.has(id)) continue;
      await removeNetns(netnsPathOf(this.#settings.netnsDir, id));
      namespaces += 1;
    }
    if (attachments + namespaces > 0) this.#logger.info({ attachments, namespaces }, 'reconcile removed network state of containers that are not running');
    return { attachments, namespaces };
  }

  async #delete(entry: CachedAttachment): Promise<boolean> {
    try {
      await delNetworkList(entry.list, entry.params, this.#settings.cniPath, entry.result);
      await removeCached(this.#cacheDir, entry.params.containerId, entry.params.ifName);
      return true;
    } catch (error) {
      this.#logger.error({ err: error, container: entry.params.containerId, network: entry.network }, 'CNI DEL failed; the cache entry is kept for reconcile');
      return false;
    }
  }
}

function summarize(entry: CachedAttachment, isDefaultRoute: boolean, portMappings: PortMapping[], applied: AppliedFrom): AttachedEndpoint {
  const interfaces = entry.result.interfaces ?? [];
  const inside = interfaces.findIndex((iface) => iface.name === entry.params.ifName && iface.sandbox);
  const ip = (entry.result.ips ?? []).find((candidate) => candidate.interface === undefined || candidate.interface === inside) ?? entry.result.ips?.[0];
  const [address = '', prefix = '0'] = (ip?.address ?? '').split('/');
  return {
    network: entry.network, networkId: entry.networkId, ifName: entry.params.ifName,
    ipAddress: address, prefixLen: Number(prefix), gateway: ip?.gateway ?? '', mac: interfaces[inside]?.mac ?? '',
    isDefaultRoute, plugins: entry.list.plugins.map((plugin) => plugin.type), applied, portMappings,
  };
}

/** A taken static address is the client's problem (409); anything else names the plugin (500). */
function describeCniFailure(error: unknown, network: string, runtimeConfig: Record<string, unknown>): Error {
  if (!(error instanceof CniError)) return error as Error;
  const ips = (runtimeConfig.ips as string[] | undefined) ?? [];
  const text = `${error.message} ${error.details}`;
  if (ips.length > 0 && /not available|already (allocated|reserved)|in use/i.test(text)) {
    return conflict(`address ${ips.map((ip) => ip.split('/')[0]).join(', ')} on network ${network} is already in use (${error.message})`);
  }
  if (/bind: address already in use|port .* in use/i.test(text)) return conflict(`a published port is already in use on the host (network ${network}: ${error.message})`);
  return systemError(`network ${network}: ${error.message}`, { cause: error });
}
