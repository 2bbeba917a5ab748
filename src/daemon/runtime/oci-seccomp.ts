// linux.seccomp of the OCI spec: which syscall filter a container's processes (its init and every
// exec, since runc applies the container's filter to execs too) run under. Three settings:
// - "default": hookd's own profile (docs/security.md "Seccomp"). It is a DENY list: every syscall
//   is allowed except those that reach the host beyond what the container's capabilities say, which
//   fail with EPERM. Docker's default is an allow list (several hundred syscalls named); ours is
//   shorter and easier to audit, and lets through new syscalls an allow list would refuse, which is
//   the price of it. Entries that a capability legitimately grants are lifted when the container
//   holds that capability (mount with CAP_SYS_ADMIN, reboot with CAP_SYS_BOOT, ...).
// - "unconfined": no filter.
// - a profile in Docker's JSON format (what `docker run --security-opt seccomp=<file>` sends and
//   what a Kubernetes Localhost profile file holds), converted here into the OCI form.
// Privileged containers get no filter, whatever they ask for (Docker and containerd do the same).
// Pure: the JSON text is read by the caller.

import { arch } from 'node:process';

/** The OCI runtime spec's linux.seccomp (runc and crun take it as is). */
export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  syscalls?: OciSyscallRule[];
}

export interface OciSyscallRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: Array<{ index: number; value: number; valueTwo?: number; op: string }>;
}

/** What a container asked for; absent means the door's default (docs/daemon.md, docs/cri.md). */
export type SeccompSetting = { mode: 'default' } | { mode: 'unconfined' } | { mode: 'profile'; json: string };

export class SeccompProfileError extends Error {
  readonly code = 'ERR_RUNTIME_SECCOMP_PROFILE';
}

const EPERM = 1;
const CLONE_NEWUSER = 0x10000000;

/**
 * The deny list of hookd's default profile. `unless`: the capabilities that lift the entry (any
 * one of them). Entries without `unless` are denied to every confined container: the kernel
 * keyring is not namespaced, and user namespaces hand out a full capability set in a namespace
 * that the host's kernel then trusts for many operations.
 */
export const DEFAULT_DENY: ReadonlyArray<{ names: string[]; unless?: string[]; why: string }> = [
  { names: ['init_module', 'finit_module', 'delete_module', 'create_module'], unless: ['CAP_SYS_MODULE'], why: 'load or unload kernel modules' },
  { names: ['kexec_load', 'kexec_file_load'], unless: ['CAP_SYS_BOOT'], why: 'replace the running kernel' },
  { names: ['reboot'], unless: ['CAP_SYS_BOOT'], why: 'reboot the host (a pid namespace only catches it for its init)' },
  { names: ['swapon', 'swapoff'], unless: ['CAP_SYS_ADMIN'], why: 'change the host\'s swap' },
  { names: ['acct'], unless: ['CAP_SYS_PACCT'], why: 'switch process accounting for the whole host' },
  { names: ['keyctl', 'add_key', 'request_key'], why: 'the kernel keyring is shared with the host' },
  { names: ['bpf'], unless: ['CAP_SYS_ADMIN', 'CAP_BPF'], why: 'load eBPF programs into the host kernel' },
  { names: ['perf_event_open'], unless: ['CAP_SYS_ADMIN', 'CAP_PERFMON'], why: 'observe other processes and the kernel' },
  { names: ['userfaultfd'], unless: ['CAP_SYS_PTRACE'], why: 'a classic aid to kernel exploits' },
  { names: ['open_by_handle_at', 'name_to_handle_at'], unless: ['CAP_DAC_READ_SEARCH'], why: 'open host files by handle, around the mount namespace' },
  {
    names: ['mount', 'umount', 'umount2', 'pivot_root', 'unshare', 'setns', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount', 'open_tree', 'mount_setattr'],
    unless: ['CAP_SYS_ADMIN'],
    why: 'new mounts and namespaces (with a user namespace, these need no capability at all)',
  },
  { names: ['lookup_dcookie', 'quotactl', 'nfsservctl', 'vhangup', 'uselib'], unless: ['CAP_SYS_ADMIN'], why: 'host-wide or obsolete interfaces' },
];

/** The architectures the default profile covers: the host's own and the 32-bit ABIs it runs. */
export function hostArchitectures(nodeArch: string = arch): string[] {
  switch (nodeArch) {
    case 'x64': return ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'];
    case 'arm64': return ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'];
    case 'ppc64': return ['SCMP_ARCH_PPC64LE'];
    case 's390x': return ['SCMP_ARCH_S390X', 'SCMP_ARCH_S390'];
    default: return [];
  }
}

/** hookd's default profile for a container holding `capabilities` (full CAP_ names). */
export function defaultSeccompProfile(capabilities: readonly string[], architectures = hostArchitectures()): OciSeccomp {
  const held = new Set(capabilities);
  const denied = DEFAULT_DENY.filter((entry) => !entry.unless?.some((cap) => held.has(cap))).flatMap((entry) => entry.names);
  const syscalls: OciSyscallRule[] = [{ names: denied, action: 'SCMP_ACT_ERRNO', errnoRet: EPERM }];
  if (!held.has('CAP_SYS_ADMIN')) {
    // clone(CLONE_NEWUSER): the flags are argument 0 on the architectures above (s390 swaps the
    // first two). clone3 passes its flags in memory a filter cannot read: it answers ENOSYS,
    // which makes the C libraries fall back to clone, where the flags are checked.
    const flagsIndex = architectures[0]?.startsWith('SCMP_ARCH_S390') ? 1 : 0;
    syscalls.push(
      { names: ['clone'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, args: [{ index: flagsIndex, value: CLONE_NEWUSER, valueTwo: CLONE_NEWUSER, op: 'SCMP_CMP_MASKED_EQ' }] },
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 /* ENOSYS */ },
    );
  }
  return { defaultAction: 'SCMP_ACT_ALLOW', ...(architectures.length > 0 ? { architectures } : {}), syscalls };
}

/** linux.seccomp for a container, or undefined for none. */
export function seccompFor(setting: SeccompSetting | undefined, privileged: boolean, capabilities: readonly string[]): OciSeccomp | undefined {
  if (privileged || !setting || setting.mode === 'unconfined') return undefined;
  if (setting.mode === 'default') return defaultSeccompProfile(capabilities);
  return profileFromDockerJson(setting.json, capabilities);
}

const ACTIONS = new Set(['SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);
const OPERATORS = new Set(['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ']);

interface DockerRule {
  name?: unknown; names?: unknown; action?: unknown; errnoRet?: unknown; args?: unknown;
  includes?: { caps?: unknown; arches?: unknown }; excludes?: { caps?: unknown; arches?: unknown };
}

/**
 * Docker's profile format → OCI. Understood: defaultAction, defaultErrnoRet, architectures,
 * archMap (its architectures and sub-architectures), syscalls[] with name/names, action,
 * errnoRet, args {index, value, valueTwo, op}, and includes/excludes by capability (against the
 * container's) and by architecture (against the host's). SCMP_ACT_NOTIFY and listenerPath are
 * refused: they need an agent hookd does not run. Errors name the field.
 */
export function profileFromDockerJson(json: string, capabilities: readonly string[], nodeArch: string = arch): OciSeccomp {
  let profile: Record<string, unknown>;
  try {
    profile = JSON.parse(json) as Record<string, unknown>;
  } catch {
    // Not the parser's message: it quotes the text, and the text may be any host file a caller named.
    throw new SeccompProfileError('seccomp profile is not JSON');
  }
  if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) throw new SeccompProfileError('seccomp profile must be a JSON object');
  const fail = (field: string, problem: string): never => { throw new SeccompProfileError(`seccomp profile: ${field} ${problem}`); };
  const action = (value: unknown, field: string): string => (typeof value === 'string' && ACTIONS.has(value) ? value : fail(field, `must be one of ${[...ACTIONS].join(', ')}, got ${JSON.stringify(value)}`));
  const errno = (value: unknown, field: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fail(field, `must be a non-negative integer, got ${JSON.stringify(value)}`);
  };
  const strings = (value: unknown, field: string): string[] => {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value as string[] : fail(field, 'must be an array of strings');
  };
  if (profile.listenerPath) fail('listenerPath', 'is not supported (no seccomp notify agent)');
  const defaultAction = action(profile.defaultAction, 'defaultAction');
  const defaultErrnoRet = errno(profile.defaultErrnoRet, 'defaultErrnoRet');
  const architectures = strings(profile.architectures, 'architectures');
  if (profile.archMap !== undefined && profile.archMap !== null) {
    if (!Array.isArray(profile.archMap)) fail('archMap', 'must be an array');
    (profile.archMap as Array<{ architecture?: unknown; subArchitectures?: unknown }>).forEach((entry, i) => {
      const main = typeof entry?.architecture === 'string' ? entry.architecture : fail(`archMap[${i}].architecture`, 'must be a string');
      // Docker keeps only the entry of the host's architecture.
      if (hostArchitectures(nodeArch)[0] !== main) return;
      architectures.push(main, ...strings(entry.subArchitectures, `archMap[${i}].subArchitectures`));
    });
  }
  const held = new Set(capabilities);
  const hostArch = hostArchitectures(nodeArch)[0];
  const rules = profile.syscalls ?? [];
  if (!Array.isArray(rules)) fail('syscalls', 'must be an array');
  const syscalls: OciSyscallRule[] = [];
  (rules as DockerRule[]).forEach((rule, i) => {
    const at = `syscalls[${i}]`;
    if (rule === null || typeof rule !== 'object') fail(at, 'must be an object');
    const names = [...strings(rule.names, `${at}.names`), ...(typeof rule.name === 'string' && rule.name ? [rule.name] : [])];
    if (names.length === 0) fail(`${at}.names`, 'must name at least one syscall');
    const ruleAction = action(rule.action, `${at}.action`);
    const errnoRet = errno(rule.errnoRet, `${at}.errnoRet`);
    const capsIn = strings(rule.includes?.caps, `${at}.includes.caps`);
    const capsOut = strings(rule.excludes?.caps, `${at}.excludes.caps`);
    const archIn = strings(rule.includes?.arches, `${at}.includes.arches`);
    const archOut = strings(rule.excludes?.arches, `${at}.excludes.arches`);
    if (capsIn.length > 0 && !capsIn.every((cap) => held.has(cap))) return;
    if (capsOut.some((cap) => held.has(cap))) return;
    if (hostArch && archIn.length > 0 && !archIn.some((a) => archAlias(a) === hostArch)) return;
    if (hostArch && archOut.some((a) => archAlias(a) === hostArch)) return;
    const args = rule.args === undefined || rule.args === null ? [] : Array.isArray(rule.args) ? rule.args as Array<Record<string, unknown>> : fail(`${at}.args`, 'must be an array');
    syscalls.push({
      names, action: ruleAction, ...(errnoRet !== undefined ? { errnoRet } : {}),
      ...(args.length > 0 ? {
        args: args.map((arg, j) => {
          const field = `${at}.args[${j}]`;
          const int = (value: unknown, name: string, optional: boolean): number | undefined => {
            if (optional && (value === undefined || value === null)) return undefined;
            return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : fail(`${field}.${name}`, `must be a non-negative integer, got ${JSON.stringify(value)}`);
          };
          const op = typeof arg.op === 'string' && OPERATORS.has(arg.op) ? arg.op : fail(`${field}.op`, `must be one of ${[...OPERATORS].join(', ')}, got ${JSON.stringify(arg.op)}`);
          const valueTwo = int(arg.valueTwo, 'valueTwo', true);
          return { index: int(arg.index, 'index', false)!, value: int(arg.value, 'value', false)!, ...(valueTwo ? { valueTwo } : {}), op };
        }),
      } : {}),
    });
  });
  return {
    defaultAction, ...(defaultErrnoRet !== undefined ? { defaultErrnoRet } : {}),
    ...(architectures.length > 0 ? { architectures: [...new Set(architectures)] } : {}),
    ...(syscalls.length > 0 ? { syscalls } : {}),
  };
}

/** Docker's includes/excludes name architectures by Go's names ("amd64") or libseccomp's. */
function archAlias(name: string): string {
  const go: Record<string, string> = { amd64: 'SCMP_ARCH_X86_64', arm64: 'SCMP_ARCH_AARCH64', s390x: 'SCMP_ARCH_S390X', ppc64le: 'SCMP_ARCH_PPC64LE' };
  return go[name] ?? name;
}
