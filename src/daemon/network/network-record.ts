// A network as the daemon keeps it: Docker's network inspect shape (GET /networks/{id} is the
// record plus the live Containers map) and, under HookdCni, the CNI network configuration list
// hookd runs for it. "host" and "none" are records too (Docker lists them) but have no CNI list.

import type { ConfList } from './cni-chain.ts';

export type NetworkDriver = 'bridge' | 'host' | 'null';

export interface NetworkRecord {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: NetworkDriver;
  EnableIPv6: false;
  IPAM: { Driver: 'default'; Options: Record<string, string>; Config: Array<{ Subnet: string; Gateway: string; IPRange?: string }> };
  Internal: boolean;
  Attachable: boolean;
  Ingress: false;
  ConfigFrom: { Network: string };
  ConfigOnly: false;
  Options: Record<string, string>;
  Labels: Record<string, string>;
  /** The CNI configuration list run for containers on this network (bridge driver only). */
  HookdCni?: { bridge: string; conflist: ConfList };
}

/** Docker's option naming the Linux bridge of a bridge network. */
export const BRIDGE_NAME_OPTION = 'com.docker.network.bridge.name';

/** Names Docker reserves: the three predefined networks. */
export const PREDEFINED_NETWORKS = ['bridge', 'host', 'none'] as const;

export function isPredefinedNetwork(name: string): boolean {
  return (PREDEFINED_NETWORKS as readonly string[]).includes(name);
}
