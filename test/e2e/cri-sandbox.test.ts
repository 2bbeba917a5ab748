// Pod sandboxes through the CRI against the real daemon (runc under conmon, CNI reference plugins,
// Debian's catatonit), with a grpc-js client built from the vendored proto:
// a pod runs (catatonit -P as its infra, no image), gets an IP on the CNI network, its hostname,
// DNS config and a host port; its status and the list filters say what was asked; stop makes it
// NOTREADY and takes its network down; remove forgets it; Stop/Remove are idempotent; a start that
// fails (an OCI prestart hook the pod's labels ask for) leaves nothing; and a daemon killed while
// RunPodSandbox waits in the infra's start leaves no infra, netns or record after its restart.

import assert from 'node:assert/strict';
import { watch } from 'node:fs';
import { access, readdir, readFile, readlink, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { execa } from 'execa';
import { ociRuntimeMissingReason } from './daemon-per-runtime.ts';
import { DaemonProcess, fixtureManifest, makeWorkDir } from './daemon-process.ts';
import { criClient, criSocketOf, podToolsMissingReason, type CriClient } from './cri-client.ts';

let work: { dir: string; remove: () => Promise<void> } | undefined;
let daemon: DaemonProcess | undefined;
let client: CriClient | undefined;
let skipReason: string | undefined;
let subnetPrefix = '';
/** Cgroup parents the tests asked for; runc leaves the parent dirs, so after() removes them. */
const cgroupParents: string[] = [];
const HOST_PORT = 20_000 + (process.pid % 20_000);

async function missingTool(): Promise<string | undefined> {
  const pods = await podToolsMissingReason();
  if (pods) return pods;
  if ((await execa('nsenter', ['--version'], { reject: false })).exitCode !== 0) return 'nsenter is not installed (util-linux)';
  return undefined;
}

before(async () => {
  skipReason = await missingTool();
  if (skipReason) return;
  work = await makeWorkDir();
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc' }, manifests: { 'label-hooks.json': fixtureManifest('label-hooks', 'label-hooks.ts') } });
  const subnet = (JSON.parse(await readFile(daemon.configFile, 'utf8')) as { network: { subnet: string } }).network.subnet;
  subnetPrefix = subnet.split('.').slice(0, 3).join('.') + '.';
  client = criClient(criSocketOf(daemon.dataRoot));
});

after(async () => {
  client?.close();
  await daemon?.stop();
  for (const parent of cgroupParents) {
    for (const controller of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) await rmdir(join('/sys/fs/cgroup', controller, parent)).catch(() => undefined);
    await rmdir(join('/sys/fs/cgroup', parent)).catch(() => undefined);
  }
  await work?.remove();
});

function podConfig(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    metadata: { name, namespace: 'e2e', uid: `uid-${name}`, attempt: 1 },
    hostname: `host-${name}`,
    log_directory: '',
    dns_config: { servers: ['10.96.0.10'], searches: ['e2e.svc.cluster.local'], options: ['ndots:5'] },
    labels: { app: name, tier: 'test' },
    annotations: { 'example.com/note': `pod ${name}` },
    linux: { security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
    ...extra,
  };
}

/** What a sandbox could leave on the machine, by its id. */
async function leftoversOf(id: string): Promise<Record<string, string[]>> {
  const runcList = await execa('runc', ['--root', join(daemon!.dir, 'run', 'runc'), 'list', '-q'], { reject: false });
  return {
    netns: (await readdir(join(daemon!.dataRoot, 'netns')).catch(() => [] as string[])).filter((f) => f.includes(id)),
    cniCache: (await readdir(join(daemon!.dataRoot, 'cni', 'results')).catch(() => [] as string[])).filter((f) => f.includes(id)),
    runc: String(runcList.stdout).split('\n').filter((line) => line === id),
    containers: (await daemon!.docker().listContainers({ all: true })).filter((c) => c.Id === id).map((c) => c.Names[0] ?? c.Id),
    records: (await readdir(join(daemon!.dataRoot, 'cri', 'sandboxes')).catch(() => [] as string[])).filter((f) => f.includes(id)),
  };
}
const NOTHING: Record<string, string[]> = { netns: [], cniCache: [], runc: [], containers: [], records: [] };

test('a pod runs with catatonit as its infra, an IP on the CNI network, its hostname, DNS config and host port, and its status says so', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const config = podConfig('web', { port_mappings: [{ protocol: 'TCP', container_port: 80, host_port: HOST_PORT, host_ip: '' }] });
  const { pod_sandbox_id: id } = await client!.runtime.RunPodSandbox!({ config });
  assert.match(id, /^[0-9a-f]{64}$/);

  const { status, info } = await client!.runtime.PodSandboxStatus!({ pod_sandbox_id: id, verbose: true });
  assert.equal(status.state, 'SANDBOX_READY');
  assert.ok((status.network.ip as string).startsWith(subnetPrefix), `pod IP ${status.network.ip} is not in ${subnetPrefix}0/24`);
  assert.deepEqual(status.metadata, config.metadata);
  assert.deepEqual(status.labels, { app: 'web', tier: 'test' });
  assert.deepEqual(status.annotations, { 'example.com/note': 'pod web' });
  assert.deepEqual(status.linux.namespaces.options, { network: 'POD', pid: 'CONTAINER', ipc: 'POD', target_id: '', userns_options: null });
  const createdMs = Number(BigInt(status.created_at as string) / 1_000_000n);
  assert.ok(Math.abs(createdMs - Date.now()) < 10 * 60_000, `created_at ${status.created_at} is not now`);
  assert.ok(JSON.parse(info.info as string).netns, 'verbose info names the netns');

  // The Docker API sees the infra as an ordinary container with the Kubernetes labels.
  const inspect = await daemon!.docker().getContainer(id).inspect();
  assert.equal(inspect.Config.Labels['io.kubernetes.docker.type'], 'podsandbox');
  assert.equal(inspect.Name, '/k8s_POD_web_e2e_uid-web_1');
  const pid = inspect.State.Pid;
  assert.equal((await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').slice(0, 2).join(' '), '/.hookd/catatonit -P');
  assert.equal(String((await execa('nsenter', ['-t', String(pid), '-u', 'hostname'])).stdout).trim(), 'host-web');
  const resolv = await readFile(`/proc/${pid}/root/etc/resolv.conf`, 'utf8');
  assert.match(resolv, /^nameserver 10\.96\.0\.10$/m);
  assert.match(resolv, /^search e2e\.svc\.cluster\.local$/m);
  assert.match(resolv, /^options ndots:5$/m);
  const address = String((await execa('nsenter', ['-t', String(pid), '-n', 'ip', '-4', '-o', 'addr', 'show', 'eth0'])).stdout);
  assert.ok(address.includes(`${status.network.ip as string}/`), address);
  const rules = String((await execa('iptables-save', ['-t', 'nat'])).stdout);
  assert.ok(rules.includes(`--dport ${HOST_PORT}`), `no portmap rule for host port ${HOST_PORT}`);

  await client!.runtime.StopPodSandbox!({ pod_sandbox_id: id });
  const stopped = await client!.runtime.PodSandboxStatus!({ pod_sandbox_id: id });
  assert.equal(stopped.status.state, 'SANDBOX_NOTREADY');
  assert.equal(stopped.status.network.ip, '');
  assert.deepEqual((await leftoversOf(id)).netns, [], 'stop removes the netns');
  assert.ok(!String((await execa('iptables-save', ['-t', 'nat'])).stdout).includes(`--dport ${HOST_PORT}`), 'stop removes the portmap rule');
  await assert.rejects(readFile(`/proc/${pid}/cmdline`), { code: 'ENOENT' });

  await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: id });
  await assert.rejects(client!.runtime.PodSandboxStatus!({ pod_sandbox_id: id }), (error: grpc.ServiceError) => error.code === grpc.status.NOT_FOUND && /PodSandboxStatus: pod sandbox/.test(error.details));
  assert.deepEqual(await leftoversOf(id), NOTHING);
});

test('namespace options, sysctls and the cgroup parent: a POD pod has its own IPC and network, a NODE pod the host\'s', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const ns = async (pid: number | string, type: string): Promise<string> => readlink(`/proc/${pid}/ns/${type}`);
  const parent = `/hookd-e2e-${process.pid}`;
  cgroupParents.push(parent);
  const { pod_sandbox_id: pod } = await client!.runtime.RunPodSandbox!({
    config: podConfig('ns-pod', { linux: { cgroup_parent: parent, sysctls: { 'kernel.shm_rmid_forced': '1', 'net.ipv4.ip_unprivileged_port_start': '81' }, security_context: { namespace_options: { network: 'POD', pid: 'POD', ipc: 'POD' } } } }),
  });
  const podPid = (await daemon!.docker().getContainer(pod).inspect()).State.Pid;
  for (const type of ['net', 'ipc', 'uts', 'pid']) assert.notEqual(await ns(podPid, type), await ns('self', type), `a POD pod has its own ${type} namespace`);
  const sysctl = async (path: string, type: string): Promise<string> => String((await execa('nsenter', ['-t', String(podPid), `-${type}`, 'cat', `/proc/sys/${path}`])).stdout).trim();
  assert.equal(await sysctl('net/ipv4/ip_unprivileged_port_start', 'n'), '81');
  assert.equal(await sysctl('kernel/shm_rmid_forced', 'i'), '1');
  assert.match(await readFile(`/proc/${podPid}/cgroup`, 'utf8'), new RegExp(`:${parent}/${pod}$`, 'm'));

  const { pod_sandbox_id: host } = await client!.runtime.RunPodSandbox!({
    config: podConfig('ns-host', { hostname: '', security_context: undefined, linux: { security_context: { namespace_options: { network: 'NODE', pid: 'NODE', ipc: 'NODE' } } } }),
  });
  const hostPid = (await daemon!.docker().getContainer(host).inspect()).State.Pid;
  for (const type of ['net', 'ipc', 'uts', 'pid']) assert.equal(await ns(hostPid, type), await ns('self', type), `a NODE pod has the host's ${type} namespace`);
  const status = await client!.runtime.PodSandboxStatus!({ pod_sandbox_id: host });
  assert.equal(status.status.state, 'SANDBOX_READY');
  assert.equal(status.status.network.ip, '');
  for (const id of [pod, host]) {
    await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: id });
    assert.deepEqual(await leftoversOf(id), NOTHING);
  }
});

test('runtime_handler picks the OCI runtime of the infra (crun), and the status names it', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const crunMissing = await ociRuntimeMissingReason('crun');
  if (crunMissing) return t.skip(crunMissing);
  const { pod_sandbox_id: id } = await client!.runtime.RunPodSandbox!({ config: podConfig('on-crun'), runtime_handler: 'crun' });
  const { status } = await client!.runtime.PodSandboxStatus!({ pod_sandbox_id: id });
  assert.equal(status.state, 'SANDBOX_READY');
  assert.equal(status.runtime_handler, 'crun');
  assert.equal((await daemon!.docker().getContainer(id).inspect()).HostConfig.Runtime, 'crun');
  const listed = (await client!.runtime.ListPodSandbox!({ filter: { id } })).items as Array<{ runtime_handler: string }>;
  assert.equal(listed[0]?.runtime_handler, 'crun');
  await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: id });
  assert.deepEqual(await leftoversOf(id), NOTHING);
});

test('ListPodSandbox filters by id (or prefix), state and label selector', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const { pod_sandbox_id: a } = await client!.runtime.RunPodSandbox!({ config: podConfig('list-a') });
  const { pod_sandbox_id: b } = await client!.runtime.RunPodSandbox!({ config: podConfig('list-b', { labels: { app: 'list-b', tier: 'other' } }) });
  await client!.runtime.StopPodSandbox!({ pod_sandbox_id: b });
  const ids = async (filter?: Record<string, unknown>): Promise<string[]> =>
    ((await client!.runtime.ListPodSandbox!(filter ? { filter } : {})).items as Array<{ id: string }>).map((item) => item.id).filter((id) => id === a || id === b).sort();
  assert.deepEqual(await ids(), [a, b].sort());
  assert.deepEqual(await ids({ id: a }), [a]);
  assert.deepEqual(await ids({ id: b.slice(0, 12) }), [b]);
  assert.deepEqual(await ids({ state: { state: 'SANDBOX_READY' } }), [a]);
  assert.deepEqual(await ids({ state: { state: 'SANDBOX_NOTREADY' } }), [b]);
  assert.deepEqual(await ids({ label_selector: { tier: 'other' } }), [b]);
  assert.deepEqual(await ids({ label_selector: { tier: 'test', app: 'list-a' } }), [a]);
  assert.deepEqual(await ids({ label_selector: { tier: 'test', app: 'list-b' } }), []);
  const listed = ((await client!.runtime.ListPodSandbox!({ filter: { id: a } })).items as Array<Record<string, unknown>>)[0]!;
  assert.deepEqual(listed.metadata, podConfig('list-a').metadata);
  assert.equal(listed.state, 'SANDBOX_READY');
  for (const id of [a, b]) await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: id });
});

test('PodSandboxStats and ListPodSandboxStats: the pod\'s CPU, memory, processes and eth0 while it runs; attributes only once stopped', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const { pod_sandbox_id: id } = await client!.runtime.RunPodSandbox!({ config: podConfig('stats') });
  const { stats } = await client!.runtime.PodSandboxStats!({ pod_sandbox_id: id });
  assert.equal(stats.attributes.id, id);
  assert.deepEqual(stats.attributes.labels, { app: 'stats', tier: 'test' });
  const linux = stats.linux;
  assert.ok(BigInt(linux.cpu.usage_core_nano_seconds.value as string) > 0n, 'catatonit has used some CPU');
  assert.ok(BigInt(linux.memory.working_set_bytes.value as string) > 0n, 'and some memory');
  assert.equal(linux.process.process_count.value, '1', 'the pod runs one process: its infra');
  assert.equal(linux.network.default_interface.name, 'eth0');
  assert.deepEqual((linux.network.interfaces as Array<{ name: string }>).map((i) => i.name), ['eth0']);
  const listed = await client!.runtime.ListPodSandboxStats!({ filter: { label_selector: { app: 'stats' } } });
  assert.deepEqual((listed.stats as Array<{ attributes: { id: string } }>).map((s) => s.attributes.id), [id]);
  await client!.runtime.StopPodSandbox!({ pod_sandbox_id: id });
  const stopped = await client!.runtime.PodSandboxStats!({ pod_sandbox_id: id });
  assert.equal(stopped.stats.linux, null);
  await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: id });
  await assert.rejects(client!.runtime.PodSandboxStats!({ pod_sandbox_id: id }), (error: grpc.ServiceError) => error.code === grpc.status.NOT_FOUND);
});

test('Stop and Remove are idempotent: an unknown id, a second stop and a second remove all succeed', async (t) => {
  if (skipReason) return t.skip(skipReason);
  await client!.runtime.StopPodSandbox!({ pod_sandbox_id: 'f'.repeat(64) });
  await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: 'f'.repeat(64) });
  const { pod_sandbox_id: id } = await client!.runtime.RunPodSandbox!({ config: podConfig('twice') });
  await client!.runtime.StopPodSandbox!({ pod_sandbox_id: id });
  await client!.runtime.StopPodSandbox!({ pod_sandbox_id: id });
  // Remove of a running pod stops it as part of removing it.
  const { pod_sandbox_id: running } = await client!.runtime.RunPodSandbox!({ config: podConfig('running-remove') });
  for (const sandbox of [id, running]) {
    await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: sandbox });
    await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: sandbox });
    assert.deepEqual(await leftoversOf(sandbox), NOTHING);
  }
});

test('bad requests are INVALID_ARGUMENT naming the field, a second pod with the same metadata ALREADY_EXISTS, and nothing is made', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const before = (await daemon!.docker().listContainers({ all: true })).length;
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{}, /RunPodSandbox: config is required/],
    [{ config: { ...podConfig('x'), metadata: { name: '', namespace: 'e2e', uid: 'u' } } }, /config\.metadata\.name is required/],
    [{ config: podConfig('x'), runtime_handler: 'kata' }, /runtime_handler "kata" is not a runtime this daemon has/],
    [{ config: podConfig('x'), runtime_handler: 'process' }, /runtime_handler "process" is not a runtime this daemon has \(it has: runc/],
    [{ config: podConfig('x', { port_mappings: [{ protocol: 'TCP', container_port: 0, host_port: 80 }] }) }, /config\.port_mappings\[0\]\.container_port must be 1-65535/],
    [{ config: podConfig('x', { linux: { cgroup_parent: 'kubepods.slice' } }) }, /config\.linux\.cgroup_parent "kubepods\.slice" must be an absolute cgroupfs path/],
  ];
  for (const [request, message] of cases) {
    await assert.rejects(client!.runtime.RunPodSandbox!(request), (error: grpc.ServiceError) => {
      assert.equal(error.code, grpc.status.INVALID_ARGUMENT, error.details);
      assert.match(error.details, message);
      return true;
    });
  }
  const { pod_sandbox_id: id } = await client!.runtime.RunPodSandbox!({ config: podConfig('dup') });
  await assert.rejects(client!.runtime.RunPodSandbox!({ config: podConfig('dup') }), (error: grpc.ServiceError) => error.code === grpc.status.ALREADY_EXISTS && error.details.includes(id));
  await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: id });
  // Two at once: one runs, the other is ALREADY_EXISTS (not a half-made second pod).
  const both = await Promise.allSettled([client!.runtime.RunPodSandbox!({ config: podConfig('race') }), client!.runtime.RunPodSandbox!({ config: podConfig('race') })]);
  const won = both.filter((r) => r.status === 'fulfilled') as Array<PromiseFulfilledResult<Record<string, string>>>;
  const lost = both.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
  assert.equal(won.length, 1);
  assert.equal((lost[0]?.reason as grpc.ServiceError).code, grpc.status.ALREADY_EXISTS);
  await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: won[0]!.value.pod_sandbox_id! });
  assert.equal((await daemon!.docker().listContainers({ all: true })).length, before);
});

test('a pod whose infra fails to start (a prestart hook fails) leaves no container, netns, CNI cache or record', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const listedBefore = ((await client!.runtime.ListPodSandbox!({})).items as unknown[]).length;
  await assert.rejects(client!.runtime.RunPodSandbox!({ config: podConfig('fails', { labels: { 'test.hook.1': 'exit 3' } }) }), (error: grpc.ServiceError) => {
    assert.notEqual(error.code, grpc.status.OK);
    assert.match(error.details, /^RunPodSandbox: /);
    return true;
  });
  assert.equal(((await client!.runtime.ListPodSandbox!({})).items as unknown[]).length, listedBefore);
  const named = (await daemon!.docker().listContainers({ all: true })).filter((c) => c.Names.some((n) => n.includes('k8s_POD_fails_')));
  assert.deepEqual(named, []);
  assert.deepEqual(await readdir(join(daemon!.dataRoot, 'netns')).catch(() => []), []);
  assert.deepEqual((await readdir(join(daemon!.dataRoot, 'cni', 'results')).catch(() => [] as string[])).filter((f) => !f.startsWith('.')), []);
  assert.deepEqual(await readdir(join(daemon!.dataRoot, 'cri', 'sandboxes')), []);
});

test('pods survive a daemon restart and a daemon SIGKILL: still READY with the same IP and infra process, then stop and remove as usual', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const { pod_sandbox_id: ready } = await client!.runtime.RunPodSandbox!({ config: podConfig('survives') });
  const { pod_sandbox_id: stopped } = await client!.runtime.RunPodSandbox!({ config: podConfig('survives-stopped') });
  await client!.runtime.StopPodSandbox!({ pod_sandbox_id: stopped });
  const before = (await client!.runtime.PodSandboxStatus!({ pod_sandbox_id: ready })).status;
  const pid = (await daemon!.docker().getContainer(ready).inspect()).State.Pid;
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    client!.close();
    await daemon!.stop(signal);
    await daemon!.spawn();
    await daemon!.listening();
    client = criClient(criSocketOf(daemon!.dataRoot));
    const after = (await client.runtime.PodSandboxStatus!({ pod_sandbox_id: ready })).status;
    assert.deepEqual({ ...after }, { ...before }, `the status after ${signal} and a restart is the one before`);
    assert.equal((await daemon!.docker().getContainer(ready).inspect()).State.Pid, pid, 'the same infra process');
    assert.equal((await client.runtime.PodSandboxStatus!({ pod_sandbox_id: stopped })).status.state, 'SANDBOX_NOTREADY');
  }
  await client!.runtime.StopPodSandbox!({ pod_sandbox_id: ready });
  for (const id of [ready, stopped]) {
    await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: id });
    assert.deepEqual(await leftoversOf(id), NOTHING);
  }
});

test('a daemon killed while RunPodSandbox is starting the infra leaves no infra, netns or record after its restart', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const marker = join(work!.dir, 'hook-pid');
  // The prestart hook runs after CNI ADD (the netns exists) and before the infra process runs; it
  // writes its pid and blocks until the test kills it.
  const running = client!.runtime.RunPodSandbox!({ config: podConfig('crash', { labels: { 'test.hook.1': `echo $$ > ${marker}.tmp && mv ${marker}.tmp ${marker} && exec sleep 600` } }) }).catch((error: unknown) => error);
  await waitForFile(marker);
  const hookPid = Number((await readFile(marker, 'utf8')).trim());
  const records = await readdir(join(daemon!.dataRoot, 'cri', 'sandboxes'));
  assert.equal(records.length, 1, 'the sandbox record is written before anything else');
  const id = basename(records[0]!, '.json');
  assert.equal((await leftoversOf(id)).netns?.length, 1, 'the netns exists while the hook blocks');

  client!.close();
  await daemon!.stop('SIGKILL');
  assert.ok((await running) instanceof Error, 'the call fails with the daemon');
  process.kill(hookPid, 'SIGKILL'); // the hook the test started; runc create then fails
  await daemon!.spawn();
  await daemon!.listening();
  client = criClient(criSocketOf(daemon!.dataRoot));
  assert.deepEqual(await leftoversOf(id), NOTHING);
  assert.ok(daemon!.logs.some((line) => line.msg?.includes('RunPodSandbox was cut short') && line.sandbox === id), 'reconcile says what it removed');
  assert.equal(((await client.runtime.ListPodSandbox!({ filter: { id } })).items as unknown[]).length, 0);
});

function waitForFile(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dirname(file), (_event, name) => {
      if (name === basename(file)) { watcher.close(); resolve(); }
    });
    watcher.on('error', reject);
    void access(file).then(() => { watcher.close(); resolve(); }, () => undefined);
  });
}
