import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOciSpec } from '../../../src/daemon/runtime/oci-spec.ts';
import { capabilitySet, inheritContainerPrivileges, normalizeCapability } from '../../../src/daemon/runtime/oci-security.ts';
import { DEFAULT_CAPABILITIES, DEFAULT_MASKED_PATHS } from '../../../src/daemon/runtime/oci-defaults.ts';
import type { RuntimeContainerSpec } from '../../../src/daemon/runtime/runtime.ts';

const ROOT = { uid: 0, gid: 0, additionalGids: [], home: '/root' };

function specWith(overrides: Partial<RuntimeContainerSpec> = {}): RuntimeContainerSpec {
  return {
    id: 'c1', rootfs: '/r', stateDir: '/s', logPath: '/l', exitPath: '/e', args: ['sh'], env: [], cwd: '/', user: '',
    hostname: 'h1', tty: false, openStdin: false, stdinOnce: false, mounts: [], networkMode: 'bridge', resources: {},
    readonlyRootfs: false, prestartHooks: [], annotations: {},
    ...overrides,
  };
}

test('capability names are normalized, and an unknown one is refused naming it', () => {
  assert.equal(normalizeCapability('net_admin'), 'CAP_NET_ADMIN');
  assert.equal(normalizeCapability('CAP_SYS_ADMIN'), 'CAP_SYS_ADMIN');
  assert.equal(normalizeCapability('all'), 'ALL');
  assert.throws(() => normalizeCapability('FLY'), /unknown capability: "FLY"/);
});

test('CapAdd and CapDrop change the default set as Docker does, ALL included', () => {
  const available = ['CAP_CHOWN', 'CAP_KILL', 'CAP_SYS_ADMIN'];
  assert.deepEqual(capabilitySet({}), [...DEFAULT_CAPABILITIES]);
  const added = capabilitySet({ capAdd: ['NET_ADMIN'], capDrop: ['CAP_KILL'] });
  assert.ok(added.includes('CAP_NET_ADMIN'));
  assert.ok(!added.includes('CAP_KILL'));
  assert.equal(added.length, DEFAULT_CAPABILITIES.length);
  assert.deepEqual(capabilitySet({ capAdd: ['ALL'], capDrop: ['KILL'], availableCapabilities: available }), ['CAP_CHOWN', 'CAP_SYS_ADMIN']);
  assert.deepEqual(capabilitySet({ capDrop: ['ALL'], capAdd: ['chown', 'CHOWN'] }), ['CAP_CHOWN']);
  assert.deepEqual(capabilitySet({ privileged: true, capDrop: ['CHOWN'], availableCapabilities: available }), available, 'privileged means every capability the daemon has');
});

test('a non-root user gets the set as bounding only; no-new-privileges and oom_score_adj reach the process', () => {
  const spec = specWith({ linux: { capAdd: ['SYS_ADMIN'], noNewPrivileges: true, oomScoreAdj: 500 } });
  const asUser = buildOciSpec(spec, { uid: 1000, gid: 1000, additionalGids: [], home: '/' }).process;
  assert.ok(asUser.capabilities.bounding.includes('CAP_SYS_ADMIN'));
  assert.deepEqual(asUser.capabilities.effective, []);
  assert.equal(asUser.noNewPrivileges, true);
  assert.equal(asUser.oomScoreAdj, 500);
  const plain = buildOciSpec(specWith(), ROOT).process;
  assert.equal(plain.noNewPrivileges, false);
  assert.equal(plain.oomScoreAdj, undefined);
});

test('GroupAdd gids join the user\'s supplementary groups once, without the primary gid', () => {
  const user = { uid: 1000, gid: 100, additionalGids: [10], home: '/' };
  const { process } = buildOciSpec(specWith({ linux: { groupAdd: [10, 20, 100] } }), user);
  assert.deepEqual(process.user, { uid: 1000, gid: 100, additionalGids: [10, 20] });
});

test('namespaces: host modes are left out, container modes are joined by path, and a joined UTS has no hostname', () => {
  const oci = buildOciSpec(specWith({
    networkMode: 'container:x', networkNamespacePath: '/run/netns/x',
    linux: { namespaces: { ipc: { mode: 'path', path: '/proc/7/ns/ipc' }, pid: { mode: 'host' }, uts: { mode: 'path', path: '/proc/7/ns/uts' } } },
  }), ROOT);
  assert.deepEqual(oci.linux.namespaces, [
    { type: 'ipc', path: '/proc/7/ns/ipc' }, { type: 'uts', path: '/proc/7/ns/uts' }, { type: 'mount' }, { type: 'network', path: '/run/netns/x' },
  ]);
  assert.equal(oci.hostname, undefined);
  const own = buildOciSpec(specWith(), ROOT);
  assert.deepEqual(own.linux.namespaces.map((ns) => ns.type), ['pid', 'ipc', 'uts', 'mount', 'network']);
  assert.equal(own.hostname, 'h1');
});

test('masked and read-only paths: defaults, given lists, none when privileged; privileged sysfs is read-write', () => {
  assert.deepEqual(buildOciSpec(specWith(), ROOT).linux.maskedPaths, [...DEFAULT_MASKED_PATHS]);
  const given = buildOciSpec(specWith({ linux: { maskedPaths: ['/proc/x'], readonlyPaths: [] } }), ROOT).linux;
  assert.deepEqual([given.maskedPaths, given.readonlyPaths], [['/proc/x'], []]);
  const privileged = buildOciSpec(specWith({ linux: { privileged: true } }), ROOT);
  assert.deepEqual([privileged.linux.maskedPaths, privileged.linux.readonlyPaths], [[], []]);
  assert.ok(!privileged.mounts.find((m) => m.destination === '/sys')!.options.includes('ro'));
  assert.ok(buildOciSpec(specWith(), ROOT).mounts.find((m) => m.destination === '/sys')!.options.includes('ro'));
  assert.deepEqual(privileged.linux.resources.devices!.at(-1), { allow: true, access: 'rwm' });
});

test('devices become device nodes and device cgroup rules with their access', () => {
  const device = { path: '/dev/xnull', type: 'c' as const, major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0, access: 'rw' };
  const { linux } = buildOciSpec(specWith({ linux: { devices: [device] } }), ROOT);
  assert.deepEqual(linux.devices, [{ path: '/dev/xnull', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 }]);
  assert.deepEqual(linux.resources.devices!.at(-1), { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' });
  assert.equal(buildOciSpec(specWith(), ROOT).linux.devices, undefined);
});

test('sysctls reach linux.sysctl and a cgroup parent replaces /hookd in cgroupsPath', () => {
  const { linux } = buildOciSpec(specWith({ linux: { sysctls: { 'net.ipv4.ip_forward': '1' }, cgroupParent: '/kubepods/pod1/' } }), ROOT);
  assert.deepEqual(linux.sysctl, { 'net.ipv4.ip_forward': '1' });
  assert.equal(linux.cgroupsPath, '/kubepods/pod1/c1');
  const plain = buildOciSpec(specWith(), ROOT).linux;
  assert.equal(plain.cgroupsPath, '/hookd/c1');
  assert.equal(plain.sysctl, undefined);
});

test('bind propagation reaches the mount options, and a shared or slave bind makes the rootfs as shared or slave', () => {
  const mount = (propagation?: 'rslave' | 'rshared') => ({ source: '/h', destination: '/c', readOnly: false, ...(propagation ? { propagation } : {}) });
  const shared = buildOciSpec(specWith({ mounts: [mount('rshared'), mount('rslave')] }), ROOT);
  assert.deepEqual(shared.mounts.at(-2)!.options, ['rbind', 'rshared', 'rw']);
  assert.equal(shared.linux.rootfsPropagation, 'rshared');
  assert.equal(buildOciSpec(specWith({ mounts: [mount('rslave')] }), ROOT).linux.rootfsPropagation, 'rslave');
  const plain = buildOciSpec(specWith({ mounts: [mount()] }), ROOT);
  assert.deepEqual(plain.mounts.at(-1)!.options, ['rbind', 'rprivate', 'rw']);
  assert.equal(plain.linux.rootfsPropagation, undefined);
});

test('an exec inherits its container\'s capabilities and no_new_privileges, and its GroupAdd gids when it runs as the container\'s user', () => {
  const containerProcess = buildOciSpec(specWith({ linux: { capAdd: ['NET_ADMIN'], noNewPrivileges: true, groupAdd: [1234] } }), ROOT).process;
  const asRoot = buildOciSpec(specWith(), ROOT).process;
  const inherited = inheritContainerPrivileges(asRoot, containerProcess);
  assert.ok(inherited.capabilities.effective.includes('CAP_NET_ADMIN'));
  assert.equal(inherited.noNewPrivileges, true);
  assert.deepEqual(inherited.user, { uid: 0, gid: 0, additionalGids: [1234] });
  const other = inheritContainerPrivileges(buildOciSpec(specWith(), { uid: 5, gid: 5, additionalGids: [], home: '/' }).process, containerProcess);
  assert.deepEqual(other.user, { uid: 5, gid: 5 });
  assert.deepEqual(other.capabilities.effective, [], 'a non-root exec has no effective capabilities');
  assert.equal(inheritContainerPrivileges(asRoot, undefined), asRoot);
});
