// The CNI configuration list of a bridge network, built from the network record's subnet and
// bridge name, with the reference plugins in this order:
//   bridge (+ host-local IPAM)  the veth pair, the bridge, the address; `ips` capability for static IPs
//   portmap                     published ports (`portMappings` capability), DNAT incl. 127.0.0.1
//   firewall                    lets the container's traffic through the FORWARD chain (Docker's
//                               own rules set its policy to DROP)
//   tuning                      the MAC address (`mac` capability) and sysctls
//   bandwidth                   rate limits (`bandwidth` capability); a no-op without one
// One list per network, stored in its record; what varies per container goes in runtimeConfig and
// CNI_ARGS (attachment-params.ts), except the default route, which only the container's preferred
// network gets (withDefaultRoute).

import type { ConfList } from './cni-chain.ts';

export const CNI_VERSION = '1.0.0';

export interface BridgeListOptions {
  name: string;
  bridge: string;
  subnet: string;
  gateway: string;
  /** --internal: no masquerading (no way out through the host). */
  internal: boolean;
  /** host-local's lease directory (one per daemon, so daemons never share leases). */
  ipamDataDir: string;
}

export function bridgeConfList(options: BridgeListOptions): ConfList {
  return {
    cniVersion: CNI_VERSION,
    name: options.name,
    plugins: [
      {
        type: 'bridge',
        bridge: options.bridge,
        isGateway: true,
        ipMasq: !options.internal,
        hairpinMode: true,
        capabilities: { ips: true },
        ipam: { type: 'host-local', ranges: [[{ subnet: options.subnet, gateway: options.gateway }]], dataDir: options.ipamDataDir },
      },
      { type: 'portmap', snat: true, capabilities: { portMappings: true } },
      { type: 'firewall', backend: 'iptables' },
      { type: 'tuning', capabilities: { mac: true } },
      { type: 'bandwidth', capabilities: { bandwidth: true } },
    ],
  };
}

/** The list with a default route through this network's gateway (host-local's `routes`). */
export function withDefaultRoute(list: ConfList): ConfList {
  return {
    ...list,
    plugins: list.plugins.map((plugin) => {
      const ipam = plugin.ipam as Record<string, unknown> | undefined;
      if (plugin.type !== 'bridge' || !ipam) return plugin;
      return { ...plugin, ipam: { ...ipam, routes: [{ dst: '0.0.0.0/0' }] } };
    }),
  };
}

/** Reference plugins that do nothing unless runtimeConfig gives them one of their capabilities. */
const IDLE_WITHOUT_INPUT = new Set(['portmap', 'tuning', 'bandwidth']);

/**
 * The list one attachment runs: without the plugins that would have nothing to do (no ports, no
 * MAC, no rate), each of which is a process start and, for portmap, several iptables calls. The
 * list run is the one cached, so DEL runs exactly the same plugins; inspect's HookdCni.plugins
 * names them.
 */
export function withoutIdlePlugins(list: ConfList, runtimeConfig: Record<string, unknown>): ConfList {
  return {
    ...list,
    plugins: list.plugins.filter((plugin) => !IDLE_WITHOUT_INPUT.has(plugin.type)
      || Object.entries(plugin.capabilities ?? {}).some(([key, wanted]) => wanted && runtimeConfig[key] !== undefined)),
  };
}

/** The loopback list every network namespace gets first, so `lo` is up (as runc does for its own netns). */
export function loopbackConfList(): ConfList {
  return { cniVersion: CNI_VERSION, name: 'hookd-loopback', plugins: [{ type: 'loopback' }] };
}
