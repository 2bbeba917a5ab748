// The isolation options CRI needs, through the Docker API on the real daemon (runc under conmon):
// joining another container's IPC, PID and UTS namespaces, CapAdd/CapDrop, Privileged,
// ReadonlyRootfs, no-new-privileges, masked paths, devices, User uid:gid with GroupAdd,
// OomScoreAdj, Sysctls and CgroupParent. Each is checked from inside the container, as the kernel reports it.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from './daemon-process.ts';
import { runcMissingReason } from './daemon-per-runtime.ts';

const IMAGE = 'busybox:isolation';
const CAP_SYS_ADMIN_BIT = 21n;
const CAP_KILL_BIT = 5n;

let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess | undefined;
let skipReason: string | undefined;

before(async () => {
  work = await makeWorkDir();
  skipReason = (await dockerCliMissingReason()) ?? (await runcMissingReason());
  const tarball = skipReason ? undefined : await buildBusyboxRootfsTarball(work.dir);
  if (!skipReason && tarball === undefined) skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
  if (skipReason) {
    console.log(`# skipping the isolation options: ${skipReason}`);
    return;
  }
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc' } });
  const imported = await daemon.cli(['import', tarball!, IMAGE]);
  assert.equal(imported.exitCode, 0, imported.stderr);
});

after(async () => {
  if (daemon && daemon.exitInfo === undefined) {
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true });
    await daemon.stop();
  }
  // The cgroup parent the test asked for outlives its container (runc removes only the leaf).
  await execa('sh', ['-c', 'rmdir /sys/fs/cgroup/*/hookd-e2e-parent 2>/dev/null; true'], { reject: false });
  await work?.remove();
});

/** docker run --rm <flags> IMAGE sh -c <script>: its stdout, trimmed. */
async function runIn(flags: string[], script: string): Promise<string> {
  const run = await daemon!.cli(['run', '--rm', ...flags, IMAGE, 'sh', '-c', script]);
  assert.equal(run.exitCode, 0, `docker run ${flags.join(' ')}: ${run.stderr}`);
  return run.stdout.trim();
}

function capEff(status: string): bigint {
  return BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(status)![1]}`);
}

test('IpcMode, PidMode and UTSMode container:<id> join the namespaces of a running container', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const first = await daemon.cli(['run', '-d', '--name', 'holder', '--hostname', 'pod-host', IMAGE, 'sleep', '1000']);
  assert.equal(first.exitCode, 0, first.stderr);
  const own = await daemon.cli(['exec', 'holder', 'sh', '-c', 'for n in ipc pid uts; do readlink /proc/self/ns/$n; done']);
  const docker = daemon.docker();
  const joiner = await docker.createContainer({
    Image: IMAGE, Cmd: ['sh', '-c', 'for n in ipc pid uts; do readlink /proc/self/ns/$n; done; hostname; ps -o comm | grep -c sleep'],
    HostConfig: { IpcMode: 'container:holder', PidMode: 'container:holder', UTSMode: 'container:holder' },
  });
  await joiner.start();
  assert.equal((await joiner.wait()).StatusCode, 0);
  const output = (await joiner.logs({ stdout: true, stderr: true, follow: false })).toString('utf8');
  const lines = output.split('\n').map((line) => line.replace(/^[\s\S]{8}/, '').trim()).filter(Boolean);
  assert.deepEqual(lines.slice(0, 3), own.stdout.trim().split('\n'), 'the same ipc, pid and uts namespaces');
  assert.equal(lines[3], 'pod-host', 'the hostname of the joined UTS namespace');
  assert.equal(lines[4], '1', 'the holder\'s sleep is visible in the shared pid namespace');
  await joiner.remove();
  const host = await runIn(['--ipc', 'host', '--pid', 'host'], 'readlink /proc/self/ns/ipc; ps -o pid | grep -c .');
  const [ipc = '', processes = '0'] = host.split('\n');
  assert.notEqual(ipc, own.stdout.split('\n')[0]);
  assert.ok(Number(processes) > 5, `host pid namespace shows the host's processes, got ${processes}`);
});

test('joining a container that does not exist is refused at create; one that is not running at start', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const missing = await daemon.cli(['create', '--ipc', 'container:nosuch', IMAGE, 'true']);
  assert.notEqual(missing.exitCode, 0);
  assert.match(missing.stderr, /HostConfig.IpcMode container:nosuch: no such container: nosuch/);
  assert.equal((await daemon.cli(['create', '--name', 'idle', IMAGE, 'true'])).exitCode, 0);
  const stopped = await daemon.cli(['run', '--rm', '--pid', 'container:idle', IMAGE, 'true']);
  assert.notEqual(stopped.exitCode, 0);
  assert.match(stopped.stderr, /cannot join the pid namespace of container idle \(HostConfig.PidMode\): it is not running/);
});

test('CapAdd and CapDrop change the effective set; Privileged has every capability and no masked /proc', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const plain = capEff(await runIn([], 'cat /proc/self/status'));
  assert.equal((plain >> CAP_SYS_ADMIN_BIT) & 1n, 0n);
  assert.equal((plain >> CAP_KILL_BIT) & 1n, 1n);
  const tweaked = capEff(await runIn(['--cap-add', 'SYS_ADMIN', '--cap-drop', 'kill'], 'cat /proc/self/status'));
  assert.equal((tweaked >> CAP_SYS_ADMIN_BIT) & 1n, 1n);
  assert.equal((tweaked >> CAP_KILL_BIT) & 1n, 0n);
  // An exec has its container's capabilities too (ExecSync and docker exec alike).
  const holder = await daemon.cli(['run', '-d', '--cap-add', 'SYS_ADMIN', '--cap-drop', 'KILL', IMAGE, 'sleep', '1000']);
  assert.equal(holder.exitCode, 0, holder.stderr);
  const inExec = await daemon.cli(['exec', holder.stdout.trim(), 'cat', '/proc/self/status']);
  assert.equal((capEff(inExec.stdout) >> CAP_SYS_ADMIN_BIT) & 1n, 1n);
  assert.equal((capEff(inExec.stdout) >> CAP_KILL_BIT) & 1n, 0n);
  const privileged = await runIn(['--privileged'], 'cat /proc/self/status; grep -c " /proc/keys " /proc/self/mountinfo || true');
  assert.equal((capEff(privileged) >> CAP_SYS_ADMIN_BIT) & 1n, 1n);
  assert.equal(privileged.split('\n').at(-1), '0', 'a privileged container has no masked paths');
  assert.equal(await runIn([], 'grep -c " /proc/keys " /proc/self/mountinfo'), '1', '/proc/keys is masked by default');
  const unknown = await daemon.cli(['create', '--cap-add', 'FLY', IMAGE, 'true']);
  assert.match(unknown.stderr, /HostConfig.CapAdd\[0\] is not a capability: "(CAP_)?FLY"/);
});

test('ReadonlyRootfs, no-new-privileges, User uid:gid with GroupAdd, OomScoreAdj, a device, a sysctl and a cgroup parent', async (t) => {
  if (!daemon) return t.skip(skipReason);
  assert.match(await runIn(['--read-only'], 'touch /x 2>&1 || echo refused'), /Read-only file system[\s\S]*refused/);
  assert.match(await runIn(['--security-opt', 'no-new-privileges'], 'grep NoNewPrivs /proc/self/status'), /NoNewPrivs:\s*1/);
  assert.match(await runIn([], 'grep NoNewPrivs /proc/self/status'), /NoNewPrivs:\s*0/);
  assert.equal(await runIn(['--user', '1234:2345', '--group-add', '3456'], 'id -u; id -g; id -G'), '1234\n2345\n2345 3456');
  assert.equal(await runIn(['--oom-score-adj', '500'], 'cat /proc/self/oom_score_adj'), '500');
  assert.equal(await runIn(['--device', '/dev/null:/dev/xnull:rw'], 'test -c /dev/xnull && echo hi > /dev/xnull && echo ok'), 'ok');
  assert.equal(await runIn(['--sysctl', 'kernel.shm_rmid_forced=1'], 'cat /proc/sys/kernel/shm_rmid_forced'), '1');
  assert.match(await runIn(['--cgroup-parent', '/hookd-e2e-parent'], 'cat /proc/self/cgroup'), /:memory:\/hookd-e2e-parent\/[0-9a-f]{64}$/m);
  const badOpt = await daemon.cli(['create', '--security-opt', 'apparmor=hookd-test', IMAGE, 'true']);
  assert.match(badOpt.stderr, /HostConfig.SecurityOpt\[0\] "apparmor=hookd-test" is not supported/);
});
