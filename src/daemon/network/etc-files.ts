// /etc/hosts, /etc/hostname and /etc/resolv.conf for a container, as Docker makes them: files the
// daemon keeps in the container's own directory and bind-mounts into the container, never writes
// into its rootfs. Rewritten on every start (the address may change); inspect shows their paths.

import { readFile, writeFile } from 'node:fs/promises';
import { hostname as hostHostname } from 'node:os';
import { join } from 'node:path';

export interface EtcFiles {
  hostsPath: string;
  hostnamePath: string;
  resolvConfPath: string;
}

export interface EtcInputs {
  hostname: string;
  domainname: string;
  /** The container's own addresses (first = the one its hostname resolves to). */
  addresses: string[];
  /** --add-host "name:ip" entries (validated at create). */
  extraHosts: string[];
  /**
   * Other containers on the networks whose resolver is on (DisableResolver false): each is written
   * as "name" and "name.<network>" (the form Docker's resolver answers). Empty when every network
   * has DisableResolver true: then nothing of hookd's is added to hosts or resolv.conf.
   */
  peers: Array<{ name: string; address: string; network?: string }>;
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  /** Which networks resolve peers, for the note in resolv.conf (hookd's only addition to it; empty = none). */
  resolverNetworks: string[];
}

export function etcFilesOf(containerDir: string): EtcFiles {
  return { hostsPath: join(containerDir, 'hosts'), hostnamePath: join(containerDir, 'hostname'), resolvConfPath: join(containerDir, 'resolv.conf') };
}

const LOCAL_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** Docker's fallback when the host has no usable (non-loopback) nameserver. */
const FALLBACK_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];

export function hostsContent(inputs: EtcInputs): string {
  const lines = [...LOCAL_HOSTS];
  for (const entry of inputs.extraHosts) {
    const at = entry.indexOf(':');
    lines.push(`${entry.slice(at + 1)}\t${entry.slice(0, at)}`);
  }
  const names = inputs.domainname ? `${inputs.hostname}.${inputs.domainname} ${inputs.hostname}` : inputs.hostname;
  for (const address of inputs.addresses.slice(0, 1)) lines.push(`${address}\t${names}`);
  for (const peer of inputs.peers) lines.push(`${peer.address}\t${peer.name}${peer.network ? ` ${peer.name}.${peer.network}` : ''}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The upstream part (nameserver/search/options) is the same whatever DisableResolver says: hookd has
 * no DNS server of its own to put there, and /etc/hosts lookups ignore `search`. The resolver only
 * adds the first-line note naming the networks whose names /etc/hosts carries; with every network's
 * DisableResolver true the file is exactly the upstream one.
 * --dns* replace the host's values; otherwise the host's resolv.conf without loopback nameservers
 * (they would point into the container itself), falling back to Docker's public resolvers.
 */
export function resolvConfContent(hostResolvConf: string, inputs: EtcInputs): string {
  const lines = hostResolvConf.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#') && !line.startsWith(';'));
  const field = (name: string): string[] => lines.filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}\t`)).flatMap((line) => line.split(/\s+/).slice(1));
  const hostServers = field('nameserver').filter((server) => !server.startsWith('127.') && server !== '::1');
  const servers = inputs.dns.length > 0 ? inputs.dns : hostServers.length > 0 ? hostServers : FALLBACK_NAMESERVERS;
  const search = inputs.dnsSearch.length > 0 ? inputs.dnsSearch : field('search');
  const options = inputs.dnsOptions.length > 0 ? inputs.dnsOptions : field('options');
  const out: string[] = [];
  if (inputs.resolverNetworks.length > 0) out.push(`# hookd: container names on ${inputs.resolverNetworks.join(', ')} resolve through /etc/hosts (DisableResolver=false)`);
  out.push(...servers.map((server) => `nameserver ${server}`));
  if (search.length > 0) out.push(`search ${search.join(' ')}`);
  if (options.length > 0) out.push(`options ${options.join(' ')}`);
  return `${out.join('\n')}\n`;
}

/** Writes the three files for a container with its own network namespace (or none). */
export async function writeEtcFiles(containerDir: string, inputs: EtcInputs): Promise<EtcFiles> {
  const files = etcFilesOf(containerDir);
  const hostResolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  await writeFile(files.hostnamePath, `${inputs.hostname}\n`);
  await writeFile(files.hostsPath, hostsContent(inputs));
  await writeFile(files.resolvConfPath, resolvConfContent(hostResolv, inputs));
  return files;
}

/** --network host: the host's own files (copied, so the container cannot change the host's). */
export async function writeHostModeFiles(containerDir: string, extraHosts: string[]): Promise<EtcFiles> {
  const files = etcFilesOf(containerDir);
  const hosts = await readFile('/etc/hosts', 'utf8').catch(() => LOCAL_HOSTS.join('\n'));
  const extra = extraHosts.map((entry) => `${entry.slice(entry.indexOf(':') + 1)}\t${entry.slice(0, entry.indexOf(':'))}`);
  await writeFile(files.hostnamePath, `${hostHostname()}\n`);
  await writeFile(files.hostsPath, `${hosts.trimEnd()}\n${extra.length > 0 ? `${extra.join('\n')}\n` : ''}`);
  await writeFile(files.resolvConfPath, await readFile('/etc/resolv.conf', 'utf8').catch(() => ''));
  return files;
}
