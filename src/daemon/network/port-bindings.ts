// Published ports: Docker's HostConfig.PortBindings ({"80/tcp": [{HostIp, HostPort}]}) and -P
// (PublishAllPorts over Config.ExposedPorts) become the portmap plugin's `portMappings`. Validated
// at create (a bad spec is a 400 naming it, before anything exists); host ports left empty or "0"
// get a free port of the host when the container starts.

import { createServer } from 'node:net';
import { badRequest } from '../errors.ts';
import { parseIPv4 } from './subnets.ts';

export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIP: string;
}

type Bindings = Record<string, Array<{ HostIp?: string; HostPort?: string }> | null>;

const PROTOCOLS = ['tcp', 'udp', 'sctp'];

/** "80/tcp" → {port, protocol}; a missing protocol means tcp, as Docker says. */
function parsePortKey(key: string, field: string): { port: number; protocol: PortMapping['protocol'] } {
  const match = /^([0-9]{1,5})(?:\/([a-z]+))?$/.exec(key);
  const port = match ? Number(match[1]) : NaN;
  const protocol = match?.[2] ?? 'tcp';
  if (!match || port < 1 || port > 65535) throw badRequest(`${field}: ${JSON.stringify(key)} is not a container port (expected "<1-65535>[/tcp|udp|sctp]")`);
  if (!PROTOCOLS.includes(protocol)) throw badRequest(`${field}: ${JSON.stringify(key)} has protocol "${protocol}"; expected tcp, udp or sctp`);
  return { port, protocol: protocol as PortMapping['protocol'] };
}

function parseHostPort(text: string | undefined, field: string): number {
  if (text === undefined || text === '') return 0;
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) throw badRequest(`${field}: HostPort ${JSON.stringify(text)} is not a port number (0-65535; ranges are not supported)`);
  return Number(text);
}

/** The mappings the container asks for; host port 0 = to be allocated. Throws 400 naming the bad entry. */
export function requestedPortMappings(hostConfig: Record<string, unknown>, exposedPorts: Record<string, unknown> | undefined): PortMapping[] {
  const bindings = (hostConfig.PortBindings ?? {}) as Bindings;
  if (typeof bindings !== 'object' || Array.isArray(bindings)) throw badRequest('HostConfig.PortBindings must be an object of "port/proto": [{HostIp, HostPort}]');
  const mappings: PortMapping[] = [];
  for (const [key, list] of Object.entries(bindings)) {
    const field = `HostConfig.PortBindings[${JSON.stringify(key)}]`;
    const { port, protocol } = parsePortKey(key, field);
    if (list !== null && !Array.isArray(list)) throw badRequest(`${field} must be an array of {HostIp, HostPort}`);
    for (const binding of list ?? [{}]) {
      const hostIP = binding.HostIp ?? '';
      if (hostIP !== '' && hostIP !== '0.0.0.0' && parseIPv4(hostIP) === undefined) throw badRequest(`${field}: HostIp ${JSON.stringify(hostIP)} is not an IPv4 address`);
      mappings.push({ hostPort: parseHostPort(binding.HostPort, field), containerPort: port, protocol, hostIP: hostIP === '0.0.0.0' ? '' : hostIP });
    }
  }
  if (hostConfig.PublishAllPorts === true) {
    for (const key of Object.keys(exposedPorts ?? {})) {
      const { port, protocol } = parsePortKey(key, `ExposedPorts[${JSON.stringify(key)}]`);
      if (!mappings.some((m) => m.containerPort === port && m.protocol === protocol)) mappings.push({ hostPort: 0, containerPort: port, protocol, hostIP: '' });
    }
  }
  const seen = new Set<string>();
  for (const mapping of mappings) {
    if (mapping.hostPort === 0) continue;
    const key = `${mapping.hostIP || '0.0.0.0'}:${mapping.hostPort}/${mapping.protocol}`;
    if (seen.has(key)) throw badRequest(`HostConfig.PortBindings: host port ${key} is bound twice`);
    seen.add(key);
  }
  return mappings;
}

/** Fills host port 0 with a port that is free on the host now (asked from the kernel). */
export async function allocateHostPorts(mappings: PortMapping[]): Promise<PortMapping[]> {
  const out: PortMapping[] = [];
  for (const mapping of mappings) out.push(mapping.hostPort !== 0 ? mapping : { ...mapping, hostPort: await freePort(mapping.hostIP || '0.0.0.0') });
  return out;
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** NetworkSettings.Ports as Docker shows it: {"80/tcp": [{HostIp, HostPort}]} (null = exposed only). */
export function portsView(mappings: PortMapping[], exposedPorts: Record<string, unknown> | undefined): Record<string, Array<{ HostIp: string; HostPort: string }> | null> {
  const view: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  for (const key of Object.keys(exposedPorts ?? {})) view[key.includes('/') ? key : `${key}/tcp`] = null;
  for (const mapping of mappings) {
    const key = `${mapping.containerPort}/${mapping.protocol}`;
    view[key] = [...(view[key] ?? []), { HostIp: mapping.hostIP || '0.0.0.0', HostPort: String(mapping.hostPort) }];
  }
  return view;
}
