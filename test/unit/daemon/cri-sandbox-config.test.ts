// RunPodSandboxRequest → the infra's create config, and the refusals that name the field, as a
// table: what each pod setting becomes in the Docker-style config the container manager takes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodSandboxConfig__Output } from '../../../src/daemon/cri/generated/types/runtime/v1/PodSandboxConfig.ts';
import type { RunPodSandboxRequest__Output } from '../../../src/daemon/cri/generated/types/runtime/v1/RunPodSandboxRequest.ts';
import { infraCreateConfig, infraNameOf, validateRunRequest } from '../../../src/daemon/cri/sandbox/sandbox-config.ts';

const ID = 'a'.repeat(64);

function config(overrides: Partial<PodSandboxConfig__Output> = {}): PodSandboxConfig__Output {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'u-1', attempt: 2 },
    hostname: 'web-0', log_directory: '', dns_config: null, port_mappings: [], labels: { app: 'web' }, annotations: {},
    linux: null, windows: null, ...overrides,
  };
}

const linux = (namespaceOptions: Record<string, string>, extra: Record<string, unknown> = {}): PodSandboxConfig__Output['linux'] => ({
  cgroup_parent: '', sysctls: {}, overhead: null, resources: null, ...extra,
  security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD', target_id: '', userns_options: null, ...namespaceOptions } } as never,
});

test('the infra runs catatonit -P with the pod\'s labels, hostname and the Kubernetes labels, never an OomScoreAdj', () => {
  const body = infraCreateConfig(ID, config());
  const hostConfig = body.HostConfig as Record<string, unknown>;
  assert.equal(body.SpecificID, ID);
  assert.deepEqual(body.Entrypoint, ['/.hookd/catatonit', '-P']);
  assert.equal(body.Hostname, 'web-0');
  assert.deepEqual(body.Labels, { app: 'web', 'io.kubernetes.docker.type': 'podsandbox', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'u-1' });
  assert.deepEqual(hostConfig.Binds, ['/usr/bin/catatonit:/.hookd/catatonit:ro']);
  assert.equal(hostConfig.NetworkMode, 'bridge');
  assert.equal(hostConfig.IpcMode, 'shareable');
  assert.equal(hostConfig.ReadonlyRootfs, true);
  assert.equal('OomScoreAdj' in hostConfig, false);
  assert.equal(infraNameOf(config()), 'k8s_POD_web_default_u-1_2');
});

test('NODE namespaces become the host\'s; the host network takes the host\'s UTS and no hostname', () => {
  const hostConfig = (body: Record<string, unknown>): Record<string, unknown> => body.HostConfig as Record<string, unknown>;
  const node = infraCreateConfig(ID, config({ linux: linux({ network: 'NODE', pid: 'NODE', ipc: 'NODE' }) }));
  assert.deepEqual([hostConfig(node).NetworkMode, hostConfig(node).IpcMode, hostConfig(node).PidMode, hostConfig(node).UTSMode], ['host', 'host', 'host', 'host']);
  assert.equal(node.Hostname, undefined);
  const pod = infraCreateConfig(ID, config({ linux: linux({ pid: 'POD' }) }));
  assert.equal(hostConfig(pod).PidMode, undefined, 'the infra owns a PID namespace the containers join');
});

test('DNS config, host ports (0 publishes nothing), sysctls and the cgroup parent pass through', () => {
  const body = infraCreateConfig(ID, config({
    dns_config: { servers: ['10.96.0.10'], searches: ['svc.local'], options: ['ndots:5'] },
    port_mappings: [
      { protocol: 'TCP', container_port: 80, host_port: 8080, host_ip: '127.0.0.1' },
      { protocol: 'UDP', container_port: 53, host_port: 5353, host_ip: '' },
      { protocol: 'TCP', container_port: 9000, host_port: 0, host_ip: '' },
    ],
    linux: linux({}, { sysctls: { 'net.ipv4.ip_forward': '1' }, cgroup_parent: '/kubepods/pod1' }),
  }));
  const hostConfig = body.HostConfig as Record<string, unknown>;
  assert.deepEqual([hostConfig.Dns, hostConfig.DnsSearch, hostConfig.DnsOptions], [['10.96.0.10'], ['svc.local'], ['ndots:5']]);
  assert.deepEqual(hostConfig.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '5353' }] });
  assert.deepEqual(body.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.deepEqual(hostConfig.Sysctls, { 'net.ipv4.ip_forward': '1' });
  assert.equal(hostConfig.CgroupParent, '/kubepods/pod1');
});

const REFUSALS: Array<[string, Partial<RunPodSandboxRequest__Output>, RegExp]> = [
  ['no config', { config: null }, /^config is required$/],
  ['no metadata', { config: config({ metadata: null }) }, /^config\.metadata is required$/],
  ['an empty uid', { config: config({ metadata: { name: 'a', namespace: 'b', uid: '', attempt: 0 } }) }, /^config\.metadata\.uid is required$/],
  ['a name with a slash', { config: config({ metadata: { name: 'a/b', namespace: 'b', uid: 'u', attempt: 0 } }) }, /^config\.metadata\.name "a\/b" must be/],
  ['an unknown runtime handler', { config: config(), runtime_handler: 'kata' }, /^runtime_handler "kata" is not a runtime this daemon has \(it has: runc, crun\)$/],
  ['a host port out of range', { config: config({ port_mappings: [{ protocol: 'TCP', container_port: 80, host_port: 70000, host_ip: '' }] }) }, /^config\.port_mappings\[0\]\.host_port must be 0-65535/],
  ['a DNS server that is not an address', { config: config({ dns_config: { servers: ['dns.example'], searches: [], options: [] } }) }, /^config\.dns_config\.servers\[0\] "dns\.example" is not an IP address$/],
  ['a systemd slice as cgroup parent', { config: config({ linux: linux({}, { cgroup_parent: 'kubepods.slice' }) }) }, /^config\.linux\.cgroup_parent "kubepods\.slice" must be an absolute cgroupfs path/],
  ['a cgroup parent climbing out', { config: config({ linux: linux({}, { cgroup_parent: '/kubepods/../..' }) }) }, /^config\.linux\.cgroup_parent/],
  ['a user namespace', { config: config({ linux: linux({ userns_options: { mode: 'POD', uids: [], gids: [] } } as never) }) }, /^config\.linux\.security_context\.namespace_options\.userns_options\.mode POD asks for a user namespace/],
  ['a sysctl name with spaces', { config: config({ linux: linux({}, { sysctls: { 'net ipv4': '1' } }) }) }, /^config\.linux\.sysctls\["net ipv4"\] is not a sysctl name$/],
];

for (const [what, request, message] of REFUSALS) {
  test(`refuses ${what}, naming the field`, () => {
    assert.throws(() => validateRunRequest({ config: null, runtime_handler: '', ...request } as RunPodSandboxRequest__Output, ['runc', 'crun']), (error: Error) => {
      assert.match(error.message, message);
      return true;
    });
  });
}
