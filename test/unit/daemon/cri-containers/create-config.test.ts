import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { criCreatePlan, type SandboxForContainer } from '../../../../src/daemon/cri/containers/create-config.ts';
import { criDataOf } from '../../../../src/daemon/cri/containers/labels.ts';
import { CriError } from '../../../../src/daemon/cri/status.ts';
import type { ContainerConfig__Output } from '../../../../src/daemon/cri/generated/types/runtime/v1/ContainerConfig.ts';
import type { LinuxContainerSecurityContext__Output } from '../../../../src/daemon/cri/generated/types/runtime/v1/LinuxContainerSecurityContext.ts';
import type { LinuxContainerResources__Output } from '../../../../src/daemon/cri/generated/types/runtime/v1/LinuxContainerResources.ts';

const SANDBOX_ID = 'a'.repeat(64);

function sandbox(overrides: Partial<SandboxForContainer> = {}): SandboxForContainer {
  return {
    id: SANDBOX_ID,
    config: {
      metadata: { name: 'web', uid: 'u1', namespace: 'default', attempt: 0 }, hostname: 'web-host', log_directory: '/var/log/pods/u1',
      dns_config: null, port_mappings: [], labels: {}, annotations: {}, linux: null, windows: null,
    },
    hostNetwork: false,
    namespaces: { network: `container:${SANDBOX_ID}`, ipc: `container:${SANDBOX_ID}`, uts: `container:${SANDBOX_ID}`, pid: undefined },
    cgroupParent: '/kubepods/podu1',
    hostname: 'web-host',
    ...overrides,
  };
}

function security(overrides: Partial<LinuxContainerSecurityContext__Output> = {}): LinuxContainerSecurityContext__Output {
  return {
    capabilities: null, privileged: false, namespace_options: null, selinux_options: null, run_as_user: null, run_as_username: '',
    readonly_rootfs: false, supplemental_groups: [], apparmor_profile: '', seccomp_profile_path: '', no_new_privs: false, run_as_group: null,
    masked_paths: [], readonly_paths: [], seccomp: null, apparmor: null, supplemental_groups_policy: 'Merge',
    ...overrides,
  };
}

function resources(overrides: Partial<LinuxContainerResources__Output> = {}): LinuxContainerResources__Output {
  return {
    cpu_period: '0', cpu_quota: '0', cpu_shares: '0', memory_limit_in_bytes: '0', oom_score_adj: '0', cpuset_cpus: '', cpuset_mems: '',
    hugepage_limits: [], unified: {}, memory_swap_limit_in_bytes: '0',
    ...overrides,
  };
}

function config(overrides: Partial<ContainerConfig__Output> = {}): ContainerConfig__Output {
  return {
    metadata: { name: 'app', attempt: 2 }, image: { image: 'busybox:cri', annotations: {}, user_specified_image: '', runtime_handler: '', image_ref: '' },
    command: [], args: [], working_dir: '', envs: [], mounts: [], devices: [], labels: {}, annotations: {}, log_path: '',
    stdin: false, stdin_once: false, tty: false, linux: null, windows: null, CDI_devices: [], stop_signal: 'SIGNAL_RUNTIME_DEFAULT',
    ...overrides,
  };
}

const plan = (c: ContainerConfig__Output, s = sandbox(), minOomScoreAdj = 0) => criCreatePlan(c, s, { minOomScoreAdj });

function assertInvalid(fn: () => unknown, field: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof CriError, String(error));
    assert.equal(error.grpcCode, grpc.status.INVALID_ARGUMENT);
    assert.ok(error.message.startsWith(field), `${error.message} should name ${field}`);
    return true;
  });
}

test('the name is dockershim\'s, the image is passed as given, and metadata and image are required', () => {
  const { name, config: created } = plan(config());
  assert.equal(name, 'k8s_app_web_default_u1_2');
  assert.equal(created.Image, 'busybox:cri');
  assertInvalid(() => plan(config({ metadata: { name: '', attempt: 0 } })), 'config.metadata.name');
  assertInvalid(() => plan(config({ image: null })), 'config.image.image');
});

test('labels pass as given, annotations as labels with the annotation. prefix, and both come back unchanged', () => {
  const { config: created } = plan(config({ labels: { tier: 'front' }, annotations: { 'a.b/c': 'd' } }));
  assert.equal(created.Labels!.tier, 'front');
  assert.equal(created.Labels!['annotation.a.b/c'], 'd');
  assert.equal(created.Labels!['io.kubernetes.docker.type'], 'container');
  assert.equal(created.Labels!['io.kubernetes.sandbox.id'], SANDBOX_ID);
  const back = criDataOf(created.Labels!);
  assert.deepEqual(back, { sandboxId: SANDBOX_ID, name: 'app', attempt: 2, logPath: '', labels: { tier: 'front' }, annotations: { 'a.b/c': 'd' } });
  assertInvalid(() => plan(config({ labels: { 'io.kubernetes.sandbox.id': 'x' } })), 'config.labels[io.kubernetes.sandbox.id]');
  assertInvalid(() => plan(config({ labels: { 'annotation.x': 'y' } })), 'config.labels[annotation.x]');
});

test('envs become NAME=value after the pod\'s HOSTNAME; a key with "=" is refused', () => {
  const { config: created } = plan(config({ envs: [{ key: 'A', value: Buffer.from('1=2') }, { key: 'HOSTNAME', value: Buffer.from('mine') }] }));
  assert.deepEqual(created.Env, ['HOSTNAME=web-host', 'A=1=2', 'HOSTNAME=mine']);
  assertInvalid(() => plan(config({ envs: [{ key: 'A=B', value: Buffer.from('') }] })), 'config.envs[0].key');
});

test('command replaces Entrypoint, args replace Cmd, and neither is set when empty (the image\'s apply)', () => {
  const both = plan(config({ command: ['/bin/sh', '-c'], args: ['echo hi'], working_dir: '/w' })).config;
  assert.deepEqual([both.Entrypoint, both.Cmd, both.WorkingDir], [['/bin/sh', '-c'], ['echo hi'], '/w']);
  const none = plan(config()).config;
  assert.deepEqual([none.Entrypoint, none.Cmd, none.WorkingDir], [undefined, undefined, undefined]);
  const argsOnly = plan(config({ args: ['x'] })).config;
  assert.deepEqual([argsOnly.Entrypoint, argsOnly.Cmd], [undefined, ['x']]);
});

test('tty, stdin and stdin_once map to Tty, OpenStdin and StdinOnce (stdin_once only with stdin)', () => {
  const created = plan(config({ tty: true, stdin: true, stdin_once: true })).config;
  assert.deepEqual([created.Tty, created.OpenStdin, created.StdinOnce], [true, true, true]);
  assert.equal(plan(config({ stdin_once: true })).config.StdinOnce, false);
});

test('the log path is the sandbox\'s log_directory joined with log_path; none without either', () => {
  const withLog = plan(config({ log_path: 'app/0.log' }));
  assert.equal(withLog.logPath, '/var/log/pods/u1/app/0.log');
  assert.equal(withLog.config.Labels!['io.kubernetes.container.logpath'], '/var/log/pods/u1/app/0.log');
  assert.equal(plan(config()).logPath, undefined);
  const noDir = sandbox();
  noDir.config = { ...noDir.config, log_directory: '' };
  assert.equal(plan(config({ log_path: 'x.log' }), noDir).logPath, undefined);
  assertInvalid(() => plan(config({ log_path: '../../etc/x' })), 'config.log_path');
});

test('mounts are binds with readonly and propagation; selinux_relabel is ignored; relative paths are refused', () => {
  const mounts = plan(config({
    mounts: [
      { container_path: '/a', host_path: '/h/a', readonly: true, selinux_relabel: true, propagation: 'PROPAGATION_PRIVATE', uidMappings: [], gidMappings: [], recursive_read_only: false, image: null, image_sub_path: '', mount_options: [] },
      { container_path: '/b', host_path: '/h/b', readonly: false, selinux_relabel: false, propagation: 'PROPAGATION_HOST_TO_CONTAINER', uidMappings: [], gidMappings: [], recursive_read_only: false, image: null, image_sub_path: '', mount_options: [] },
      { container_path: '/c', host_path: '/h/c', readonly: false, selinux_relabel: false, propagation: 'PROPAGATION_BIDIRECTIONAL', uidMappings: [], gidMappings: [], recursive_read_only: false, image: null, image_sub_path: '', mount_options: [] },
    ],
  })).config.HostConfig!.Mounts;
  assert.deepEqual(mounts, [
    { Type: 'bind', Source: '/h/a', Target: '/a', ReadOnly: true, BindOptions: { Propagation: 'rprivate' } },
    { Type: 'bind', Source: '/h/b', Target: '/b', ReadOnly: false, BindOptions: { Propagation: 'rslave' } },
    { Type: 'bind', Source: '/h/c', Target: '/c', ReadOnly: false, BindOptions: { Propagation: 'rshared' } },
  ]);
  const bad = { container_path: 'rel', host_path: '/h', readonly: false, selinux_relabel: false, propagation: 'PROPAGATION_PRIVATE' as const, uidMappings: [], gidMappings: [], recursive_read_only: false, image: null, image_sub_path: '', mount_options: [] };
  assertInvalid(() => plan(config({ mounts: [bad] })), 'config.mounts[0].container_path');
  assertInvalid(() => plan(config({ mounts: [{ ...bad, container_path: '/x', host_path: 'rel' }] })), 'config.mounts[0].host_path');
});

test('devices map to HostConfig.Devices with their permissions', () => {
  const devices = plan(config({ devices: [{ host_path: '/dev/null', container_path: '/dev/xnull', permissions: 'rw' }, { host_path: '/dev/zero', container_path: '', permissions: '' }] })).config.HostConfig!.Devices;
  assert.deepEqual(devices, [
    { PathOnHost: '/dev/null', PathInContainer: '/dev/xnull', CgroupPermissions: 'rw' },
    { PathOnHost: '/dev/zero', PathInContainer: '/dev/zero', CgroupPermissions: 'rwm' },
  ]);
  assertInvalid(() => plan(config({ devices: [{ host_path: 'null', container_path: '', permissions: '' }] })), 'config.devices[0].host_path');
});

test('resources map to Docker\'s fields; oom_score_adj is raised to the daemon\'s own; the cgroup parent is the sandbox\'s', () => {
  const linux = {
    resources: resources({ cpu_period: '100000', cpu_quota: '50000', cpu_shares: '512', memory_limit_in_bytes: '67108864', oom_score_adj: '-998', cpuset_cpus: '0', cpuset_mems: '0', memory_swap_limit_in_bytes: '134217728' }),
    security_context: null,
  };
  const host = plan(config({ linux }), sandbox(), 0).config.HostConfig!;
  assert.deepEqual(
    [host.CpuPeriod, host.CpuQuota, host.CpuShares, host.Memory, host.MemorySwap, host.CpusetCpus, host.CpusetMems, host.CgroupParent],
    [100000, 50000, 512, 67108864, 134217728, '0', '0', '/kubepods/podu1'],
  );
  assert.equal(host.OomScoreAdj, undefined, 'raised to 0, the daemon\'s own: nothing to set');
  assert.equal(plan(config({ linux: { resources: resources({ oom_score_adj: '500' }), security_context: null } })).config.HostConfig!.OomScoreAdj, 500);
  assert.equal(plan(config({ linux: { resources: resources({ oom_score_adj: '-5' }), security_context: null } }), sandbox(), -10).config.HostConfig!.OomScoreAdj, -5);
  assertInvalid(() => plan(config({ linux: { resources: resources({ cpu_shares: '-1' }), security_context: null } })), 'config.linux.resources.cpu_shares');
  assertInvalid(() => plan(config({ linux: { resources: resources({ oom_score_adj: '1001' }), security_context: null } })), 'config.linux.resources.oom_score_adj');
});

test('run_as_user, run_as_group and run_as_username become User; contradictory ones are refused', () => {
  const user = (ctx: Partial<LinuxContainerSecurityContext__Output>) => plan(config({ linux: { resources: null, security_context: security(ctx) } })).config.User;
  assert.equal(user({ run_as_user: { value: '1000' } }), '1000');
  assert.equal(user({ run_as_user: { value: '1000' }, run_as_group: { value: '2000' } }), '1000:2000');
  assert.equal(user({ run_as_username: 'nobody', run_as_group: { value: '7' } }), 'nobody:7');
  assert.equal(user({}), undefined);
  assertInvalid(() => user({ run_as_group: { value: '7' } }), 'config.linux.security_context.run_as_group');
  assertInvalid(() => user({ run_as_user: { value: '1' }, run_as_username: 'x' }), 'config.linux.security_context.run_as_username');
  assertInvalid(() => user({ run_as_user: { value: '-1' } }), 'config.linux.security_context.run_as_user');
});

test('the security context: readonly rootfs, privileged (only in a privileged sandbox), capabilities, no_new_privs, masked and read-only paths, groups', () => {
  const ctx = security({
    readonly_rootfs: true, capabilities: { add_capabilities: ['NET_ADMIN'], drop_capabilities: ['CAP_KILL'], add_ambient_capabilities: [] },
    no_new_privs: true, masked_paths: ['/proc/x'], readonly_paths: ['/proc/y'], supplemental_groups: ['10', '20'],
  });
  const host = plan(config({ linux: { resources: null, security_context: ctx } })).config.HostConfig!;
  assert.deepEqual(
    [host.ReadonlyRootfs, host.Privileged, host.CapAdd, host.CapDrop, host.SecurityOpt, host.MaskedPaths, host.ReadonlyPaths, host.GroupAdd],
    [true, false, ['CAP_NET_ADMIN'], ['CAP_KILL'], ['no-new-privileges', 'seccomp=unconfined'], ['/proc/x'], ['/proc/y'], ['10', '20']],
  );
  const defaults = plan(config({ linux: { resources: null, security_context: security() } })).config.HostConfig!;
  assert.deepEqual([defaults.MaskedPaths, defaults.ReadonlyPaths, defaults.SecurityOpt], [undefined, undefined, ['seccomp=unconfined']], 'empty lists mean the defaults');
  assertInvalid(() => plan(config({ linux: { resources: null, security_context: security({ privileged: true }) } })), 'config.linux.security_context.privileged');
  const privilegedPod = sandbox();
  privilegedPod.config = { ...privilegedPod.config, linux: { cgroup_parent: '', sysctls: {}, overhead: null, resources: null, security_context: { ...security(), namespace_options: null, privileged: true } as never } };
  assert.equal(plan(config({ linux: { resources: null, security_context: security({ privileged: true }) } }), privilegedPod).config.HostConfig!.Privileged, true);
  assertInvalid(() => plan(config({ linux: { resources: null, security_context: security({ capabilities: { add_capabilities: ['FLY'], drop_capabilities: [], add_ambient_capabilities: [] } }) } })), 'config.linux.security_context.capabilities.add_capabilities[0]');
});

test('namespaces join the sandbox: network, IPC and UTS always, PID per its mode; a host-network pod shares the host\'s', () => {
  const modes = (options: Partial<{ network: string; pid: string; ipc: string; target_id: string }>, s = sandbox()) => {
    const host = plan(config({ linux: { resources: null, security_context: security({ namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD', target_id: '', userns_options: null, ...options } as never }) } }), s).config.HostConfig!;
    return [host.NetworkMode, host.IpcMode, host.UTSMode, host.PidMode];
  };
  const join = `container:${SANDBOX_ID}`;
  assert.deepEqual(modes({}), [join, join, join, undefined]);
  assert.deepEqual(modes({ pid: 'POD' }), [join, join, join, join]);
  assert.deepEqual(modes({ pid: 'NODE', ipc: 'NODE' }), [join, 'host', join, 'host']);
  assert.deepEqual(modes({ pid: 'TARGET', target_id: 'b'.repeat(64) }), [join, join, join, `container:${'b'.repeat(64)}`]);
  assert.deepEqual(modes({ network: 'NODE' }, sandbox({ hostNetwork: true })), ['host', join, 'host', undefined]);
  assertInvalid(() => modes({ pid: 'TARGET' }), 'config.linux.security_context.namespace_options.target_id');
});

test('stop_signal becomes StopSignal unless it is the runtime default', () => {
  assert.equal(plan(config({ stop_signal: 'SIGNAL_SIGINT' } as never)).config.StopSignal, 'SIGINT');
  assert.equal(plan(config()).config.StopSignal, undefined);
});

test('seccomp: RuntimeDefault is the builtin profile, Unconfined and nothing are unconfined, Localhost sends the file\'s JSON', () => {
  const profileJson = '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod","fchmodat"],"action":"SCMP_ACT_ERRNO"}]}';
  const read: string[] = [];
  const readSeccompProfile = (path: string): string => {
    read.push(path);
    if (path === '/profiles/chmod.json') return profileJson;
    if (path === '/profiles/bad.json') return '{"defaultAction":"SCMP_ACT_MAYBE"}';
    throw new Error('ENOENT: no such file');
  };
  const opts = (ctx: LinuxContainerSecurityContext__Output | null) => {
    const created = criCreatePlan(config({ linux: { resources: null, security_context: ctx } }), sandbox(), { minOomScoreAdj: 0, readSeccompProfile });
    return created.config.HostConfig!.SecurityOpt;
  };
  const profile = (profile_type: 'RuntimeDefault' | 'Unconfined' | 'Localhost', localhost_ref = '') => security({ seccomp: { profile_type, localhost_ref } });
  assert.deepEqual(opts(null), ['seccomp=unconfined'], 'no security context: unconfined, as containerd');
  assert.deepEqual(opts(security()), ['seccomp=unconfined'], 'no seccomp field: unconfined');
  assert.deepEqual(opts(profile('RuntimeDefault')), ['seccomp=builtin']);
  assert.deepEqual(opts(profile('Unconfined')), ['seccomp=unconfined']);
  assert.deepEqual(opts(profile('Localhost', '/profiles/chmod.json')), [`seccomp=${profileJson}`]);
  assert.deepEqual(opts(security({ no_new_privs: true, seccomp: { profile_type: 'RuntimeDefault', localhost_ref: '' } })), ['no-new-privileges', 'seccomp=builtin']);
  // The deprecated path field, used when seccomp is unset.
  assert.deepEqual(opts(security({ seccomp_profile_path: 'runtime/default' })), ['seccomp=builtin']);
  assert.deepEqual(opts(security({ seccomp_profile_path: 'docker/default' })), ['seccomp=builtin']);
  assert.deepEqual(opts(security({ seccomp_profile_path: 'unconfined' })), ['seccomp=unconfined']);
  assert.deepEqual(opts(security({ seccomp_profile_path: 'localhost//profiles/chmod.json' })), [`seccomp=${profileJson}`]);
  assert.deepEqual(read, ['/profiles/chmod.json', '/profiles/chmod.json']);
  // Refusals name the field (and the file).
  assertInvalid(() => opts(profile('Localhost', 'relative.json')), 'config.linux.security_context.seccomp.localhost_ref');
  assertInvalid(() => opts(profile('Localhost', '/profiles/missing.json')), 'config.linux.security_context.seccomp.localhost_ref');
  assertInvalid(() => opts(profile('Localhost', '/profiles/bad.json')), 'config.linux.security_context.seccomp.localhost_ref');
  assertInvalid(() => opts(security({ seccomp_profile_path: 'apparmor/x' })), 'config.linux.security_context.seccomp_profile_path');
  assertInvalid(() => opts(security({ seccomp: { profile_type: 7 as never, localhost_ref: '' } })), 'config.linux.security_context.seccomp.profile_type');
});

test('an image volume is UNIMPLEMENTED naming the field, not INVALID_ARGUMENT', () => {
  const mount = { container_path: '/img', host_path: '', readonly: true, selinux_relabel: false, propagation: 'PROPAGATION_PRIVATE' as const, uidMappings: [], gidMappings: [], recursive_read_only: false, image: { image: 'busybox', annotations: {}, user_specified_image: '', runtime_handler: '', image_ref: '' }, image_sub_path: '', mount_options: [] };
  assert.throws(() => plan(config({ mounts: [mount] })), (error: unknown) => {
    assert.ok(error instanceof CriError, String(error));
    assert.equal(error.grpcCode, grpc.status.UNIMPLEMENTED);
    assert.match(error.message, /^config\.mounts\[0\]\.image: image volumes/);
    return true;
  });
  assertInvalid(() => plan(config({ mounts: [{ ...mount, readonly: false }] })), 'config.mounts[0].readonly');
});
