// The one mapping from an endpoint (the container's own settings, then what
// container.preCreateEndpoint returned) to what the CNI plugins receive. docs/networking.md shows
// the same table to users and plugin authors.
//
//   source                                        CNI                           plugin that acts
//   --ip / EndpointsConfig.IPAMConfig.IPv4Address runtimeConfig.ips              host-local (via bridge)
//   GenericParams["io.hookd.cni.ip"]              runtimeConfig.ips              host-local
//   --mac-address / EndpointsConfig.MacAddress    runtimeConfig.mac              tuning
//   GenericParams["com.docker.network.endpoint.macaddress"]  runtimeConfig.mac  tuning (libnetwork's key)
//   -p / -P (primary network only)                runtimeConfig.portMappings     portmap
//   GenericParams["com.docker.network.portmap"]   runtimeConfig.portMappings     portmap (libnetwork's
//                                                 [{Proto, Port, HostIP, HostPort}] or CNI's shape)
//   GenericParams["io.hookd.cni.bandwidth"]       runtimeConfig.bandwidth        bandwidth
//   GenericParams["io.hookd.cni.args"] {k: v}     CNI_ARGS k=v (after IgnoreUnknown=1)  any plugin
//   GenericParams["io.hookd.cni.runtimeConfig"]   merged into runtimeConfig      any plugin whose
//                                                 capabilities name the key
// GenericParams win over the container's own settings: a plugin that shapes an endpoint has the
// last word, and provenance says which plugin it was. Unknown GenericParams keys are kept in the
// record (inspect shows them) and passed nowhere. A malformed value is an error naming the key.
// The hook contract types GenericParams as {string: string} (proto, SDKs), so every object- or
// array-valued key may also come as its JSON text; a plugin calling the daemon's API directly may
// send the object itself.

import { badRequest } from '../errors.ts';
import type { PortMapping } from './port-bindings.ts';
import { contains, parseIPv4, type Subnet } from './subnets.ts';

export const GENERIC_IP = 'io.hookd.cni.ip';
export const GENERIC_MAC = 'com.docker.network.endpoint.macaddress';
export const GENERIC_PORTMAP = 'com.docker.network.portmap';
export const GENERIC_BANDWIDTH = 'io.hookd.cni.bandwidth';
export const GENERIC_ARGS = 'io.hookd.cni.args';
export const GENERIC_RUNTIME_CONFIG = 'io.hookd.cni.runtimeConfig';

/** Where each CNI input came from: "container" (the create request) or the GenericParams key. */
export type AppliedFrom = Record<string, string>;

export interface EndpointInputs {
  /** The container's own requests for this network. */
  ip?: string;
  mac?: string;
  portMappings: PortMapping[];
  genericParams: Record<string, unknown>;
  subnet: Subnet | undefined;
}

export interface CniInputs {
  runtimeConfig: Record<string, unknown>;
  args: Array<[string, string]>;
  applied: AppliedFrom;
}

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

export function cniInputsOf(inputs: EndpointInputs): CniInputs {
  const runtimeConfig: Record<string, unknown> = {};
  const applied: AppliedFrom = {};
  const args: Array<[string, string]> = [['IgnoreUnknown', '1']];
  const generic = inputs.genericParams;
  const set = (key: string, value: unknown, from: string): void => { runtimeConfig[key] = value; applied[`runtimeConfig.${key}`] = from; };

  if (inputs.ip) set('ips', [ipWithPrefix(inputs.ip, inputs.subnet, 'the container\'s IPv4Address (--ip)')], 'container');
  if (generic[GENERIC_IP] !== undefined) set('ips', [ipWithPrefix(generic[GENERIC_IP], inputs.subnet, `GenericParams["${GENERIC_IP}"]`)], `GenericParams.${GENERIC_IP}`);
  if (inputs.mac) set('mac', macOf(inputs.mac, 'the container\'s MacAddress (--mac-address)'), 'container');
  if (generic[GENERIC_MAC] !== undefined) set('mac', macOf(generic[GENERIC_MAC], `GenericParams["${GENERIC_MAC}"]`), `GenericParams.${GENERIC_MAC}`);
  if (inputs.portMappings.length > 0) set('portMappings', inputs.portMappings, 'container');
  if (generic[GENERIC_PORTMAP] !== undefined) set('portMappings', portMappingsOf(generic[GENERIC_PORTMAP]), `GenericParams.${GENERIC_PORTMAP}`);
  if (generic[GENERIC_BANDWIDTH] !== undefined) set('bandwidth', bandwidthOf(generic[GENERIC_BANDWIDTH]), `GenericParams.${GENERIC_BANDWIDTH}`);
  if (generic[GENERIC_RUNTIME_CONFIG] !== undefined) {
    const extra = objectOf(generic[GENERIC_RUNTIME_CONFIG], GENERIC_RUNTIME_CONFIG);
    for (const [key, value] of Object.entries(extra)) set(key, value, `GenericParams.${GENERIC_RUNTIME_CONFIG}`);
  }
  if (generic[GENERIC_ARGS] !== undefined) {
    for (const [key, value] of Object.entries(objectOf(generic[GENERIC_ARGS], GENERIC_ARGS))) {
      if (!/^[A-Za-z0-9_-]+$/.test(key) || typeof value !== 'string' || /[;=]/.test(value)) {
        throw badRequest(`GenericParams["${GENERIC_ARGS}"].${key} must be a string without ";" or "=" under a name of letters, digits, "_" or "-"`);
      }
      args.push([key, value]);
      applied[`CNI_ARGS.${key}`] = `GenericParams.${GENERIC_ARGS}`;
    }
  }
  return { runtimeConfig, args, applied };
}

function ipWithPrefix(value: unknown, subnet: Subnet | undefined, what: string): string {
  const address = typeof value === 'string' ? parseIPv4(value) : undefined;
  if (address === undefined) throw badRequest(`${what} ${JSON.stringify(value)} is not an IPv4 address`);
  if (!subnet) throw badRequest(`${what} ${String(value)}: a static address needs a network with a subnet`);
  if (!contains(subnet, address)) throw badRequest(`${what} ${String(value)} is not in the network's subnet ${subnet.text}`);
  return `${String(value)}/${subnet.prefix}`;
}

function macOf(value: unknown, what: string): string {
  if (typeof value !== 'string' || !MAC.test(value)) throw badRequest(`${what} ${JSON.stringify(value)} is not a MAC address (xx:xx:xx:xx:xx:xx)`);
  return value.toLowerCase();
}

/** A JSON text stands for its value (see the header: GenericParams are strings in the hook contract). */
function decoded(value: unknown, key: string): unknown {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return value;
  try { return JSON.parse(value); } catch { throw badRequest(`GenericParams["${key}"] is not valid JSON`); }
}

function objectOf(raw: unknown, key: string): Record<string, unknown> {
  const value = decoded(raw, key);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`GenericParams["${key}"] must be an object`);
  return value as Record<string, unknown>;
}

/** libnetwork's PortBinding ({Proto: 6|17, Port, HostIP, HostPort}) or CNI's own shape. */
function portMappingsOf(raw: unknown): PortMapping[] {
  const value = decoded(raw, GENERIC_PORTMAP);
  if (!Array.isArray(value)) throw badRequest(`GenericParams["${GENERIC_PORTMAP}"] must be an array of port bindings`);
  return value.map((entry: Record<string, unknown>, i) => {
    const containerPort = Number(entry.containerPort ?? entry.Port);
    const hostPort = Number(entry.hostPort ?? entry.HostPort);
    const proto = entry.protocol ?? ({ 6: 'tcp', 17: 'udp', 132: 'sctp' } as Record<string, string>)[String(entry.Proto ?? 6)];
    const hostIP = String(entry.hostIP ?? entry.HostIP ?? '');
    if (!Number.isInteger(containerPort) || containerPort < 1 || containerPort > 65535 || !Number.isInteger(hostPort) || hostPort < 1 || hostPort > 65535 || !['tcp', 'udp', 'sctp'].includes(String(proto)) || (hostIP !== '' && parseIPv4(hostIP) === undefined)) {
      throw badRequest(`GenericParams["${GENERIC_PORTMAP}"][${i}] ${JSON.stringify(entry)} is not a port binding (Port and HostPort 1-65535, Proto 6/17/132, HostIP IPv4 or empty)`);
    }
    return { containerPort, hostPort, protocol: proto as PortMapping['protocol'], hostIP };
  });
}

function bandwidthOf(value: unknown): Record<string, number> {
  const object = objectOf(value, GENERIC_BANDWIDTH);
  const out: Record<string, number> = {};
  for (const key of ['ingressRate', 'ingressBurst', 'egressRate', 'egressBurst']) {
    if (object[key] === undefined) continue;
    if (typeof object[key] !== 'number' || !Number.isInteger(object[key]) || (object[key] as number) < 0) throw badRequest(`GenericParams["${GENERIC_BANDWIDTH}"].${key} must be a non-negative integer (bits per second / bits)`);
    out[key] = object[key] as number;
  }
  return out;
}
