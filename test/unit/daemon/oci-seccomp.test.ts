import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildOciSpec } from '../../../src/daemon/runtime/oci-spec.ts';
import { DEFAULT_CAPABILITIES } from '../../../src/daemon/runtime/oci-defaults.ts';
import { defaultSeccompProfile, profileFromDockerJson, seccompFor, SeccompProfileError } from '../../../src/daemon/runtime/oci-seccomp.ts';
import { seccompSettingOf, validateLinuxOptions } from '../../../src/daemon/containers/linux-options.ts';
import type { RuntimeContainerSpec } from '../../../src/daemon/runtime/runtime.ts';

const X86 = ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'];
const denied = (profile: ReturnType<typeof defaultSeccompProfile>) => profile.syscalls!.filter((rule) => !rule.args).flatMap((rule) => rule.names);

test('the default profile allows by default and denies with EPERM what reaches the host beyond the capabilities', () => {
  const profile = defaultSeccompProfile(DEFAULT_CAPABILITIES, X86);
  assert.equal(profile.defaultAction, 'SCMP_ACT_ALLOW');
  assert.deepEqual(profile.architectures, X86);
  const eperm = profile.syscalls!.find((rule) => rule.errnoRet === 1 && !rule.args)!;
  for (const name of ['init_module', 'kexec_load', 'reboot', 'swapon', 'acct', 'keyctl', 'add_key', 'bpf', 'perf_event_open', 'userfaultfd', 'open_by_handle_at', 'mount', 'umount2', 'pivot_root', 'unshare', 'setns']) {
    assert.ok(eperm.names.includes(name), `${name} is denied`);
  }
  assert.equal(eperm.action, 'SCMP_ACT_ERRNO');
  for (const name of ['read', 'write', 'execve', 'chmod', 'sethostname', 'clone']) assert.ok(!denied(profile).includes(name), `${name} is allowed`);
  // clone with CLONE_NEWUSER is refused; clone3 answers ENOSYS so the C library falls back to clone.
  assert.deepEqual(profile.syscalls!.find((rule) => rule.names.includes('clone'))!.args, [{ index: 0, value: 0x10000000, valueTwo: 0x10000000, op: 'SCMP_CMP_MASKED_EQ' }]);
  assert.equal(profile.syscalls!.find((rule) => rule.names.includes('clone3'))!.errnoRet, 38);
});

test('a capability the container holds lifts the entries it grants; the keyring stays denied', () => {
  const profile = defaultSeccompProfile([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN', 'CAP_SYS_MODULE'], X86);
  const names = denied(profile);
  for (const name of ['mount', 'unshare', 'setns', 'bpf', 'perf_event_open', 'swapon', 'init_module']) assert.ok(!names.includes(name), `${name} is lifted`);
  for (const name of ['keyctl', 'kexec_load', 'reboot', 'userfaultfd']) assert.ok(names.includes(name), `${name} stays denied`);
  assert.ok(!profile.syscalls!.some((rule) => rule.names.includes('clone3')), 'clone3 is allowed with CAP_SYS_ADMIN');
  assert.ok(!defaultSeccompProfile(['CAP_SYS_BOOT'], X86).syscalls![0]!.names.includes('reboot'));
});

test('privileged and unconfined containers get no filter; the setting picks the profile', () => {
  assert.equal(seccompFor({ mode: 'default' }, true, DEFAULT_CAPABILITIES), undefined);
  assert.equal(seccompFor({ mode: 'profile', json: '{"defaultAction":"SCMP_ACT_ERRNO"}' }, true, DEFAULT_CAPABILITIES), undefined);
  assert.equal(seccompFor({ mode: 'unconfined' }, false, DEFAULT_CAPABILITIES), undefined);
  assert.equal(seccompFor(undefined, false, DEFAULT_CAPABILITIES), undefined);
  assert.equal(seccompFor({ mode: 'default' }, false, DEFAULT_CAPABILITIES)!.defaultAction, 'SCMP_ACT_ALLOW');
});

test('a Docker-format profile converts to the OCI form (critest\'s chmod profile, names/name, args, includes/excludes, archMap)', () => {
  assert.deepEqual(profileFromDockerJson('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod","fchmodat"],"action":"SCMP_ACT_ERRNO"}]}', DEFAULT_CAPABILITIES, 'x64'), {
    defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['chmod', 'fchmodat'], action: 'SCMP_ACT_ERRNO' }],
  });
  const docker = {
    defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1,
    archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }, { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { name: 'personality', action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, valueTwo: 0, op: 'SCMP_CMP_EQ' }] },
      { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_SYS_PTRACE'] } },
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
      { names: ['arm_fadvise64_64'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm64'] } },
      { names: ['chown'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
    ],
  };
  const oci = profileFromDockerJson(JSON.stringify(docker), DEFAULT_CAPABILITIES, 'x64');
  assert.deepEqual(oci, {
    defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW' },
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW' },
      { names: ['chown'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
    ],
  });
  const withAdmin = profileFromDockerJson(JSON.stringify(docker), [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN', 'CAP_SYS_PTRACE'], 'x64');
  assert.deepEqual(withAdmin.syscalls!.map((rule) => rule.names[0]), ['read', 'personality', 'mount', 'arch_prctl', 'chown']);
});

test('a bad profile is refused naming the field', () => {
  const refuses = (json: string, pattern: RegExp) => assert.throws(() => profileFromDockerJson(json, DEFAULT_CAPABILITIES, 'x64'), (error: unknown) => {
    assert.ok(error instanceof SeccompProfileError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
  refuses('{not json', /not JSON/);
  refuses('[]', /JSON object/);
  refuses('{"defaultAction":"SCMP_ACT_NOPE"}', /defaultAction must be one of/);
  refuses('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[],"action":"SCMP_ACT_ERRNO"}]}', /syscalls\[0\]\.names must name/);
  refuses('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_NOTIFY"}]}', /syscalls\[0\]\.action/);
  refuses('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"LIKE"}]}]}', /syscalls\[0\]\.args\[0\]\.op/);
  refuses('{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/agent.sock"}', /listenerPath/);
});

test('SecurityOpt: no seccomp option means the default profile (Docker\'s door); the last seccomp option wins; a bad profile is a 400 naming it', () => {
  assert.deepEqual(seccompSettingOf([]), { mode: 'default' });
  assert.deepEqual(seccompSettingOf(['no-new-privileges']), { mode: 'default' });
  assert.deepEqual(seccompSettingOf(['seccomp=unconfined']), { mode: 'unconfined' });
  assert.deepEqual(seccompSettingOf(['seccomp:unconfined', 'seccomp=builtin']), { mode: 'default' });
  assert.deepEqual(seccompSettingOf(['seccomp=runtime/default']), { mode: 'default' });
  assert.deepEqual(seccompSettingOf(['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}']), { mode: 'profile', json: '{"defaultAction":"SCMP_ACT_ALLOW"}' });
  validateLinuxOptions({ SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ALLOW",\n"syscalls":[]}'] });
  assert.throws(() => validateLinuxOptions({ SecurityOpt: ['no-new-privileges', 'seccomp={"defaultAction":1}'] }), /HostConfig\.SecurityOpt\[1\] seccomp profile: defaultAction/);
  assert.throws(() => validateLinuxOptions({ SecurityOpt: ['seccomp=/etc/profile.json'] }), /HostConfig\.SecurityOpt\[0\].*not supported/);
});

test('the OCI spec carries linux.seccomp for a confined container and none for a privileged one', () => {
  const spec = (linux: RuntimeContainerSpec['linux']): RuntimeContainerSpec => ({
    id: 'c1', rootfs: '/r', stateDir: '/s', logPath: '/l', exitPath: '/e', args: ['sh'], env: [], cwd: '/', user: '',
    hostname: 'h1', tty: false, openStdin: false, stdinOnce: false, mounts: [], networkMode: 'bridge', resources: {},
    readonlyRootfs: false, prestartHooks: [], annotations: {}, linux,
  });
  const root = { uid: 0, gid: 0, additionalGids: [], home: '/root' };
  const confined = buildOciSpec(spec({ seccomp: { mode: 'default' }, capAdd: ['SYS_ADMIN'] }), root).linux.seccomp!;
  assert.equal(confined.defaultAction, 'SCMP_ACT_ALLOW');
  assert.ok(!confined.syscalls![0]!.names.includes('mount'), 'CapAdd SYS_ADMIN lifts mount');
  assert.equal(buildOciSpec(spec({ seccomp: { mode: 'default' }, privileged: true }), root).linux.seccomp, undefined);
  assert.equal(buildOciSpec(spec({ seccomp: { mode: 'unconfined' } }), root).linux.seccomp, undefined);
});
