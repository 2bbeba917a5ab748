// The pure parts of container networking: subnets, the GenericParams → CNI mapping, port specs,
// the per-plugin config libcni-style, and the /etc files' content.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeError } from '../../../src/daemon/api/errors.ts';
import { cniInputsOf, GENERIC_ARGS, GENERIC_BANDWIDTH, GENERIC_IP, GENERIC_MAC, GENERIC_PORTMAP, GENERIC_RUNTIME_CONFIG } from '../../../src/daemon/network/attachment-params.ts';
import { pluginConfig } from '../../../src/daemon/network/cni-chain.ts';
import { bridgeConfList, withDefaultRoute, withoutIdlePlugins } from '../../../src/daemon/network/conflist.ts';
import { hostsContent, resolvConfContent } from '../../../src/daemon/network/etc-files.ts';
import { portsView, requestedPortMappings } from '../../../src/daemon/network/port-bindings.ts';
import { allocateSubnet, overlaps, parseSubnet, type Subnet } from '../../../src/daemon/network/subnets.ts';

const subnet = (text: string): Subnet => {
  const parsed = parseSubnet(text);
  assert.ok(!('error' in parsed), text);
  return parsed;
};

test('subnets: host bits, overlap and allocation of the first free /24', () => {
  assert.match((parseSubnet('10.1.0.1/16') as { error: string }).error, /host bits set; the subnet would be 10\.1\.0\.0\/16/);
  assert.match((parseSubnet('10.1.0.0/33') as { error: string }).error, /not an IPv4 subnet/);
  assert.equal(overlaps(subnet('10.1.0.0/16'), subnet('10.1.200.0/24')), true);
  assert.equal(overlaps(subnet('10.1.0.0/24'), subnet('10.1.1.0/24')), false);
  assert.equal(allocateSubnet(subnet('10.89.0.0/16'), [subnet('10.89.0.0/24'), subnet('10.89.1.0/25')])?.text, '10.89.2.0/24');
  assert.equal(allocateSubnet(subnet('10.89.0.0/24'), [subnet('10.89.0.0/24')]), undefined);
});

test('GenericParams win over the container settings, and each input says where it came from', () => {
  const inputs = cniInputsOf({
    ip: '10.5.0.9', mac: '02:00:00:00:00:01', subnet: subnet('10.5.0.0/24'),
    portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '127.0.0.1' }],
    genericParams: {
      [GENERIC_IP]: '10.5.0.77', [GENERIC_MAC]: '02:AA:00:00:00:02',
      [GENERIC_PORTMAP]: [{ Proto: 17, Port: 53, HostPort: 5353, HostIP: '127.0.0.1' }],
      [GENERIC_BANDWIDTH]: { ingressRate: 1000000, ingressBurst: 100000 },
      [GENERIC_ARGS]: { K8S_POD_NAME: 'web' },
      [GENERIC_RUNTIME_CONFIG]: { dns: { servers: ['10.5.0.1'] } },
      unknownKey: 'kept in the record, passed nowhere',
    },
  });
  assert.deepEqual(inputs.runtimeConfig, {
    ips: ['10.5.0.77/24'], mac: '02:aa:00:00:00:02',
    portMappings: [{ containerPort: 53, hostPort: 5353, protocol: 'udp', hostIP: '127.0.0.1' }],
    bandwidth: { ingressRate: 1000000, ingressBurst: 100000 }, dns: { servers: ['10.5.0.1'] },
  });
  assert.deepEqual(inputs.args, [['IgnoreUnknown', '1'], ['K8S_POD_NAME', 'web']]);
  assert.equal(inputs.applied['runtimeConfig.ips'], `GenericParams.${GENERIC_IP}`);
  assert.equal(inputs.applied['CNI_ARGS.K8S_POD_NAME'], `GenericParams.${GENERIC_ARGS}`);
  // The hook contract types GenericParams as strings: object- and array-valued keys also come as JSON text.
  const asText = cniInputsOf({ portMappings: [], subnet: subnet('10.5.0.0/24'), genericParams: {
    [GENERIC_BANDWIDTH]: JSON.stringify({ egressRate: 8, egressBurst: 1 }),
    [GENERIC_PORTMAP]: JSON.stringify([{ Port: 80, HostPort: 8080 }]),
  } });
  assert.deepEqual(asText.runtimeConfig, { bandwidth: { egressRate: 8, egressBurst: 1 }, portMappings: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp', hostIP: '' }] });
});

test('a malformed GenericParams value or an address outside the subnet is a 400 naming it', () => {
  const base = { portMappings: [], subnet: subnet('10.5.0.0/24') };
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ [GENERIC_IP]: '10.6.0.1' }, /io\.hookd\.cni\.ip.*not in the network's subnet 10\.5\.0\.0\/24/],
    [{ [GENERIC_IP]: 'nope' }, /not an IPv4 address/],
    [{ [GENERIC_MAC]: 'zz' }, /not a MAC address/],
    [{ [GENERIC_PORTMAP]: [{ Port: 0, HostPort: 1 }] }, /com\.docker\.network\.portmap"\]\[0\]/],
    [{ [GENERIC_ARGS]: { A: 'x;y' } }, /io\.hookd\.cni\.args/],
    [{ [GENERIC_BANDWIDTH]: '{not json' }, /io\.hookd\.cni\.bandwidth"\] is not valid JSON/],
  ];
  for (const [genericParams, message] of cases) {
    assert.throws(() => cniInputsOf({ ...base, genericParams }), (error: unknown) => error instanceof Error && describeError(error).status === 400 && message.test(error.message));
  }
});

test('port specs: Docker shapes accepted, bad protocol/port/host ip/duplicates refused with the field named', () => {
  const mappings = requestedPortMappings({ PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], 53: [{ HostPort: '' }] }, PublishAllPorts: true }, { '80/tcp': {}, '9000/udp': {} });
  assert.deepEqual(mappings, [
    { hostPort: 0, containerPort: 53, protocol: 'tcp', hostIP: '' },
    { hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '127.0.0.1' },
    { hostPort: 0, containerPort: 9000, protocol: 'udp', hostIP: '' },
  ]);
  assert.deepEqual(portsView([{ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '127.0.0.1' }], { '81/tcp': {} }), { '81/tcp': null, '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] });
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ PortBindings: { '80/tcpx': [{}] } }, /"80\/tcpx" has protocol "tcpx"/],
    [{ PortBindings: { '70000/tcp': [{}] } }, /not a container port/],
    [{ PortBindings: { '80/tcp': [{ HostPort: '80-90' }] } }, /HostPort "80-90" is not a port number/],
    [{ PortBindings: { '80/tcp': [{ HostIp: 'localhost' }] } }, /HostIp "localhost" is not an IPv4 address/],
    [{ PortBindings: { '80/tcp': [{ HostPort: '9' }], '81/tcp': [{ HostPort: '9' }] } }, /host port 0\.0\.0\.0:9\/tcp is bound twice/],
  ];
  for (const [hostConfig, message] of bad) assert.throws(() => requestedPortMappings(hostConfig, undefined), message);
});

test('each plugin gets the list name and version, only the runtimeConfig its capabilities ask for, and prevResult', () => {
  const list = withDefaultRoute(bridgeConfList({ name: 'n1', bridge: 'br9', subnet: '10.7.0.0/24', gateway: '10.7.0.1', internal: false, ipamDataDir: '/x' }));
  const runtimeConfig = { ips: ['10.7.0.5/24'], portMappings: [], mac: '02:00:00:00:00:09' };
  const bridge = pluginConfig(list, list.plugins[0]!, runtimeConfig);
  assert.deepEqual(bridge.runtimeConfig, { ips: ['10.7.0.5/24'] });
  assert.equal(bridge.capabilities, undefined);
  assert.deepEqual((bridge.ipam as { routes: unknown }).routes, [{ dst: '0.0.0.0/0' }]);
  const tuning = pluginConfig(list, list.plugins.find((p) => p.type === 'tuning')!, runtimeConfig, { ips: [] });
  assert.deepEqual(tuning, { type: 'tuning', cniVersion: '1.0.0', name: 'n1', runtimeConfig: { mac: '02:00:00:00:00:09' }, prevResult: { ips: [] } });
  assert.equal(pluginConfig(list, list.plugins.find((p) => p.type === 'firewall')!, runtimeConfig).runtimeConfig, undefined);
});

test('/etc/hosts and resolv.conf: extra hosts, own address, peers; loopback nameservers dropped; --dns replaces', () => {
  const inputs = { hostname: 'web', domainname: 'example.org', addresses: ['10.7.0.5'], extraHosts: ['db:10.9.9.9'], peers: [{ name: 'api', address: '10.7.0.6' }], dns: [], dnsSearch: [], dnsOptions: [], resolverNetworks: [] };
  const hosts = hostsContent(inputs);
  assert.match(hosts, /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(hosts, /^10\.9\.9\.9\tdb$/m);
  assert.match(hosts, /^10\.7\.0\.5\tweb\.example\.org web$/m);
  assert.match(hosts, /^10\.7\.0\.6\tapi$/m);
  const host = 'nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch corp\noptions edns0\n';
  assert.equal(resolvConfContent(host, inputs), 'nameserver 10.0.0.2\nsearch corp\noptions edns0\n');
  assert.equal(resolvConfContent('nameserver 127.0.0.53\n', inputs), 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  assert.equal(resolvConfContent(host, { ...inputs, dns: ['9.9.9.9'], dnsSearch: ['a.b'], dnsOptions: ['ndots:2'], resolverNetworks: ['n1'] }),
    '# hookd: container names on n1 resolve through /etc/hosts (DisableResolver=false)\nnameserver 9.9.9.9\nsearch a.b\noptions ndots:2\n');
});

test('DisableResolver: on, peers are in /etc/hosts by name and name.network and resolv.conf carries the note; off, both files have nothing of hookd\'s', () => {
  const upstream = 'nameserver 10.0.0.2\nsearch corp\noptions edns0\n';
  const base = { hostname: 'web', domainname: '', addresses: ['10.7.0.5'], extraHosts: [], dns: [], dnsSearch: [], dnsOptions: [] };
  const on = { ...base, peers: [{ name: 'api', address: '10.7.0.6', network: 'n1' }], resolverNetworks: ['n1'] };
  assert.match(hostsContent(on), /^10\.7\.0\.6\tapi api\.n1$/m);
  assert.equal(resolvConfContent(upstream, on), `# hookd: container names on n1 resolve through /etc/hosts (DisableResolver=false)\n${upstream}`);
  const off = { ...base, peers: [], resolverNetworks: [] };
  assert.doesNotMatch(hostsContent(off), /api/);
  assert.equal(resolvConfContent(upstream, off), upstream, 'exactly the upstream nameservers, search and options');
});

test('an attachment runs portmap, tuning and bandwidth only when it gives them something to do', () => {
  const list = bridgeConfList({ name: 'n1', bridge: 'br9', subnet: '10.7.0.0/24', gateway: '10.7.0.1', internal: false, ipamDataDir: '/x' });
  assert.deepEqual(withoutIdlePlugins(list, {}).plugins.map((p) => p.type), ['bridge', 'firewall']);
  assert.deepEqual(withoutIdlePlugins(list, { ips: ['10.7.0.5/24'], mac: '02:00:00:00:00:01' }).plugins.map((p) => p.type), ['bridge', 'firewall', 'tuning']);
  assert.deepEqual(withoutIdlePlugins(list, { portMappings: [], bandwidth: { ingressRate: 1 } }).plugins.map((p) => p.type), ['bridge', 'portmap', 'firewall', 'bandwidth']);
});
