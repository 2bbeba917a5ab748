// Property-based fuzzing of the Kubernetes CRI API (fast-check) against the real daemon (runc under
// conmon, CNI, catatonit infra) over its CRI unix socket, with a grpc-js client built from the
// vendored proto (as the kubelet is). For malformed and contradictory requests of every kind:
// - every call ends within its deadline (no hang) and the daemon stays up;
// - every refusal is a code the kubelet acts on (never UNKNOWN or INTERNAL), and an
//   INVALID_ARGUMENT names the request field (its proto path, e.g. `config.mounts[0].host_path`);
// - nothing is written outside the data root except where the CRI lets the caller choose
//   (`<log_directory>/<log_path>`, created at StartContainer; log_directory is the kubelet's choice
//   by design): the work dir around the data root is snapshotted and compared; a mount's
//   host_path never makes the daemon create anything;
// - no half-created sandbox or container is left: after each property the CRI lists and the
//   Docker API list only the fixture pod and container.
// Bounded: HOOKD_FUZZ_CRI_RUNS runs per property (default 12; the longer run in docs/chaos-and-fuzz.md).

import assert from 'node:assert/strict';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import * as grpc from '@grpc/grpc-js';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from '../e2e/daemon-process.ts';
import { criClient, criSocketOf, podToolsMissingReason, type CriClient } from '../e2e/cri-client.ts';
import {
  containerChanges, execRequests, garbageString, harmlessContainerChanges, harmlessPodChanges, harmlessResources, imageReferences, podChanges, resourceChanges,
} from './cri-arbitraries.ts';

const RUNS = Number(process.env.HOOKD_FUZZ_CRI_RUNS ?? 12);
const IMAGE = 'busybox:fuzz';
const DEADLINE_MS = 60_000;
/** What a refusal may be: the codes the kubelet acts on. UNKNOWN and INTERNAL are bugs. */
const ALLOWED = new Set([grpc.status.INVALID_ARGUMENT, grpc.status.NOT_FOUND, grpc.status.ALREADY_EXISTS, grpc.status.FAILED_PRECONDITION,
  grpc.status.UNIMPLEMENTED, grpc.status.OUT_OF_RANGE, grpc.status.UNAVAILABLE, grpc.status.PERMISSION_DENIED]);

let work: { dir: string; remove: () => Promise<void> } | undefined;
let daemon: DaemonProcess | undefined;
let client: CriClient | undefined;
let skipReason: string | undefined;
let podId = '';
let containerId = '';
let logDir = '';
let hostDir = '';

async function missingTool(): Promise<string | undefined> {
  return (await podToolsMissingReason()) ?? (await dockerCliMissingReason());
}

function podConfig(name: string): Record<string, unknown> {
  return {
    metadata: { name, namespace: 'fuzz', uid: `uid-${name}`, attempt: 0 },
    hostname: `host-${name}`,
    log_directory: logDir,
    linux: { security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
  };
}

function containerConfig(name: string): Record<string, unknown> {
  return {
    metadata: { name, attempt: 0 },
    image: { image: IMAGE },
    command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'],
    log_path: `${name}.log`,
    linux: { security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
  };
}

before(async () => {
  skipReason = await missingTool();
  work = await makeWorkDir();
  const tarball = skipReason ? undefined : await buildBusyboxRootfsTarball(work.dir);
  if (!skipReason && tarball === undefined) skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
  if (skipReason) {
    console.log(`# skipping the CRI fuzz suite: ${skipReason}`);
    return;
  }
  logDir = join(work.dir, 'logs');
  hostDir = join(work.dir, 'host');
  await mkdir(logDir);
  await mkdir(hostDir);
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc' } });
  const imported = await daemon.cli(['import', tarball!, IMAGE]);
  assert.equal(imported.exitCode, 0, imported.stderr);
  client = criClient(criSocketOf(daemon.dataRoot));
  podId = (await client.runtime.RunPodSandbox!({ config: podConfig('fixture') })).pod_sandbox_id as string;
  containerId = (await client.runtime.CreateContainer!({ pod_sandbox_id: podId, config: containerConfig('fixture'), sandbox_config: podConfig('fixture') })).container_id as string;
  await client.runtime.StartContainer!({ container_id: containerId });
});

after(async () => {
  for (const [method, byAnswer] of tally) console.log(`# ${method}: ${[...byAnswer].map(([answer, n]) => `${answer} ${n}`).join(', ')}`);
  if (client && podId) {
    await client.runtime.StopPodSandbox!({ pod_sandbox_id: podId }).catch(() => undefined);
    await client.runtime.RemovePodSandbox!({ pod_sandbox_id: podId }).catch(() => undefined);
  }
  client?.close();
  if (daemon && daemon.exitInfo === undefined) await daemon.stop();
  await work?.remove();
});

/** method → answer → count, printed at the end (what the fuzz reached: refusals vs real creates). */
const tally = new Map<string, Map<string, number>>();
function count(what: string, answer: string): void {
  const method = what.split(/[\s(]/)[0]!;
  const byAnswer = tally.get(method) ?? new Map<string, number>();
  byAnswer.set(answer, (byAnswer.get(answer) ?? 0) + 1);
  tally.set(method, byAnswer);
}

interface Outcome { ok: boolean; code?: grpc.status; details?: string; reply?: Record<string, unknown> }

/** One call within its deadline; a DEADLINE_EXCEEDED is a hang and fails the property. */
async function attempt(what: string, call: () => Promise<Record<string, unknown>>): Promise<Outcome> {
  try {
    const reply = await call();
    count(what, 'OK');
    return { ok: true, reply };
  } catch (error) {
    const { code, details } = error as grpc.ServiceError;
    count(what, grpc.status[code] ?? String(code));
    assert.notEqual(code, grpc.status.DEADLINE_EXCEEDED, `${what}: no answer within ${DEADLINE_MS} ms (hang)`);
    assert.ok(ALLOWED.has(code), `${what} → ${grpc.status[code]}: ${details}`);
    assert.notEqual(String(details ?? '').trim(), '', `${what} → ${grpc.status[code]} without a message`);
    return { ok: false, code, details };
  }
}

/** An INVALID_ARGUMENT names a request field: a proto path like `config.linux.resources.cpu_shares`. */
function assertNamesField(outcome: Outcome, what: string): void {
  if (outcome.code !== grpc.status.INVALID_ARGUMENT) return;
  assert.match(String(outcome.details), /\b[a-z_]+(\[\d+\])?(\.[a-z_]+(\[[^\]]*\])?)*\b/, `${what}: ${outcome.details}`);
  assert.match(String(outcome.details), /(^|[\s:"'])(config|pod_sandbox_id|container_id|sandbox_config|image|cmd|timeout|linux|filter|runtime_handler|resources|windows|spec|ref|id|path|name|metadata|log_path|mounts|devices|annotations|labels|envs)(\.|\[|\s|$)/, `${what}: the message names no field: ${outcome.details}`);
}

/** Every path below `root`, except the daemon's own dir (the data root lives there). */
async function treeOf(root: string, skip: string[]): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = join(dir, entry.name);
      if (skip.includes(full)) continue;
      found.push(relative(root, full));
      if (entry.isDirectory()) await walk(full);
    }
  };
  await walk(root);
  return found.sort();
}

/** The CRI and Docker views hold exactly the fixture pod and container (no half-created object). */
async function assertOnlyFixtures(what: string): Promise<void> {
  const pods = ((await client!.runtime.ListPodSandbox!({})).items as Array<{ id: string }>).map((p) => p.id);
  const containers = ((await client!.runtime.ListContainers!({})).containers as Array<{ id: string }>).map((c) => c.id);
  assert.deepEqual(pods, [podId], `${what}: pods left`);
  assert.deepEqual(containers, [containerId], `${what}: containers left`);
  const records = (await daemon!.docker().listContainers({ all: true })).map((c) => c.Id).sort();
  assert.deepEqual(records, [podId, containerId].sort(), `${what}: container records left`);
  const dirs = (await readdir(join(daemon!.dataRoot, 'containers')).catch(() => [] as string[])).sort();
  assert.deepEqual(dirs, [podId, containerId].sort(), `${what}: container dirs left`);
}

test('RunPodSandbox with malformed and contradictory configs: a kubelet code naming the field, or a pod that is then removed; none half-made', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const before = await treeOf(work!.dir, [join(work!.dir, 'd'), logDir]);
  // One run in five carries only harmless changes, so real pods are made (and removed) too; one in
  // five asks for the fixture pod's metadata again (a name clash: ALREADY_EXISTS).
  const clash = fc.constant({ metadata: podConfig('fixture').metadata });
  const pod = fc.oneof({ weight: 3, arbitrary: podChanges }, { weight: 1, arbitrary: harmlessPodChanges }, { weight: 1, arbitrary: clash });
  const handler = fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('runc', 'nope', '../runc') });
  let n = 0;
  await fc.assert(fc.asyncProperty(pod, handler, async (changes, runtime_handler) => {
    const config = { ...podConfig(`p${n++}`), ...JSON.parse(JSON.stringify(changes, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) as Record<string, unknown> };
    const what = `RunPodSandbox ${JSON.stringify({ config, runtime_handler }).slice(0, 600)}`;
    const outcome = await attempt(what, () => client!.runtime.RunPodSandbox!({ config, runtime_handler }, { deadlineMs: DEADLINE_MS }));
    assertNamesField(outcome, what);
    if (JSON.stringify((changes as { metadata?: unknown }).metadata) === JSON.stringify(podConfig('fixture').metadata)) {
      assert.ok(outcome.code === grpc.status.ALREADY_EXISTS || outcome.code === grpc.status.INVALID_ARGUMENT, `${what}: the fixture's name again → ${outcome.ok ? 'OK' : outcome.details}`);
    }
    if (outcome.ok) {
      const id = outcome.reply!.pod_sandbox_id as string;
      await client!.runtime.StopPodSandbox!({ pod_sandbox_id: id });
      await client!.runtime.RemovePodSandbox!({ pod_sandbox_id: id });
    }
  }), { numRuns: RUNS });
  await assertOnlyFixtures('after RunPodSandbox');
  assert.deepEqual(await treeOf(work!.dir, [join(work!.dir, 'd'), logDir]), before, 'nothing was written outside the data root');
});

test('CreateContainer (and StartContainer when it is accepted) with malformed configs: a kubelet code naming the field; only <log_directory>/<log_path> is written outside the data root', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const before = await treeOf(work!.dir, [join(work!.dir, 'd'), logDir]);
  const logsBefore = await treeOf(logDir, []);
  const clash = fc.constant({ metadata: containerConfig('fixture').metadata });
  const container = fc.oneof({ weight: 4, arbitrary: containerChanges(hostDir, IMAGE) }, { weight: 2, arbitrary: harmlessContainerChanges(hostDir) }, { weight: 1, arbitrary: clash });
  const target = fc.oneof({ weight: 6, arbitrary: fc.constant('fixture') }, { weight: 1, arbitrary: garbageString });
  let n = 0;
  await fc.assert(fc.asyncProperty(container, target, async (changes, sandbox) => {
    const config = { ...containerConfig(`c${n++}`), ...JSON.parse(JSON.stringify(changes, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) as Record<string, unknown> };
    const pod_sandbox_id = sandbox === 'fixture' ? podId : sandbox;
    const what = `CreateContainer ${JSON.stringify({ pod_sandbox_id, config }).slice(0, 700)}`;
    const outcome = await attempt(what, () => client!.runtime.CreateContainer!({ pod_sandbox_id, config, sandbox_config: podConfig('fixture') }, { deadlineMs: DEADLINE_MS }));
    assertNamesField(outcome, what);
    if (sandbox === 'fixture' && JSON.stringify((changes as { metadata?: unknown }).metadata) === JSON.stringify(containerConfig('fixture').metadata)) {
      assert.equal(outcome.code, grpc.status.ALREADY_EXISTS, `${what}: the fixture's name again in its pod → ${outcome.ok ? 'OK' : outcome.details}`);
    }
    if (!outcome.ok) return;
    const id = outcome.reply!.container_id as string;
    try {
      const started = await attempt(`StartContainer of ${what}`, () => client!.runtime.StartContainer!({ container_id: id }, { deadlineMs: DEADLINE_MS }));
      assertNamesField(started, `StartContainer of ${what}`);
      await attempt(`StopContainer of ${what}`, () => client!.runtime.StopContainer!({ container_id: id, timeout: 1 }, { deadlineMs: DEADLINE_MS }));
    } finally {
      // Removed even when a check failed, so one counterexample does not fail the later properties.
      await attempt(`RemoveContainer of ${what}`, () => client!.runtime.RemoveContainer!({ container_id: id }, { deadlineMs: DEADLINE_MS }));
    }
  }), { numRuns: RUNS * 2 });
  await assertOnlyFixtures('after CreateContainer');
  assert.deepEqual(await treeOf(work!.dir, [join(work!.dir, 'd'), logDir]), before, 'nothing was written outside the data root and the log directory (host_path created nothing)');
  for (const path of await treeOf(logDir, [])) {
    if (logsBefore.includes(path)) continue;
    const info = await stat(join(logDir, path));
    assert.ok(info.isFile() || info.isDirectory(), `${path} in the log directory is a file or dir`);
  }
});

test('calls on unknown ids: Stop/Remove succeed (idempotent), the rest answer NOT_FOUND or INVALID_ARGUMENT naming the field', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const id = fc.oneof(garbageString, fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), fc.constant('deadbeef'));
  const calls: Array<[string, (x: string) => Record<string, unknown>, 'idempotent' | 'not-found']> = [
    ['StartContainer', (x) => ({ container_id: x }), 'not-found'],
    ['StopContainer', (x) => ({ container_id: x, timeout: 1 }), 'idempotent'],
    ['RemoveContainer', (x) => ({ container_id: x }), 'idempotent'],
    ['ContainerStatus', (x) => ({ container_id: x }), 'not-found'],
    ['ContainerStats', (x) => ({ container_id: x }), 'not-found'],
    ['ExecSync', (x) => ({ container_id: x, cmd: ['true'], timeout: 5 }), 'not-found'],
    ['UpdateContainerResources', (x) => ({ container_id: x, linux: { cpu_shares: 512 } }), 'not-found'],
    ['ReopenContainerLog', (x) => ({ container_id: x }), 'not-found'],
    ['StopPodSandbox', (x) => ({ pod_sandbox_id: x }), 'idempotent'],
    ['RemovePodSandbox', (x) => ({ pod_sandbox_id: x }), 'idempotent'],
    ['PodSandboxStatus', (x) => ({ pod_sandbox_id: x }), 'not-found'],
    ['PodSandboxStats', (x) => ({ pod_sandbox_id: x }), 'not-found'],
  ];
  await fc.assert(fc.asyncProperty(fc.constantFrom(...calls), id, async ([method, request, kind], x) => {
    // The CRI resolves unique id prefixes (as containerd's truncindex does): a prefix of a fixture is not unknown.
    if (x !== '' && (podId.startsWith(x) || containerId.startsWith(x))) return;
    const what = `${method}(${JSON.stringify(x)})`;
    const outcome = await attempt(what, () => client!.runtime[method]!(request(x), { deadlineMs: DEADLINE_MS }));
    assertNamesField(outcome, what);
    if (kind === 'idempotent') assert.ok(outcome.ok || outcome.code === grpc.status.INVALID_ARGUMENT, `${what} → ${outcome.details}`);
    else assert.ok(!outcome.ok && (outcome.code === grpc.status.NOT_FOUND || outcome.code === grpc.status.INVALID_ARGUMENT), `${what} → ${outcome.ok ? 'OK' : outcome.details}`);
  }), { numRuns: RUNS * 4 });
  await assertOnlyFixtures('after unknown ids');
});

test('ExecSync and UpdateContainerResources on a running container with garbage and out-of-range values: a kubelet code naming the field', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const call = fc.oneof(
    harmlessResources.map((r) => ['UpdateContainerResources', r] as const), execRequests.map((e) => ['ExecSync', e] as const),
    resourceChanges.map((r) => ['UpdateContainerResources', r] as const),
  );
  await fc.assert(fc.asyncProperty(call, async ([method, value]) => {
    const request = method === 'ExecSync' ? { container_id: containerId, ...value } : { container_id: containerId, linux: value };
    const what = `${method} ${JSON.stringify(request, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 600)}`;
    const outcome = await attempt(what, () => client!.runtime[method]!(request, { deadlineMs: DEADLINE_MS }));
    assertNamesField(outcome, what);
  }), { numRuns: RUNS * 3 });
  const status = await client!.runtime.ContainerStatus!({ container_id: containerId });
  assert.equal((status.status as { state: string }).state, 'CONTAINER_RUNNING', 'the fixture container still runs');
  await assertOnlyFixtures('after ExecSync/UpdateContainerResources');
});

test('images with garbage references and List* with arbitrary filters: a kubelet code naming the field, lists always answer', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const imageCall = fc.tuple(fc.constantFrom('PullImage', 'ImageStatus', 'RemoveImage'), imageReferences(IMAGE));
  const filter = fc.record({
    id: fc.oneof(garbageString, fc.constant(containerId.slice(0, 5))),
    state: fc.record({ state: fc.oneof(fc.integer({ min: -2, max: 9 }), fc.constantFrom('CONTAINER_RUNNING', 'SANDBOX_READY')) }),
    pod_sandbox_id: garbageString,
    label_selector: fc.dictionary(garbageString, garbageString, { maxKeys: 2 }),
    image: fc.record({ image: garbageString }, { requiredKeys: [] }),
  }, { requiredKeys: [] });
  const listCall = fc.tuple(fc.constantFrom('ListContainers', 'ListPodSandbox', 'ListContainerStats', 'ListPodSandboxStats', 'ListImages'), filter);
  await fc.assert(fc.asyncProperty(fc.oneof(imageCall.map((c) => ['image', ...c] as const), listCall.map((c) => ['list', ...c] as const)), async ([kind, method, value]) => {
    if (kind === 'image') {
      const ref = value as string;
      const request = method === 'PullImage' ? { image: { image: ref } } : { image: { image: ref } };
      const what = `${method}(${JSON.stringify(ref)})`;
      const outcome = await attempt(what, () => client!.image[method]!(request, { deadlineMs: DEADLINE_MS }));
      assertNamesField(outcome, what);
      if (method === 'RemoveImage' && ref !== IMAGE) assert.ok(outcome.ok || outcome.code === grpc.status.INVALID_ARGUMENT, `${what} → ${outcome.details}`);
      return;
    }
    const service = method === 'ListImages' ? client!.image : client!.runtime;
    const what = `${method} ${JSON.stringify(value)}`;
    const outcome = await attempt(what, () => service[method]!({ filter: value }, { deadlineMs: DEADLINE_MS }));
    assertNamesField(outcome, what);
  }), { numRuns: RUNS * 4 });
  const status = await client!.image.ImageStatus!({ image: { image: IMAGE } });
  assert.ok(status.image, 'the fixture image is still there');
  await assertOnlyFixtures('after images and lists');
});
