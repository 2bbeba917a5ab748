// Docker's defaults for an OCI spec (moby `oci/defaults.go`, `oci/caps/defaults.go`), so a
// container here sees the same capabilities, mounts, masked paths and devices as under Docker.
// Seccomp and AppArmor profiles are not applied (documented gap: runc runs without a filter).

import type { OciMount } from './oci-spec.ts';

export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger',
];

/**
 * containerd's and `runc spec`'s default. Raising the hard limit above the daemon's own needs
 * CAP_SYS_RESOURCE, which a daemon in a container often lacks (runc then fails with "error setting
 * rlimit type 7"); HostConfig.Ulimits raises it where that is allowed.
 */
export const DEFAULT_NOFILE = { soft: 1024, hard: 1024 };

/** Privileged containers get /sys and the cgroup tree read-write, as under Docker. */
export function defaultMounts(options: { privileged?: boolean } = {}): OciMount[] {
  const ro = options.privileged ? [] : ['ro'];
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', ...ro] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: [...ro, 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864'] },
  ];
}

/** Device cgroup: deny everything, then allow what Docker allows by default. */
export function defaultDeviceRules(): Array<{ allow: boolean; type?: string; major?: number; minor?: number; access: string }> {
  const allow = (type: string, major?: number, minor?: number, access = 'rwm') =>
    ({ allow: true, type, ...(major === undefined ? {} : { major }), ...(minor === undefined ? {} : { minor }), access });
  return [
    { allow: false, access: 'rwm' },
    allow('c', undefined, undefined, 'm'), allow('b', undefined, undefined, 'm'), // mknod of any device
    allow('c', 1, 3), allow('c', 1, 5), allow('c', 1, 7), allow('c', 1, 8), allow('c', 1, 9), // null zero full random urandom
    allow('c', 5, 0), allow('c', 5, 1), allow('c', 5, 2), allow('c', 136), // tty console ptmx pts/*
    allow('c', 10, 200), // tun
  ];
}
