// Chaos: the daemon SIGKILLed in the middle of a `docker stop` and of a `docker pull` (runc under
// conmon, Debian's docker-registry on 127.0.0.1), then started again on the same data.
//
// Stop: the container's process ignores SIGTERM, so a stop is in progress for its whole timeout
// until the daemon's SIGKILL; the kill lands before or after that escalation. After the restart
// the record says what runc says (running ⇔ runc `running`; exited means code 137 from the
// escalation), the container is never stuck (a new stop ends it, exited 137), and once removed
// nothing of it is left: no directory, record, conmon, runc state or file in the run dir naming it.
//
// Pull: an image with a many-file layer and an 8 MiB incompressible file, pulled once whole to
// time it; then each round removes it and pulls again, killing the daemon at a random point of
// that time. After the restart the image is either absent or whole (a container reads the file
// with its sha256), every blob in the content store hashes to its name, no ingest or tmp- dir is
// left, and a re-pull succeeds and the image works.
//
// Short form (npm test, CI): HOOKD_CHAOS_STOP_KILLS=3, HOOKD_CHAOS_PULL_KILLS=3. Longer run in
// docs/chaos-and-fuzz.md.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { ociRuntimeMissingReason } from '../e2e/daemon-per-runtime.ts';
import { DaemonProcess, makeWorkDir } from '../e2e/daemon-process.ts';
import { registryMissingReason, startRegistry, type LocalRegistry } from '../e2e/registry/local-registry.ts';
import { pushLayout, writeBusyboxRootfs, writeOciLayout } from '../e2e/registry/oci-layout.ts';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { monitorsUnder, send } from './daemon-kills-probes.ts';

const STOP_ROUNDS = Number(process.env.HOOKD_CHAOS_STOP_KILLS ?? 3);
const PULL_ROUNDS = Number(process.env.HOOKD_CHAOS_PULL_KILLS ?? 3);
const IMAGE = 'busybox:chaos';

let work: { dir: string; remove: () => Promise<void> } | undefined;
let daemon: DaemonProcess | undefined;
let registry: LocalRegistry | undefined;
let skipReason: string | undefined;
let payloadSha = '';

before(async () => {
  skipReason = (await ociRuntimeMissingReason('runc')) ?? (await registryMissingReason());
  if (skipReason) return;
  work = await makeWorkDir();
  const tarball = await buildBusyboxRootfsTarball(work.dir);
  if (!tarball) {
    skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
    return;
  }
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc', logLevel: 'info' } });
  const imported = await daemon.cli(['import', tarball, IMAGE]);
  assert.equal(imported.exitCode, 0, imported.stderr);
});

after(async () => {
  if (daemon && daemon.exitInfo === undefined) {
    for (const entry of await listAll()) await send(daemon.socketPath, 'DELETE', `/containers/${entry.Id}?force=1`);
    await daemon.stop();
  }
  await registry?.stop();
  await work?.remove();
});

async function sendUp(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  const answer = await send(daemon!.socketPath, method, path, body);
  if (answer === 'down') throw new Error(`${method} ${path}: the daemon is down`);
  return answer;
}

async function listAll(): Promise<Array<{ Id: string; State: string }>> {
  return JSON.parse((await sendUp('GET', '/containers/json?all=1')).body) as Array<{ Id: string; State: string }>;
}

async function killAndRestart(): Promise<void> {
  daemon!.child!.kill('SIGKILL');
  await daemon!.exited;
  await daemon!.spawn();
  await daemon!.listening();
}

/** What runc says of the container: running, stopped, created... or absent. */
async function runcStatus(id: string): Promise<string> {
  const state = await execa('runc', ['--root', join(daemon!.dir, 'run', 'runc'), 'state', id], { reject: false });
  return state.exitCode === 0 ? (JSON.parse(state.stdout) as { status: string }).status : 'absent';
}

/** Paths below `root` whose name contains `needle`. */
async function namesWith(root: string, needle: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((entry) => entry.includes(needle));
}

test(`${STOP_ROUNDS} daemon SIGKILLs during docker stop of a container that ignores SIGTERM: the record matches runc, never stuck, nothing left`, { timeout: 60_000 + STOP_ROUNDS * 60_000 }, async (t) => {
  if (skipReason) return t.skip(skipReason);
  const outcomes: string[] = [];
  for (let round = 0; round < STOP_ROUNDS; round += 1) {
    const body = { Image: IMAGE, Cmd: ['sh', '-c', 'trap "" TERM; echo ran; while :; do sleep 0.1; done'], HostConfig: { NetworkMode: round % 2 === 0 ? 'none' : 'bridge' } };
    const created = await sendUp('POST', `/containers/create?name=stop-${round}`, JSON.stringify(body));
    assert.equal(created.status, 201, created.body);
    const id = (JSON.parse(created.body) as { Id: string }).Id;
    assert.equal((await sendUp('POST', `/containers/${id}/start`)).status, 204);
    const timeout = 1 + (round % 2);
    const stopping = send(daemon!.socketPath, 'POST', `/containers/${id}/stop?t=${timeout}`);
    await sleep(Math.random() * (timeout * 1000 + 800)); // the chaos schedule: before or after the SIGKILL escalation
    await killAndRestart();
    const answer = await stopping;
    assert.ok(answer === 'down' || answer.status === 204, `round ${round}: the stop answered ${JSON.stringify(answer)}`);

    const inspected = JSON.parse((await sendUp('GET', `/containers/${id}/json`)).body) as { State: { Status: string; Running: boolean; ExitCode: number } };
    const runtime = await runcStatus(id);
    const what = `round ${round} (t=${timeout}, stop ${answer === 'down' ? 'cut short' : 'answered'}): record ${inspected.State.Status}/${inspected.State.ExitCode}, runc ${runtime}`;
    assert.ok(['running', 'exited'].includes(inspected.State.Status), `${what}: exited or still running`);
    assert.equal(inspected.State.Running, runtime === 'running', `${what}: the record says what runc says`);
    if (inspected.State.Status === 'exited') assert.equal(inspected.State.ExitCode, 137, `${what}: only the escalation's SIGKILL ends it`);
    if (answer !== 'down') assert.equal(inspected.State.Status, 'exited', `${what}: an answered stop is done`);
    outcomes.push(inspected.State.Status);

    // Never stuck: a new stop ends it; then removal leaves nothing that names it.
    const again = await sendUp('POST', `/containers/${id}/stop?t=1`);
    assert.ok([204, 304].includes(again.status), `${what}: stop again → ${again.status} ${again.body}`);
    const ended = JSON.parse((await sendUp('GET', `/containers/${id}/json`)).body) as { State: { Status: string; ExitCode: number } };
    assert.deepEqual([ended.State.Status, ended.State.ExitCode], ['exited', 137], `${what}: stopped after the restart`);
    assert.equal(await runcStatus(id), 'stopped', `${what}: runc agrees`);
    assert.equal((await sendUp('DELETE', `/containers/${id}`)).status, 204);
    assert.deepEqual(await namesWith(join(daemon!.dataRoot, 'containers'), id), [], `${what}: no container dir left`);
    assert.deepEqual(await namesWith(join(daemon!.dataRoot, 'records'), id), [], `${what}: no record left`);
    assert.deepEqual(await namesWith(join(daemon!.dir, 'run'), id), [], `${what}: no runc state or socket left in the run dir`);
    assert.equal(await runcStatus(id), 'absent', `${what}: runc forgot it`);
  }
  assert.deepEqual(await monitorsUnder(daemon!.dataRoot), [], 'no conmon left');
  assert.deepEqual(await readdir(join(daemon!.dataRoot, 'netns')).catch(() => []), [], 'no netns file left');
  process.stdout.write(`# stop chaos: ${STOP_ROUNDS} SIGKILLs during docker stop; after restart: ${outcomes.join(', ')}\n`);
});

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The content store holds only whole blobs and no ingest; the image store no tmp- dir and no tree without its image. */
async function assertStoreClean(what: string): Promise<void> {
  const blobs = join(daemon!.dataRoot, 'content', 'blobs', 'sha256');
  for (const hex of await readdir(blobs)) assert.equal(await sha256Of(join(blobs, hex)), hex, `${what}: blob ${hex} is whole`);
  assert.deepEqual(await readdir(join(daemon!.dataRoot, 'content', 'ingest')), [], `${what}: no ingest left`);
  const entries = await readdir(join(daemon!.dataRoot, 'images'));
  assert.deepEqual(entries.filter((e) => e.startsWith('tmp-')), [], `${what}: no tmp- dir left`);
  // An unpacked tree is a dir named by its image id: each belongs to an image the daemon lists (no half-unpacked one kept).
  const listed = new Set((JSON.parse((await sendUp('GET', '/images/json?all=1')).body) as Array<{ Id: string }>).map((i) => i.Id.replace('sha256:', '')));
  assert.deepEqual(entries.filter((e) => /^[0-9a-f]{64}$/.test(e) && !listed.has(e)), [], `${what}: no tree without its image`);
  // The layer store: no unpack left half done, and every layer dir has its record (a crash-cut
  // unpack is a tmp- dir or a dir renamed before its record, both swept at start).
  const layersDir = join(daemon!.dataRoot, 'images', 'layers');
  const layerEntries = await readdir(layersDir);
  assert.deepEqual(layerEntries.filter((e) => e.startsWith('tmp-')), [], `${what}: no half-unpacked layer left`);
  const recorded = new Set<string>();
  for (const file of await readdir(join(layersDir, 'records'))) recorded.add((JSON.parse(await readFile(join(layersDir, 'records', file), 'utf8')) as { dir: string }).dir);
  assert.deepEqual(layerEntries.filter((e) => /^\d+$/.test(e) && !recorded.has(e)), [], `${what}: no layer dir without its record`);
}

/** The image works: a container reads the payload with the sha256 it was built with. */
async function assertImageWorks(image: string, what: string): Promise<void> {
  const ran = await daemon!.cli(['run', '--rm', '--network', 'none', image, 'sha256sum', '/payload/big']);
  assert.equal(ran.exitCode, 0, `${what}: ${ran.stderr}`);
  assert.equal(ran.stdout.split(' ')[0], payloadSha, `${what}: the payload is whole`);
}

test(`${PULL_ROUNDS} daemon SIGKILLs during docker pull: no partial blob or tree trusted, a re-pull works, nothing left`, { timeout: 120_000 + PULL_ROUNDS * 90_000 }, async (t) => {
  if (skipReason) return t.skip(skipReason);
  const dir = work!.dir;
  await writeBusyboxRootfs(join(dir, 'busybox'));
  const payload = join(dir, 'payload', 'payload');
  await mkdir(join(payload, 'many'), { recursive: true });
  const big = randomBytes(8 * 1024 * 1024);
  payloadSha = createHash('sha256').update(big).digest('hex');
  await writeFile(join(payload, 'big'), big);
  for (let i = 0; i < 1500; i += 1) await writeFile(join(payload, 'many', `f${i}`), `file ${i}\n`);
  await writeOciLayout(join(dir, 'layout'), 'v1', [{ architecture: process.arch === 'x64' ? 'amd64' : process.arch, layerDirs: [join(dir, 'busybox'), join(dir, 'payload')] }]);
  registry = await startRegistry();
  const image = `${registry.host}/chaos/app:v1`;
  await pushLayout(join(dir, 'layout'), 'v1', image);
  const pullPath = `/images/create?fromImage=${encodeURIComponent(`${registry.host}/chaos/app`)}&tag=v1`;

  // One whole pull times the schedule.
  const started = Date.now();
  const whole = await sendUp('POST', pullPath);
  assert.equal(whole.status, 200, whole.body);
  assert.doesNotMatch(whole.body, /errorDetail/, whole.body);
  const pullMs = Date.now() - started;
  await assertImageWorks(image, 'the first pull');
  const outcomes: string[] = [];
  for (let round = 0; round < PULL_ROUNDS; round += 1) {
    const removed = await daemon!.cli(['rmi', image]);
    assert.equal(removed.exitCode, 0, removed.stderr);
    const pulling = send(daemon!.socketPath, 'POST', pullPath);
    await sleep(Math.random() * pullMs); // the chaos schedule: a random point of a pull
    await killAndRestart();
    const answer = await pulling;
    const what = `round ${round} (of a ${pullMs} ms pull)`;
    const present = (await daemon!.cli(['image', 'inspect', image])).exitCode === 0;
    outcomes.push(answer === 'down' ? (present ? 'cut short, image whole' : 'cut short, image absent') : 'pull finished first');
    await assertStoreClean(`${what}, after the restart`);
    if (present) await assertImageWorks(image, `${what}: a present image is whole`);
    const again = await sendUp('POST', pullPath);
    assert.equal(again.status, 200, again.body);
    assert.doesNotMatch(again.body, /errorDetail/, `${what}: re-pull: ${again.body}`);
    await assertImageWorks(image, `${what}: after the re-pull`);
    await assertStoreClean(`${what}, after the re-pull`);
  }
  assert.deepEqual(await monitorsUnder(daemon!.dataRoot), [], 'no conmon left');
  process.stdout.write(`# pull chaos: ${PULL_ROUNDS} SIGKILLs during a ${pullMs} ms pull: ${outcomes.join('; ')}\n`);
});
