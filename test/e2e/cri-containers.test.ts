// CRI containers against the real daemon (runc under conmon, CNI, catatonit infra), through a
// grpc-js client built from the vendored proto, with real plugins on both create hooks:
// a container runs in a pod (its hostname, IP and IPC namespace are the pod's), writes its log in
// the CRI format at the path asked for, answers ExecSync (and its timeout kills the command),
// reports status, stats and list filters, takes new resources without container.preUpdate, reopens
// its log, stops and is removed (twice, idempotently). cri.preCreateContainer changes its env and
// fires before container.preCreate, which sees the change; a plugin's refusal aborts the create
// leaving no record. The Docker API lists and inspects the container, and its record survives a
// daemon restart.

import assert from 'node:assert/strict';
import { mkdir, readFile, readlink, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, dockerCliMissingReason, fixtureManifest, makeWorkDir } from './daemon-process.ts';
import { criClient, criSocketOf, podToolsMissingReason, type CriClient } from './cri-client.ts';

const IMAGE = 'busybox:cri';
const MIB = 1024 * 1024;

let work: { dir: string; remove: () => Promise<void> } | undefined;
let daemon: DaemonProcess | undefined;
let client: CriClient | undefined;
let skipReason: string | undefined;
let recordFile = '';
let logDir = '';

async function missingTool(): Promise<string | undefined> {
  return (await podToolsMissingReason()) ?? (await dockerCliMissingReason());
}

async function startDaemon(): Promise<void> {
  daemon = await DaemonProcess.start({
    dir: join(work!.dir, 'd'),
    config: { runtime: 'runc' },
    manifests: {
      'cri-pre-create.json': fixtureManifest('cri-pre-create', 'cri-pre-create.ts', { config: { record: recordFile } }),
      'records-pre-create.json': fixtureManifest('records-pre-create', 'records-pre-create.ts', { config: { record: recordFile } }),
    },
  });
  client = criClient(criSocketOf(daemon.dataRoot));
}

before(async () => {
  skipReason = await missingTool();
  work = await makeWorkDir();
  const tarball = skipReason ? undefined : await buildBusyboxRootfsTarball(work.dir);
  if (!skipReason && tarball === undefined) skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
  if (skipReason) {
    console.log(`# skipping CRI containers: ${skipReason}`);
    return;
  }
  recordFile = join(work.dir, 'hook-calls.txt');
  logDir = join(work.dir, 'pod-logs');
  await mkdir(logDir);
  await startDaemon();
  const imported = await daemon!.cli(['import', tarball!, IMAGE]);
  assert.equal(imported.exitCode, 0, imported.stderr);
});

after(async () => {
  client?.close();
  if (daemon && daemon.exitInfo === undefined) {
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true }).catch(() => undefined);
    await daemon.stop();
  }
  await work?.remove();
});

function podConfig(name: string): Record<string, unknown> {
  return {
    metadata: { name, namespace: 'e2e', uid: `uid-${name}`, attempt: 0 },
    hostname: `host-${name}`,
    log_directory: logDir,
    labels: { app: name },
    linux: { security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
  };
}

function containerConfig(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    metadata: { name, attempt: 1 },
    image: { image: IMAGE },
    // Prints on both streams, then once per SIGUSR1 (after a log reopen), until stopped.
    command: ['sh', '-c', 'echo hello-out; echo hello-err >&2; trap "echo got-usr1" USR1; trap "exit 7" TERM; while true; do sleep 0.2; done'],
    envs: [{ key: 'GREETING', value: Buffer.from('hi there') }],
    labels: { tier: 'web' },
    annotations: { 'example.com/note': 'a note' },
    log_path: `${name}/1.log`,
    linux: { security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    ...extra,
  };
}

async function exec(id: string, cmd: string[]): Promise<string> {
  const reply = await client!.runtime.ExecSync!({ container_id: id, cmd, timeout: 30 });
  assert.equal(reply.exit_code, 0, `${cmd.join(' ')}: ${String(reply.stderr)}`);
  return String(reply.stdout).trim();
}

async function waitForLogLine(file: string, pattern: RegExp): Promise<string> {
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const line = text.split('\n').find((l) => pattern.test(l));
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 50)); // polling a file conmon appends to: no event to wait on
  }
}

test('a container runs in its pod: the pod\'s hostname, IP and IPC namespace, its env from the plugin, its CRI log where asked', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const pod = podConfig('web');
  const { pod_sandbox_id: podId } = await client!.runtime.RunPodSandbox!({ config: pod });
  const { container_id: id } = await client!.runtime.CreateContainer!({ pod_sandbox_id: podId, config: containerConfig('app'), sandbox_config: pod });
  const created = await client!.runtime.ContainerStatus!({ container_id: id });
  assert.equal(created.status.state, 'CONTAINER_CREATED');
  await client!.runtime.StartContainer!({ container_id: id });

  assert.equal(await exec(id, ['hostname']), 'host-web');
  const { status: podStatus } = await client!.runtime.PodSandboxStatus!({ pod_sandbox_id: podId });
  assert.match(await exec(id, ['sh', '-c', 'ip -4 addr show eth0']), new RegExp(`inet ${podStatus.network.ip.replaceAll('.', '\\.')}/`));
  const infraPid = (await daemon.docker().getContainer(podId).inspect()).State.Pid;
  assert.equal(await exec(id, ['sh', '-c', 'readlink /proc/self/ns/ipc']), await readlink(`/proc/${infraPid}/ns/ipc`), 'the pod\'s IPC namespace');
  assert.notEqual(await exec(id, ['sh', '-c', 'readlink /proc/self/ns/pid']), await readlink(`/proc/${infraPid}/ns/pid`), 'pid CONTAINER: its own');
  const env = (await exec(id, ['env'])).split('\n');
  assert.ok(env.includes('GREETING=hi there'));
  assert.ok(env.includes('HOSTNAME=host-web'));
  const netns = (await daemon.docker().getContainer(podId).inspect()).NetworkSettings.SandboxKey;
  assert.ok(env.includes(`POD_NETNS=${netns}`), `the plugin wrote the sandbox's NetNS: ${env.join(' ')}`);
  assert.ok(env.includes(`POD_ID=${podId}`));

  const logPath = join(logDir, 'app/1.log');
  assert.match(await waitForLogLine(logPath, /hello-out/), /^\S+ stdout F hello-out$/);
  assert.match(await waitForLogLine(logPath, /hello-err/), /^\S+ stderr F hello-err$/);

  const { status } = await client!.runtime.ContainerStatus!({ container_id: id });
  assert.equal(status.state, 'CONTAINER_RUNNING');
  assert.equal(status.log_path, logPath);
  assert.deepEqual(status.labels, { tier: 'web' });
  assert.deepEqual(status.annotations, { 'example.com/note': 'a note' });
  assert.deepEqual(status.metadata, { name: 'app', attempt: 1 });
  assert.equal(status.image.image, IMAGE);
  assert.notEqual(status.started_at, '0');

  // Ordering: the CRI hook ran first, and container.preCreate received what it returned.
  const calls = (await readFile(recordFile, 'utf8')).split('\n').filter((line) => line.includes(' app'));
  assert.deepEqual(calls, ['cri.preCreateContainer app', 'container.preCreate app with POD_NETNS']);
  const inspect = await daemon.docker().getContainer(id).inspect() as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.ok(inspect.HookdCriProvenance.some((entry: { plugin: string; path: string }) => entry.plugin === 'cri-pre-create' && entry.path.startsWith('Env')));
  assert.equal(inspect.Config.Labels['io.kubernetes.docker.type'], 'container');
  assert.equal(inspect.Config.Labels['io.kubernetes.sandbox.id'], podId);
  const listed = await daemon.docker().listContainers({ filters: { label: [`io.kubernetes.sandbox.id=${podId}`, 'io.kubernetes.docker.type=container'] } });
  assert.deepEqual(listed.map((c) => c.Id), [id], 'the Docker API lists it');

  // Logs: after a rename (the kubelet's rotation), ReopenContainerLog makes conmon write a new file.
  await rename(logPath, `${logPath}.1`);
  await client!.runtime.ReopenContainerLog!({ container_id: id });
  await exec(id, ['sh', '-c', 'kill -USR1 1']);
  assert.match(await waitForLogLine(logPath, /got-usr1/), /^\S+ stdout F got-usr1$/);

  await client!.runtime.StopContainer!({ container_id: id, timeout: 10 });
  const { status: stopped } = await client!.runtime.ContainerStatus!({ container_id: id });
  assert.equal(stopped.state, 'CONTAINER_EXITED');
  assert.equal(stopped.exit_code, 7);
  assert.equal(stopped.reason, 'Error');
  assert.notEqual(stopped.finished_at, '0');
  await client!.runtime.StopContainer!({ container_id: id, timeout: 10 }); // stopped: still fine
  await client!.runtime.RemoveContainer!({ container_id: id });
  await client!.runtime.RemoveContainer!({ container_id: id });
  await assert.rejects(client!.runtime.ContainerStatus!({ container_id: id }), (error: grpc.ServiceError) => error.code === grpc.status.NOT_FOUND);
  await client!.runtime.StopContainer!({ container_id: 'f'.repeat(64) });
  await client!.runtime.StopPodSandbox!({ pod_sandbox_id: podId });
  await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: podId });
});

test('ExecSync reports exit codes and stderr, and its timeout kills the command', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const pod = podConfig('exec');
  const { pod_sandbox_id: podId } = await client!.runtime.RunPodSandbox!({ config: pod });
  const { container_id: id } = await client!.runtime.CreateContainer!({ pod_sandbox_id: podId, config: containerConfig('execs'), sandbox_config: pod });
  await client!.runtime.StartContainer!({ container_id: id });
  const failed = await client!.runtime.ExecSync!({ container_id: id, cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'], timeout: 30 });
  assert.deepEqual([String(failed.stdout), String(failed.stderr), failed.exit_code], ['out\n', 'err\n', 3]);
  await assert.rejects(client!.runtime.ExecSync!({ container_id: id, cmd: ['sleep', '77'], timeout: 1 }), (error: grpc.ServiceError) => {
    assert.equal(error.code, grpc.status.DEADLINE_EXCEEDED);
    return true;
  });
  assert.equal(await exec(id, ['sh', '-c', 'ps -o args | grep "^sleep 77" || true']), '', 'the timed-out command is gone');
  await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: podId });
  await assert.rejects(client!.runtime.ContainerStatus!({ container_id: id }), (error: grpc.ServiceError) => error.code === grpc.status.NOT_FOUND, 'removing the pod removes its containers');
});

test('list filters, stats from the cgroup, and UpdateContainerResources applied live without container.preUpdate', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const pod = podConfig('lists');
  const { pod_sandbox_id: podId } = await client!.runtime.RunPodSandbox!({ config: pod });
  const { container_id: a } = await client!.runtime.CreateContainer!({ pod_sandbox_id: podId, config: containerConfig('first', { labels: { tier: 'a' } }), sandbox_config: pod });
  const { container_id: b } = await client!.runtime.CreateContainer!({ pod_sandbox_id: podId, config: containerConfig('second', { labels: { tier: 'b' } }), sandbox_config: pod });
  await client!.runtime.StartContainer!({ container_id: a });
  const ids = async (filter: Record<string, unknown>): Promise<string[]> => ((await client!.runtime.ListContainers!({ filter })).containers as Array<{ id: string }>).map((c) => c.id).sort();
  assert.deepEqual(await ids({ pod_sandbox_id: podId }), [a, b].sort());
  assert.deepEqual(await ids({ pod_sandbox_id: podId, state: { state: 'CONTAINER_RUNNING' } }), [a]);
  assert.deepEqual(await ids({ pod_sandbox_id: podId, label_selector: { tier: 'b' } }), [b]);
  assert.deepEqual(await ids({ id: b.slice(0, 12) }), [b]);
  assert.ok(!(await ids({})).includes(podId), 'the sandbox is not a container');

  const { stats } = await client!.runtime.ContainerStats!({ container_id: a });
  assert.equal(stats.attributes.id, a);
  assert.ok(BigInt(stats.cpu.usage_core_nano_seconds.value) > 0n);
  assert.ok(BigInt(stats.memory.working_set_bytes.value) > 0n);
  const listedStats = (await client!.runtime.ListContainerStats!({ filter: { pod_sandbox_id: podId } })).stats as Array<{ attributes: { id: string } }>;
  assert.deepEqual(listedStats.map((s) => s.attributes.id).sort(), [a, b].sort());

  await client!.runtime.UpdateContainerResources!({ container_id: a, linux: { memory_limit_in_bytes: String(48 * MIB), cpu_shares: '256' } });
  assert.equal(await exec(a, ['cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes']), String(48 * MIB));
  const { status } = await client!.runtime.ContainerStatus!({ container_id: a });
  assert.equal(status.resources.linux.memory_limit_in_bytes, String(48 * MIB));
  assert.equal(status.resources.linux.cpu_shares, '256');
  await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: podId });
});

test('a plugin refusing cri.preCreateContainer aborts the create: INVALID_ARGUMENT naming it, no record, container.preCreate never called', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const pod = podConfig('refused');
  const { pod_sandbox_id: podId } = await client!.runtime.RunPodSandbox!({ config: pod });
  const before = (await daemon.docker().listContainers({ all: true })).length;
  await assert.rejects(
    client!.runtime.CreateContainer!({ pod_sandbox_id: podId, config: containerConfig('nope', { labels: { 'test.cri.reject': 'no containers on Sundays' } }), sandbox_config: pod }),
    (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
      assert.match(error.details, /^CreateContainer: .*cri-pre-create.*no containers on Sundays/);
      return true;
    },
  );
  assert.equal((await daemon.docker().listContainers({ all: true })).length, before, 'no record was left');
  const calls = (await readFile(recordFile, 'utf8')).split('\n').filter((line) => line.includes(' nope'));
  assert.deepEqual(calls, ['cri.preCreateContainer nope']);
  // The name is free again: the same container is created once the plugin lets it.
  const { container_id: id } = await client!.runtime.CreateContainer!({ pod_sandbox_id: podId, config: containerConfig('nope'), sandbox_config: pod });
  assert.match(id, /^[0-9a-f]{64}$/);
  await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: podId });
});

test('bad requests are INVALID_ARGUMENT naming the field; an unknown sandbox is NOT_FOUND', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const pod = podConfig('bad');
  const { pod_sandbox_id: podId } = await client!.runtime.RunPodSandbox!({ config: pod });
  const cases: Array<[Record<string, unknown>, grpc.status, RegExp]> = [
    [{ pod_sandbox_id: podId, config: containerConfig('x', { metadata: { name: '' } }) }, grpc.status.INVALID_ARGUMENT, /config\.metadata\.name is required/],
    [{ pod_sandbox_id: podId, config: containerConfig('x', { image: { image: '' } }) }, grpc.status.INVALID_ARGUMENT, /config\.image\.image is required/],
    [{ pod_sandbox_id: podId, config: containerConfig('x', { linux: { security_context: { run_as_group: { value: 5 } } } }) }, grpc.status.INVALID_ARGUMENT, /run_as_group needs run_as_user/],
    [{ pod_sandbox_id: podId, config: containerConfig('x', { linux: { security_context: { privileged: true } } }) }, grpc.status.INVALID_ARGUMENT, /privileged is not allowed: the sandbox is not privileged/],
    [{ pod_sandbox_id: 'e'.repeat(64), config: containerConfig('x') }, grpc.status.NOT_FOUND, /e{64}/],
  ];
  for (const [request, code, pattern] of cases) {
    await assert.rejects(client!.runtime.CreateContainer!(request), (error: grpc.ServiceError) => {
      assert.equal(error.code, code, error.details);
      assert.match(error.details, pattern);
      return true;
    });
  }
  await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: podId });
});

test('a CRI container\'s record survives a daemon restart, and it keeps running', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const pod = podConfig('restart');
  const { pod_sandbox_id: podId } = await client!.runtime.RunPodSandbox!({ config: pod });
  const { container_id: id } = await client!.runtime.CreateContainer!({ pod_sandbox_id: podId, config: containerConfig('survivor'), sandbox_config: pod });
  await client!.runtime.StartContainer!({ container_id: id });
  client!.close();
  await daemon.stop();
  await startDaemon();
  const { status } = await client!.runtime.ContainerStatus!({ container_id: id });
  assert.equal(status.state, 'CONTAINER_RUNNING');
  assert.deepEqual(status.metadata, { name: 'survivor', attempt: 1 });
  assert.equal(await exec(id, ['hostname']), 'host-restart');
  await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: podId });
});
