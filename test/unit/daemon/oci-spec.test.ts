import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOciSpec, buildProcess, namespacesFor } from '../../../src/daemon/runtime/oci-spec.ts';
import { resourcesFromDocker } from '../../../src/daemon/runtime/oci-resources.ts';
import type { RuntimeContainerSpec } from '../../../src/daemon/runtime/runtime.ts';
import { resolveUser } from '../../../src/daemon/runtime/user.ts';

const ROOT = { uid: 0, gid: 0, additionalGids: [], home: '/root' };

function specWith(overrides: Partial<RuntimeContainerSpec> = {}): RuntimeContainerSpec {
  return {
    id: 'c1', rootfs: '/data/c1/rootfs', stateDir: '/data/c1/state', logPath: '/data/c1/log', exitPath: '/data/c1/exit',
    args: ['/bin/sh', '-c', 'echo hi'], env: ['A=b'], cwd: '/work', user: '', hostname: 'h1', tty: false,
    openStdin: false, stdinOnce: false, mounts: [], networkMode: 'bridge', resources: {}, readonlyRootfs: false,
    prestartHooks: [], annotations: {},
    ...overrides,
  };
}

test('the process carries args, cwd, env with a default PATH and HOME, and no terminal', () => {
  const { process } = buildOciSpec(specWith(), ROOT);
  assert.deepEqual(process.args, ['/bin/sh', '-c', 'echo hi']);
  assert.equal(process.cwd, '/work');
  assert.equal(process.terminal, false);
  assert.deepEqual(process.env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=b', 'HOME=/root']);
  assert.deepEqual(process.user, { uid: 0, gid: 0 });
});

test('an env that sets PATH and HOME keeps them, and an empty cwd becomes /', () => {
  const { process } = buildOciSpec(specWith({ env: ['PATH=/x', 'HOME=/h'], cwd: '' }), ROOT);
  assert.deepEqual(process.env, ['PATH=/x', 'HOME=/h']);
  assert.equal(process.cwd, '/');
});

test("capabilities are Docker's default set in bounding, effective and permitted", () => {
  const { capabilities } = buildOciSpec(specWith(), ROOT).process;
  assert.equal(capabilities.bounding.length, 14);
  assert.ok(capabilities.bounding.includes('CAP_NET_BIND_SERVICE'));
  assert.ok(!capabilities.bounding.includes('CAP_SYS_ADMIN'));
  assert.deepEqual(capabilities.effective, capabilities.bounding);
  assert.deepEqual(capabilities.permitted, capabilities.bounding);
});

test('rlimits default nofile and HostConfig.Ulimits override it', () => {
  assert.deepEqual(buildOciSpec(specWith(), ROOT).process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 1024 }]);
  const limits = buildOciSpec(specWith({ resources: { Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 20 }, { Name: 'nproc', Soft: 5, Hard: 6 }] } }), ROOT).process.rlimits;
  assert.deepEqual(limits, [{ type: 'RLIMIT_NOFILE', soft: 10, hard: 20 }, { type: 'RLIMIT_NPROC', soft: 5, hard: 6 }]);
});

test('root, hostname and annotations come from the spec; hooks are absent when there are none', () => {
  const oci = buildOciSpec(specWith({ readonlyRootfs: true, annotations: { 'io.hookd.x': 'y' } }), ROOT);
  assert.deepEqual(oci.root, { path: '/data/c1/rootfs', readonly: true });
  assert.equal(oci.hostname, 'h1');
  assert.deepEqual(oci.annotations, { 'io.hookd.x': 'y' });
  assert.equal(oci.hooks, undefined);
  assert.equal(buildOciSpec(specWith(), ROOT).annotations, undefined);
  assert.equal(oci.ociVersion, '1.0.2');
});

test('prestart hooks keep the given order, argv0 in args, env and timeout', () => {
  const oci = buildOciSpec(specWith({
    prestartHooks: [
      { path: '/usr/bin/touch', args: ['touch', '/tmp/x'], env: ['K=v'], timeoutSeconds: 5 },
      { path: '/proc/self/exe', args: ['hookd', 'libnetwork-setkey', 'c1'], env: [] },
      { path: '/bin/true', args: [], env: [], timeoutSeconds: 0 },
    ],
  }), ROOT);
  assert.deepEqual(oci.hooks?.prestart, [
    { path: '/usr/bin/touch', args: ['touch', '/tmp/x'], env: ['K=v'], timeout: 5 },
    { path: '/proc/self/exe', args: ['hookd', 'libnetwork-setkey', 'c1'] },
    { path: '/bin/true' },
  ]);
});

test("default mounts are Docker's, and binds follow as rbind with ro or rw", () => {
  const oci = buildOciSpec(specWith({ mounts: [{ source: '/host/a', destination: '/a', readOnly: true }, { source: '/vol/b', destination: '/b', readOnly: false }] }), ROOT);
  assert.deepEqual(oci.mounts.map((m) => `${m.destination}:${m.type}`), [
    '/proc:proc', '/dev:tmpfs', '/dev/pts:devpts', '/sys:sysfs', '/sys/fs/cgroup:cgroup', '/dev/mqueue:mqueue', '/dev/shm:tmpfs', '/a:bind', '/b:bind',
  ]);
  assert.ok(oci.mounts.find((m) => m.destination === '/sys')?.options.includes('ro'));
  assert.deepEqual(oci.mounts.at(-2), { destination: '/a', type: 'bind', source: '/host/a', options: ['rbind', 'rprivate', 'ro'] });
  assert.deepEqual(oci.mounts.at(-1)?.options, ['rbind', 'rprivate', 'rw']);
});

const NAMESPACE_TABLE: Array<[string, string[]]> = [
  ['bridge', ['pid', 'ipc', 'uts', 'mount', 'network']],
  ['none', ['pid', 'ipc', 'uts', 'mount', 'network']],
  ['default', ['pid', 'ipc', 'uts', 'mount', 'network']],
  ['host', ['pid', 'ipc', 'uts', 'mount']],
];
for (const [mode, expected] of NAMESPACE_TABLE) {
  test(`network mode "${mode}" gets namespaces ${expected.join(',')}`, () => {
    assert.deepEqual(namespacesFor(mode).map((ns) => ns.type), expected);
    assert.ok(namespacesFor(mode).every((ns) => !('path' in ns)), 'new namespaces have no path');
  });
}

test('linux has masked and readonly paths like Docker, a per-container cgroup and a deny-first device list', () => {
  const { linux } = buildOciSpec(specWith(), ROOT);
  assert.ok(linux.maskedPaths.includes('/proc/kcore'));
  assert.ok(linux.readonlyPaths.includes('/proc/sys'));
  assert.equal(linux.cgroupsPath, '/hookd/c1');
  assert.deepEqual(linux.resources.devices?.[0], { allow: false, access: 'rwm' });
  assert.ok(linux.resources.devices?.some((d) => d.allow && d.major === 1 && d.minor === 3), '/dev/null allowed');
});

const RESOURCE_TABLE: Array<[string, Record<string, unknown>, object]> = [
  ['nothing set', {}, {}],
  ['zeros mean unset', { Memory: 0, CpuShares: 0, PidsLimit: 0, CpuQuota: 0 }, {}],
  ['memory limit and reservation', { Memory: 64 * 1024 * 1024, MemoryReservation: 32 }, { memory: { limit: 67108864, reservation: 32 } }],
  ['memory swap -1 is unlimited', { Memory: 10, MemorySwap: -1 }, { memory: { limit: 10, swap: -1 } }],
  ['swappiness -1 means unset', { MemorySwappiness: -1 }, {}],
  ['swappiness 0 is kept', { MemorySwappiness: 0 }, { memory: { swappiness: 0 } }],
  ['oom killer disabled', { OomKillDisable: true }, { memory: { disableOOMKiller: true } }],
  ['cpu shares, quota, period, cpuset', { CpuShares: 512, CpuQuota: 50000, CpuPeriod: 100000, CpusetCpus: '0-1', CpusetMems: '0' }, { cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0-1', mems: '0' } }],
  ['NanoCpus becomes quota per 100ms period', { NanoCpus: 1.5e9 }, { cpu: { quota: 150000, period: 100000 } }],
  ['pids limit', { PidsLimit: 100 }, { pids: { limit: 100 } }],
  ['pids limit -1 is unlimited', { PidsLimit: -1 }, {}],
  ['blkio weight', { BlkioWeight: 300 }, { blockIO: { weight: 300 } }],
  ['wrong types are ignored', { Memory: '1g', CpuShares: null }, {}],
];
for (const [name, fields, expected] of RESOURCE_TABLE) {
  test(`resources: ${name}`, () => assert.deepEqual(resourcesFromDocker(fields), expected));
}

test('resources reach linux.resources of the built spec', () => {
  const { linux } = buildOciSpec(specWith({ resources: { Memory: 1 << 26, PidsLimit: 20 } }), ROOT);
  assert.deepEqual(linux.resources.memory, { limit: 1 << 26 });
  assert.deepEqual(linux.resources.pids, { limit: 20 });
});

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/var/www:/bin/false\nnobody:x:65534:65534::/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\nwww:x:33:\nstaff:x:50:www,nobody\naudio:x:29:www\n';
const USER_TABLE: Array<[string, object]> = [
  ['', { uid: 0, gid: 0, additionalGids: [], home: '/root' }],
  ['root', { uid: 0, gid: 0, additionalGids: [], home: '/root' }],
  ['www', { uid: 33, gid: 33, additionalGids: [50, 29], home: '/var/www' }],
  ['33', { uid: 33, gid: 33, additionalGids: [50, 29], home: '/var/www' }],
  ['www:staff', { uid: 33, gid: 50, additionalGids: [29], home: '/var/www' }],
  ['1000:1000', { uid: 1000, gid: 1000, additionalGids: [], home: '/' }],
  ['nobody:7', { uid: 65534, gid: 7, additionalGids: [50], home: '/nonexistent' }],
];
for (const [user, expected] of USER_TABLE) {
  test(`user "${user}" resolves through the rootfs's passwd and group`, () => assert.deepEqual(resolveUser(user, { passwd: PASSWD, group: GROUP }), expected));
}

test('an unknown user or group name is an error naming it; numeric ids need no entry', () => {
  assert.throws(() => resolveUser('ghost', { passwd: PASSWD }), (e: Error & { code?: string }) => e.code === 'ERR_RUNTIME_USER' && /ghost/.test(e.message));
  assert.throws(() => resolveUser('www:ghosts', { passwd: PASSWD, group: GROUP }), /ghosts/);
  assert.deepEqual(resolveUser('5:6', {}), { uid: 5, gid: 6, additionalGids: [], home: '/' });
});

test('a resolved user reaches process.user with its supplementary groups', () => {
  const process = buildProcess(specWith(), resolveUser('www', { passwd: PASSWD, group: GROUP }));
  assert.deepEqual(process.user, { uid: 33, gid: 33, additionalGids: [50, 29] });
  assert.ok(process.env.includes('HOME=/var/www'));
});

test('a non-root user keeps the bounding set but starts with no effective or permitted capabilities, as in Docker', () => {
  const { capabilities } = buildOciSpec(specWith(), { ...ROOT, uid: 65534, gid: 65534 }).process;
  assert.equal(capabilities.bounding.length, 14);
  assert.deepEqual(capabilities.effective, []);
  assert.deepEqual(capabilities.permitted, []);
});
