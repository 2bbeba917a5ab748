// Container networking against the real daemon (runc runtime, CNI reference plugins), through the
// docker CLI: traffic only between containers this test made and from the host to a port published
// on 127.0.0.1; a static IP from a real plugin's GenericParams; Priority choosing the default route;
// bad input refused with nothing made; and after rm, a failed start and a daemon SIGKILL + restart,
// no veth, lease, iptables rule, netns file or cache entry left (counted).
// Bridge names and subnets are unique to this run so it can run beside other tests.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { runcMissingReason } from './daemon-per-runtime.ts';
import { DaemonProcess, dockerCliMissingReason, fixtureManifest, makeWorkDir } from './daemon-process.ts';

const IMAGE = 'busybox:net';
const tag = (process.pid % 10_000).toString(36) + Math.floor(Math.random() * 36 ** 2).toString(36);
// 10.<200-249>.<x>.0: random per run; the daemon refuses an overlap with a route on the host, so a clash fails loudly.
const octet = 200 + Math.floor(Math.random() * 50);
const BRIDGE = `hkt${tag}`;
const DEFAULT_SUBNET = `10.${octet}.10.0/24`;
const NET_A = { name: `a${tag}`, subnet: `10.${octet}.11.0/24`, bridge: `hka${tag}` };
const NET_B = { name: `b${tag}`, subnet: `10.${octet}.12.0/24`, bridge: `hkb${tag}` };

let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess | undefined;
let skipReason: string | undefined;
let callLog: string;

async function missingTool(): Promise<string | undefined> {
  const runc = await runcMissingReason();
  if (runc) return runc;
  for (const [tool, args] of [['iptables-save', []], ['ip', ['-V']], ['unshare', ['--version']]] as const) {
    if ((await execa(tool, [...args], { reject: false })).exitCode !== 0) return `${tool} is not installed (iptables, iproute2, util-linux)`;
  }
  const plugins = await readdir('/usr/lib/cni').catch(() => [] as string[]);
  const missing = ['bridge', 'host-local', 'loopback', 'portmap', 'firewall', 'tuning', 'bandwidth'].filter((p) => !plugins.includes(p));
  return missing.length > 0 ? `CNI plugins missing in /usr/lib/cni: ${missing.join(', ')} (apt-get install containernetworking-plugins)` : dockerCliMissingReason();
}

before(async () => {
  skipReason = await missingTool();
  if (skipReason) return;
  work = await makeWorkDir();
  const tarball = await buildBusyboxRootfsTarball(work.dir);
  if (!tarball) { skipReason = 'busybox-static is not installed'; return; }
  callLog = join(work.dir, 'endpoint-calls.log');
  daemon = await DaemonProcess.start({
    dir: join(work.dir, 'd'),
    config: { runtime: 'runc', network: { bridgeName: BRIDGE, subnet: DEFAULT_SUBNET } },
    manifests: { 'endpoint-shaper.json': fixtureManifest('endpoint-shaper', 'endpoint-shaper.ts', { config: { callLog } }) },
  });
  const imported = await daemon.cli(['import', '--change', 'CMD ["/bin/sh"]', tarball, IMAGE]);
  assert.equal(imported.exitCode, 0, imported.stderr);
  for (const net of [NET_A, NET_B]) {
    const created = await daemon.cli(['network', 'create', '--subnet', net.subnet, '-o', `com.docker.network.bridge.name=${net.bridge}`, net.name]);
    assert.equal(created.exitCode, 0, created.stderr);
  }
});

after(async () => {
  if (daemon && daemon.exitInfo === undefined) {
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true });
    await daemon.cli(['network', 'prune', '-f']);
    await daemon.stop();
  }
  for (const bridge of [BRIDGE, NET_A.bridge, NET_B.bridge]) await execa('ip', ['link', 'del', bridge], { reject: false });
  await work?.remove();
});

async function docker(args: string[]): Promise<string> {
  const result = await daemon!.cli(args);
  assert.equal(result.exitCode, 0, `docker ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

/** Runs a detached busybox web server and resolves once it listens (it prints "ready" after binding). */
async function webServer(name: string, args: string[], body: string): Promise<string> {
  const id = await docker(['run', '-d', '--name', name, ...args, IMAGE, 'sh', '-c', `mkdir /www && echo ${body} > /www/index.html && busybox httpd -p 80 -h /www && echo ready && exec sleep 600`]);
  const logs = execa('docker', ['-H', `unix://${daemon!.socketPath}`, 'logs', '-f', id], { reject: false });
  await new Promise<void>((resolve, reject) => {
    logs.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    void logs.then(() => reject(new Error(`${name} ended before it was ready`)));
  });
  logs.kill();
  return id;
}

interface EndpointView {
  IPAddress: string; Gateway: string; MacAddress: string; Priority: number;
  GenericParams: Record<string, unknown>;
  HookdCni: { interface: string; plugins: string[]; applied: Record<string, string> };
  HookdProvenance: Array<{ plugin: string }>;
}

interface InspectView {
  Id: string;
  State: { Running: boolean };
  NetworkSettings: { IPAddress: string; Ports: Record<string, Array<{ HostIp: string; HostPort: string }>>; Networks: Record<string, EndpointView> };
}

async function inspect(name: string): Promise<InspectView> {
  const result = await daemon!.http('GET', `/containers/${name}/json`);
  assert.equal(result.status, 200, result.body);
  return JSON.parse(result.body) as InspectView;
}

/** What the daemon could leave behind, counted on the host. */
async function leftovers(): Promise<Record<string, string[]>> {
  const links = (await execa('ip', ['-o', 'link'])).stdout.split('\n');
  const ourBridges = [BRIDGE, NET_A.bridge, NET_B.bridge];
  const rules = (await execa('iptables-save')).stdout.split('\n').filter((line) => line.includes(`10.${octet}.`));
  const cniDir = join(daemon!.dataRoot, 'cni');
  const leases: string[] = [];
  for (const net of await readdir(join(cniDir, 'ipam')).catch(() => [] as string[])) {
    for (const file of await readdir(join(cniDir, 'ipam', net))) if (!file.startsWith('last_reserved_ip') && file !== 'lock') leases.push(`${net}/${file}`);
  }
  return {
    veths: links.filter((line) => ourBridges.some((bridge) => line.includes(`master ${bridge} `))),
    iptablesRules: rules,
    leases,
    netnsFiles: await readdir(join(daemon!.dataRoot, 'netns')).catch(() => [] as string[]),
    cniCache: (await readdir(join(cniDir, 'results')).catch(() => [] as string[])).filter((f) => !f.startsWith('.')),
  };
}

async function assertNothingLeft(when: string): Promise<void> {
  assert.deepEqual(await leftovers(), { veths: [], iptablesRules: [], leases: [], netnsFiles: [], cniCache: [] }, `left behind ${when}`);
}

test('containers reach each other over a user network by name and over the default bridge by address', async (t) => {
  if (skipReason) return t.skip(skipReason);
  await webServer('web-a', ['--network', NET_A.name], 'hello-a');
  const byName = await docker(['run', '--rm', '--network', NET_A.name, IMAGE, 'sh', '-c', 'busybox wget -qO- http://web-a/ && busybox ping -c1 -W5 web-a >/dev/null && echo pinged']);
  assert.equal(byName, 'hello-a\npinged');
  await webServer('web-default', [], 'hello-default');
  const address = (await inspect('web-default')).NetworkSettings.IPAddress;
  assert.match(address, new RegExp(`^10\\.${octet}\\.10\\.`));
  assert.equal(await docker(['run', '--rm', IMAGE, 'busybox', 'wget', '-qO-', `http://${address}/`]), 'hello-default');
  const files = await docker(['run', '--rm', '--hostname', 'box', '--add-host', 'db:10.1.2.3', '--dns', '10.9.9.9', '--dns-search', 'corp.test', IMAGE, 'sh', '-c', 'cat /etc/hostname /etc/hosts /etc/resolv.conf']);
  assert.match(files, /^box$/m);
  assert.match(files, /^10\.1\.2\.3\tdb$/m);
  assert.match(files, new RegExp(`^10\\.${octet}\\.10\\.\\d+\\tbox$`, 'm'));
  assert.match(files, /^nameserver 10\.9\.9\.9$/m);
  assert.match(files, /^search corp\.test$/m);
  await docker(['rm', '-f', 'web-a', 'web-default']);
  await assertNothingLeft('after docker rm -f');
});

test('the host reaches a port published on 127.0.0.1, by -p and by -P', async (t) => {
  if (skipReason) return t.skip(skipReason);
  await webServer('published', ['-p', '127.0.0.1::80', '--expose', '81', '-P'], 'hello-host');
  const ports = (await inspect('published')).NetworkSettings.Ports;
  const hostPort = ports['80/tcp']?.[0]?.HostPort;
  assert.ok(hostPort && Number(hostPort) > 0, JSON.stringify(ports));
  assert.ok(ports['81/tcp']?.[0]?.HostPort, 'the -P port has a host port too');
  const response = await fetch(`http://127.0.0.1:${hostPort}/`);
  assert.equal((await response.text()).trim(), 'hello-host');
  assert.match(await docker(['port', 'published', '80']), new RegExp(`127\\.0\\.0\\.1:${hostPort}`));
  await docker(['rm', '-f', 'published']);
  await assertNothingLeft('after removing a container with published ports');
});

test('a plugin\'s GenericParams give a container its static IP; inspect names the plugin; a taken IP is a 409 and leaves nothing', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const ip = `10.${octet}.11.77`;
  await docker(['run', '-d', '--name', 'static', '--network', NET_A.name, '-e', `STATIC_IP=${ip}`, IMAGE, 'sleep', '600']);
  assert.match(await docker(['exec', 'static', 'busybox', 'ip', '-o', '-4', 'addr', 'show', 'eth0']), new RegExp(`inet ${ip.replaceAll('.', '\\.')}/24`));
  const endpoint = (await inspect('static')).NetworkSettings.Networks[NET_A.name]!;
  assert.equal(endpoint.IPAddress, ip);
  assert.equal(endpoint.Gateway, `10.${octet}.11.1`);
  assert.match(endpoint.MacAddress, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  assert.equal(endpoint.GenericParams['io.hookd.cni.ip'], ip);
  assert.equal(endpoint.HookdCni.applied['runtimeConfig.ips'], 'plugin endpoint-shaper (GenericParams.io.hookd.cni.ip)');
  assert.deepEqual(endpoint.HookdCni.plugins, ['bridge', 'firewall'], 'no ports, MAC or rate: portmap, tuning and bandwidth have nothing to do and do not run');
  assert.ok(endpoint.HookdProvenance.some((entry) => entry.plugin === 'endpoint-shaper'));
  const before = await leftovers();
  const taken = await daemon!.cli(['run', '--rm', '--network', NET_A.name, '-e', `STATIC_IP=${ip}`, IMAGE, 'true']);
  assert.notEqual(taken.exitCode, 0);
  assert.match(taken.stderr, new RegExp(`address ${ip.replaceAll('.', '\\.')} on network ${NET_A.name} is already in use`));
  assert.deepEqual(await leftovers(), before, 'the failed start left nothing of its own');
  assert.deepEqual((await docker(['ps', '-a', '--format', '{{.Names}}'])).split('\n'), ['static'], 'the --rm container that could not start is gone');
  const id = (await inspect('static')).Id;
  await docker(['rm', '-f', 'static']);
  const calls = (await readFile(callLog, 'utf8')).split('\n').filter((line) => line.endsWith(id));
  assert.deepEqual(calls, [`create ${NET_A.name} ${id}`, `remove ${NET_A.name} ${id}`], 'the hook fired at create and before teardown');
  await assertNothingLeft('after the static-IP container');
});

test('Priority from the plugin decides which network gets eth0 and the default route; connect/disconnect add and remove an interface', async (t) => {
  if (skipReason) return t.skip(skipReason);
  await docker(['create', '--name', 'multi', '--network', NET_A.name, '-e', `PREFERRED_NETWORK=${NET_B.name}`, IMAGE, 'sleep', '600']);
  await docker(['network', 'connect', NET_B.name, 'multi']);
  await docker(['start', 'multi']);
  assert.match(await docker(['exec', 'multi', 'busybox', 'ip', 'route', 'show', 'default']), new RegExp(`default via 10\\.${octet}\\.12\\.1 dev eth0`));
  const networks = (await inspect('multi')).NetworkSettings.Networks;
  assert.equal(networks[NET_B.name]!.HookdCni.interface, 'eth0');
  assert.equal(networks[NET_B.name]!.Priority, 100);
  assert.equal(networks[NET_A.name]!.HookdCni.interface, 'eth1');
  await docker(['network', 'disconnect', NET_A.name, 'multi']);
  assert.doesNotMatch(await docker(['exec', 'multi', 'busybox', 'ip', '-o', 'link']), /eth1/);
  await docker(['network', 'connect', NET_A.name, 'multi']);
  assert.match(await docker(['exec', 'multi', 'busybox', 'ip', '-o', '-4', 'addr', 'show', 'eth1']), new RegExp(`10\\.${octet}\\.11\\.`));
  const removeInUse = await daemon!.cli(['network', 'rm', NET_A.name]);
  assert.match(removeInUse.stderr, /has active endpoints/);
  await docker(['rm', '-f', 'multi']);
  await assertNothingLeft('after a container on two networks');
});

test('bad input is a 4xx naming the problem and makes nothing', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const networksBefore = await docker(['network', 'ls', '-q']);
  const overlap = await daemon!.cli(['network', 'create', '--subnet', `10.${octet}.11.128/25`, `c${tag}`]);
  assert.match(overlap.stderr, new RegExp(`overlaps 10\\.${octet}\\.11\\.0/24 of network ${NET_A.name}`));
  const duplicate = await daemon!.cli(['network', 'create', NET_A.name]);
  assert.match(duplicate.stderr, /already exists/);
  assert.equal(await docker(['network', 'ls', '-q']), networksBefore);
  const unknown = await daemon!.cli(['run', '--rm', '--network', 'no-such-net', IMAGE, 'true']);
  assert.match(unknown.stderr, /network no-such-net not found/);
  const badPort = await daemon!.http('POST', '/containers/create', JSON.stringify({ Image: IMAGE, HostConfig: { PortBindings: { '80/tcpx': [{ HostPort: '8080' }] } } }));
  assert.equal(badPort.status, 400);
  assert.match(badPort.body, /PortBindings\[\\"80\/tcpx\\"\].*protocol \\"tcpx\\"/);
  const badHostPort = await daemon!.cli(['create', '-p', '127.0.0.1:99999:80', IMAGE]);
  assert.notEqual(badHostPort.exitCode, 0);
  const outside = await daemon!.cli(['run', '--rm', '--network', NET_A.name, '--ip', `10.${octet}.99.5`, IMAGE, 'true']);
  assert.match(outside.stderr, /not in the network's subnet/);
  assert.equal(await docker(['ps', '-a', '-q']), '');
  await assertNothingLeft('after refused requests');
});

test('--network none has only lo, host shares the host\'s stack, container:<name> shares the other\'s namespace', async (t) => {
  if (skipReason) return t.skip(skipReason);
  assert.doesNotMatch(await docker(['run', '--rm', '--network', 'none', IMAGE, 'busybox', 'ip', '-o', 'link']), /eth0/);
  const hostLinks = (await execa('ip', ['-o', 'link'])).stdout.split('\n').length;
  assert.equal((await docker(['run', '--rm', '--network', 'host', IMAGE, 'busybox', 'ip', '-o', 'link'])).split('\n').length >= hostLinks - 2, true);
  await docker(['run', '-d', '--name', 'owner', '--network', NET_B.name, IMAGE, 'sleep', '600']);
  const owner = (await inspect('owner')).NetworkSettings.Networks[NET_B.name]!.IPAddress;
  assert.match(await docker(['run', '--rm', '--network', 'container:owner', IMAGE, 'busybox', 'ip', '-o', '-4', 'addr', 'show', 'eth0']), new RegExp(owner.replaceAll('.', '\\.')));
  await docker(['rm', '-f', 'owner']);
  await assertNothingLeft('after none/host/container modes');
});

test('after a daemon SIGKILL, containers that died meanwhile and records removed meanwhile leave nothing once it restarts', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const id = await docker(['run', '-d', '--name', 'crashy', '-p', '127.0.0.1::80', IMAGE, 'sleep', '600']);
  await docker(['run', '-d', '--name', 'survivor', '--network', NET_A.name, IMAGE, 'sleep', '600']);
  assert.notDeepEqual((await leftovers()).veths, []);
  daemon!.child!.kill('SIGKILL');
  await daemon!.exited;
  await execa('runc', ['--root', join(daemon!.dir, 'run', 'runc'), 'kill', id, 'KILL']);
  await daemon!.spawn();
  await daemon!.listening();
  const survivor = (await inspect('survivor')).NetworkSettings.Networks[NET_A.name]!.IPAddress;
  assert.equal(await docker(['run', '--rm', '--network', NET_A.name, IMAGE, 'sh', '-c', `busybox ping -c1 -W5 ${survivor} >/dev/null && echo alive`]), 'alive', 'a running container keeps its network across the restart');
  assert.equal((await inspect('crashy')).State.Running, false);
  assert.equal((await leftovers()).netnsFiles?.includes(id), false);
  await docker(['rm', '-f', 'crashy', 'survivor']);
  await assertNothingLeft('after SIGKILL, a container death while down, and restart');
});

test('a MacAddress requested through the API is the address of eth0 inside the container and in inspect', async (t) => {
  if (skipReason) return t.skip(skipReason);
  // Locally administered unicast (02:...), random per run so a stale interface cannot pass for ours.
  const mac = `02:${Array.from({ length: 5 }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0')).join(':')}`;
  // Through dockerode, not the CLI: new docker CLIs refuse --mac-address below API 1.44.
  const container = await daemon!.docker().createContainer({ name: 'mac', Image: IMAGE, Cmd: ['sleep', '600'], MacAddress: mac, HostConfig: { NetworkMode: NET_A.name } });
  await container.start();
  assert.equal(await docker(['exec', 'mac', 'cat', '/sys/class/net/eth0/address']), mac);
  const view = await inspect('mac');
  assert.equal(view.NetworkSettings.Networks[NET_A.name]!.MacAddress, mac);
  assert.equal(view.NetworkSettings.Networks[NET_A.name]!.HookdCni.applied['runtimeConfig.mac'], 'container');
  assert.ok(view.NetworkSettings.Networks[NET_A.name]!.HookdCni.plugins.includes('tuning'), 'tuning ran to set the MAC');
  await docker(['rm', '-f', 'mac']);
  await assertNothingLeft('after the container with a requested MAC');
});

const ifbLinks = async (): Promise<string[]> => (await execa('ip', ['-o', 'link', 'show', 'type', 'ifb'])).stdout.split('\n').filter(Boolean).map((line) => line.split(':')[1]!.trim().split('@')[0]!);

test('a bandwidth limit in a plugin\'s GenericParams makes the bandwidth plugin shape the host-side veth; rm leaves no qdisc device', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const ifbBefore = await ifbLinks();
  const rate = 8_000_000;
  await docker(['run', '-d', '--name', 'shaped', '--network', NET_B.name, '-e', `RATE_BPS=${rate}`, IMAGE, 'sleep', '600']);
  const endpoint = (await inspect('shaped')).NetworkSettings.Networks[NET_B.name]!;
  assert.deepEqual(JSON.parse(endpoint.GenericParams['io.hookd.cni.bandwidth'] as string), { ingressRate: rate, ingressBurst: rate / 10, egressRate: rate, egressBurst: rate / 10 });
  assert.equal(endpoint.HookdCni.applied['runtimeConfig.bandwidth'], 'plugin endpoint-shaper (GenericParams.io.hookd.cni.bandwidth)');
  assert.ok(endpoint.HookdCni.plugins.includes('bandwidth'), `bandwidth ran: ${endpoint.HookdCni.plugins.join(', ')}`);
  // The container's host-side veth is the one link enslaved to this test's NET_B bridge.
  const veths = (await execa('ip', ['-o', 'link'])).stdout.split('\n').filter((line) => line.includes(`master ${NET_B.bridge} `));
  assert.equal(veths.length, 1, veths.join('\n'));
  const veth = veths[0]!.split(':')[1]!.trim().split('@')[0]!;
  const qdiscs = (await execa('tc', ['qdisc', 'show', 'dev', veth])).stdout;
  // Ingress (towards the container) is a token bucket on the veth; egress is redirected from the veth's ingress qdisc into an ifb device with its own token bucket.
  assert.match(qdiscs, /qdisc tbf .* rate 8Mbit/, qdiscs);
  assert.match(qdiscs, /qdisc ingress /, qdiscs);
  const ifbNew = (await ifbLinks()).filter((link) => !ifbBefore.includes(link));
  assert.equal(ifbNew.length, 1, `one ifb device for the egress limit: ${ifbNew.join(', ')}`);
  assert.match((await execa('tc', ['qdisc', 'show', 'dev', ifbNew[0]!])).stdout, /qdisc tbf .* rate 8Mbit/);
  await docker(['rm', '-f', 'shaped']);
  assert.equal((await ifbLinks()).includes(ifbNew[0]!), false, 'the ifb device went with the container');
  await assertNothingLeft('after the rate-limited container');
});

test('DisableResolver from a plugin leaves resolv.conf exactly upstream and /etc/hosts without peers; without it peers resolve by name and name.network', async (t) => {
  if (skipReason) return t.skip(skipReason);
  await docker(['run', '-d', '--name', 'peer', '--network', NET_A.name, IMAGE, 'sleep', '600']);
  const peer = (await inspect('peer')).NetworkSettings.Networks[NET_A.name]!.IPAddress;
  const files = (env: string[]): Promise<string> => docker(['run', '--rm', '--network', NET_A.name, '--dns', '10.9.9.9', '--dns-search', 'corp.test', ...env, IMAGE, 'sh', '-c', 'cat /etc/hosts; echo ---; cat /etc/resolv.conf']);
  const [hostsOn, resolvOn] = (await files([])).split('---\n');
  const [hostsOff, resolvOff] = (await files(['-e', 'NO_RESOLVER=1'])).split('---\n');
  assert.match(hostsOn!, new RegExp(`^${peer.replaceAll('.', '\\.')}\\tpeer peer\\.${NET_A.name}$`, 'm'));
  assert.equal(resolvOn, `# hookd: container names on ${NET_A.name} resolve through /etc/hosts (DisableResolver=false)\nnameserver 10.9.9.9\nsearch corp.test`, 'the note, then upstream (docker() trims the final newline)');
  assert.doesNotMatch(hostsOff!, /\tpeer/, 'no peer entries with the resolver disabled');
  assert.equal(resolvOff, 'nameserver 10.9.9.9\nsearch corp.test', 'exactly the upstream nameservers and search, nothing of hookd\'s');
  assert.equal(await docker(['run', '--rm', '--network', NET_A.name, IMAGE, 'sh', '-c', `busybox ping -c1 -W5 peer.${NET_A.name} >/dev/null && echo reached`]), 'reached');
  await docker(['rm', '-f', 'peer']);
  await assertNothingLeft('after the resolver containers');
});
