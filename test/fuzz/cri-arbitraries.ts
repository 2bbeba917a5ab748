// The fast-check arbitraries of the CRI fuzz suite (cri-api.test.ts): garbage values, malformed
// and contradictory request parts, and harmless ones (so that real pods and containers are made
// too). Requests are the proto's messages as plain objects (snake_case, as the kubelet sends them).

import { join } from 'node:path';
import fc from 'fast-check';

export const garbageString = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('', ' ', '..', '../../etc', '/', 'a/b', 'x'.repeat(300), '\u0000', 'ünï', 'UPPER', '-lead', 'a:b@c'));
export const garbageInt = fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 1, 2 ** 31, 2 ** 53, -(2 ** 53)), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String));
export const namespaceMode = fc.oneof(fc.constantFrom('POD', 'CONTAINER', 'NODE', 'TARGET'), fc.integer({ min: -3, max: 9 }));

/** RunPodSandbox config changes, mostly malformed or contradictory. */
export const podChanges = fc.record({
  metadata: fc.oneof(fc.constant(undefined), fc.record({ name: garbageString, namespace: garbageString, uid: garbageString, attempt: garbageInt }, { requiredKeys: [] })),
  hostname: fc.oneof(garbageString, fc.constant(undefined)),
  log_directory: fc.oneof(fc.constantFrom('relative/logs', '', '../x'), fc.constant(undefined)),
  dns_config: fc.record({
    servers: fc.array(garbageString, { maxLength: 3 }), searches: fc.array(garbageString, { maxLength: 3 }), options: fc.array(garbageString, { maxLength: 2 }),
  }, { requiredKeys: [] }),
  port_mappings: fc.array(fc.record({ protocol: fc.oneof(fc.constantFrom('TCP', 'UDP', 'SCTP'), fc.integer({ min: -1, max: 5 })), container_port: garbageInt, host_port: fc.oneof(fc.constant(0), fc.integer({ min: -5, max: 70_000 }).filter((p) => p < 1 || p > 65_535)), host_ip: garbageString }, { requiredKeys: [] }), { maxLength: 2 }),
  labels: fc.dictionary(garbageString, garbageString, { maxKeys: 3 }),
  linux: fc.record({
    cgroup_parent: fc.constantFrom('', 'relative', '../..', 'kubepods.slice', 'a:b:c'),
    sysctls: fc.dictionary(fc.oneof(garbageString, fc.constantFrom('kernel.shm_rmid_forced', 'net.ipv4.ip_forward', 'kernel.hostname', 'vm.swappiness')), garbageString, { maxKeys: 2 }),
    security_context: fc.record({
      namespace_options: fc.record({
        network: namespaceMode, pid: namespaceMode, ipc: namespaceMode, target_id: garbageString, userns_options: fc.record({ mode: namespaceMode }),
      }, { requiredKeys: [] }),
      privileged: fc.boolean(), run_as_user: fc.record({ value: garbageInt }), readonly_rootfs: fc.boolean(),
      seccomp: fc.record({ profile_type: fc.integer({ min: -1, max: 4 }), localhost_ref: garbageString }, { requiredKeys: [] }),
    }, { requiredKeys: [] }),
  }, { requiredKeys: [] }),
}, { requiredKeys: [] });

/** RunPodSandbox config changes a valid pod may carry. */
export const harmlessPodChanges = fc.record({ hostname: fc.constantFrom('h', 'a-b', ''), labels: fc.dictionary(fc.constantFrom('app', 'x/y', 'k'), fc.string({ maxLength: 5 }), { maxKeys: 2 }), dns_config: fc.record({ servers: fc.constantFrom(['10.0.0.1'], []), options: fc.constantFrom(['ndots:2'], []) }) }, { requiredKeys: [] });

/** CreateContainer config changes, mostly malformed; host paths point below `hostDir` (watched by the test) or at fixed odd places. */
export function containerChanges(hostDir: string, image: string) {
  const hostPath = fc.oneof(fc.constantFrom('', 'relative', '/', '/proc/self', '/nonexistent-hookd-fuzz'), garbageString.map((s) => join(hostDir, s)));
  return fc.record({
    metadata: fc.oneof(fc.constant(undefined), fc.record({ name: garbageString, attempt: garbageInt }, { requiredKeys: [] })),
    image: fc.oneof(fc.constant(undefined), fc.record({ image: fc.oneof(garbageString, fc.constant(image)) }, { requiredKeys: [] })),
    command: fc.oneof(fc.constant(['true']), fc.array(garbageString, { maxLength: 2 })),
    args: fc.array(garbageString, { maxLength: 2 }),
    working_dir: garbageString,
    envs: fc.array(fc.record({ key: garbageString, value: garbageString.map((v) => Buffer.from(v)) }, { requiredKeys: [] }), { maxLength: 2 }),
    log_path: fc.oneof(garbageString, fc.constantFrom('../escape.log', '/abs.log', 'a/../../b.log', 'sub/dir/x.log')),
    mounts: fc.array(fc.record({ container_path: fc.oneof(garbageString, fc.constant('/mnt/x')), host_path: hostPath, readonly: fc.boolean(), propagation: fc.integer({ min: -1, max: 4 }), selinux_relabel: fc.boolean() }, { requiredKeys: [] }), { maxLength: 2 }),
    devices: fc.array(fc.record({ container_path: garbageString, host_path: fc.oneof(garbageString, fc.constantFrom('/dev/null', '/dev/nonexistent')), permissions: garbageString }, { requiredKeys: [] }), { maxLength: 1 }),
    labels: fc.dictionary(garbageString, garbageString, { maxKeys: 2 }),
    linux: fc.record({
      resources: fc.record({
        cpu_period: garbageInt, cpu_quota: garbageInt, cpu_shares: garbageInt, memory_limit_in_bytes: garbageInt, oom_score_adj: garbageInt,
        cpuset_cpus: garbageString, cpuset_mems: garbageString, memory_swap_limit_in_bytes: garbageInt,
      }, { requiredKeys: [] }),
      security_context: fc.record({
        namespace_options: fc.record({ network: namespaceMode, pid: namespaceMode, ipc: namespaceMode, target_id: garbageString }, { requiredKeys: [] }),
        capabilities: fc.record({ add_capabilities: fc.array(garbageString, { maxLength: 2 }), drop_capabilities: fc.array(garbageString, { maxLength: 2 }) }, { requiredKeys: [] }),
        run_as_user: fc.record({ value: garbageInt }), run_as_username: garbageString, run_as_group: fc.record({ value: garbageInt }),
        // Localhost profiles that are not profiles: a device read forever, a non-JSON host file, nothing, a relative path.
        seccomp: fc.record({ profile_type: fc.integer({ min: -1, max: 4 }), localhost_ref: fc.oneof(garbageString, fc.constantFrom('/dev/zero', '/etc/passwd', '/nonexistent.json', '/')) }, { requiredKeys: [] }),
        supplemental_groups: fc.array(garbageInt, { maxLength: 2 }), masked_paths: fc.array(garbageString, { maxLength: 2 }), readonly_paths: fc.array(garbageString, { maxLength: 2 }),
      }, { requiredKeys: [] }),
    }, { requiredKeys: [] }),
  }, { requiredKeys: [] });;
}

/** CreateContainer config changes a valid container may carry (one read-only mount of `hostDir`). */
export function harmlessContainerChanges(hostDir: string) {
  return fc.record({
    command: fc.constantFrom(['true'], ['sh', '-c', 'echo hi; exit 3']),
    envs: fc.array(fc.record({ key: fc.constantFrom('A', 'B_2'), value: fc.string({ maxLength: 5 }).map((v) => Buffer.from(v)) }), { maxLength: 2 }),
    log_path: fc.constantFrom('sub/dir/x.log', 'y.log', ''),
    mounts: fc.constantFrom([], [{ container_path: '/mnt/host', host_path: hostDir, readonly: true }]),
    linux: fc.record({ resources: fc.record({ cpu_shares: fc.integer({ min: 2, max: 1024 }), memory_limit_in_bytes: fc.constantFrom(0, 64 * 1024 * 1024) }, { requiredKeys: [] }) }),
  }, { requiredKeys: [] });
}

/** ExecSync requests: garbage commands end at once; a timeout of 0 is none, and the kept ones are short. */
export const execRequests = fc.record({ cmd: fc.array(garbageString, { maxLength: 3 }), timeout: fc.oneof(fc.constant(5), fc.integer({ min: -1000, max: 3 }), fc.constantFrom('-9223372036854775808', String(2 ** 40))) });

/** UpdateContainerResources linux resources, garbage and out of range. */
export const resourceChanges = fc.record({
  cpu_period: garbageInt, cpu_quota: garbageInt, cpu_shares: garbageInt, memory_limit_in_bytes: garbageInt, oom_score_adj: garbageInt,
  cpuset_cpus: fc.oneof(garbageString, fc.constantFrom('0', '0-1', '99', '1-0')), cpuset_mems: fc.oneof(garbageString, fc.constant('0')),
  memory_swap_limit_in_bytes: garbageInt, hugepage_limits: fc.array(fc.record({ page_size: garbageString, limit: garbageInt }), { maxLength: 1 }),
  unified: fc.dictionary(garbageString, garbageString, { maxKeys: 2 }),
}, { requiredKeys: [] });

/** UpdateContainerResources linux resources in range. */
export const harmlessResources = fc.record({
  cpu_shares: fc.integer({ min: 2, max: 262_144 }), cpu_period: fc.constantFrom(100_000, 50_000), cpu_quota: fc.constantFrom(-1, 0, 50_000),
  memory_limit_in_bytes: fc.constantFrom(0, 256 * 1024 * 1024),
}, { requiredKeys: [] });

/**
 * Image references that cannot reach a registry off this machine (tests may talk only to
 * loopback): unparseable ones, and ones on a closed loopback port.
 */
export function imageReferences(image: string) {
  return fc.oneof(
    // No '/' (no registry host), and invalid for sure: whitespace, an uppercase repository, a bad digest.
    fc.string({ maxLength: 30 }).filter((s) => !s.includes('/') && (s === '' || /\s/.test(s) || /^[^:]*[A-Z]/.test(s) || s.includes('@'))),
    fc.constantFrom('', ':', '@', 'a//b', 'busybox@sha256:short', 'busybox@sha256:' + 'z'.repeat(64), '127.0.0.1:1/nope:latest', 'localhost:1/x@sha256:' + '0'.repeat(64), 'sha256:' + 'f'.repeat(64), image + '::x'),
  );;
}
