// Chaos: the daemon SIGKILLed in the middle of creates, starts and removals (runc under conmon,
// a launched preCreate plugin), then started again on the same data, round after round. After
// each restart, with the containers of the round let to finish, it checks what a crash may not
// leave behind: container directories without a record (or records without one), corrupt, lost
// or resurrected records, records whose state disagrees with what the monitors recorded (a
// container that ran and exited while the daemon was down must be exited with its own code; one
// recorded `created` must never have run), plugins of the killed daemon still alive, conmon
// monitors or netns files no running container owns, and the plugin runtime dir after a clean
// stop.
//
// Short form (npm test, CI): HOOKD_CHAOS_DAEMON_KILLS=4. Longer run: HOOKD_CHAOS_DAEMON_KILLS=25
// node scripts/run-tests.mjs test/chaos/daemon-kills.test.ts (docs/chaos-and-fuzz.md).
// Unix sockets and containers without a network of their own (plus some on the daemon's own
// bridge); everything lives in one temp dir, removed at the end.

import assert from 'node:assert/strict';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { defaultPluginRuntimeDirPath } from '../../src/daemon/plugin-runtime-dir.ts';
import { ociRuntimeMissingReason } from '../e2e/daemon-per-runtime.ts';
import { DaemonProcess, fixtureManifest, makeWorkDir } from '../e2e/daemon-process.ts';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { fileAppears, isProcessAlive, monitorsUnder, send } from './daemon-kills-probes.ts';

const ROUNDS = Number(process.env.HOOKD_CHAOS_DAEMON_KILLS ?? 4);
const WORKERS = 3;
const IMAGE = 'busybox:chaos';

const work = await makeWorkDir();
after(() => work.remove());

interface RoundLedger {
  /** Creates the daemon answered 201 (ids), and removals it answered 204: both must hold after the crash. */
  created: Set<string>;
  removed: Set<string>;
  /** Removals sent: one the kill cut short may or may not have happened. */
  removing: Set<string>;
}

interface Listed { Id: string; Names: string[]; State: string; Labels: Record<string, string> }
interface Inspected { Id: string; State: { Status: string; ExitCode: number; Error: string }; LogPath: string; Config: { Labels: Record<string, string> } }

/** One client of the round: create, start, and now and then remove an earlier container, until the daemon dies. */
async function worker(daemon: DaemonProcess, round: number, index: number, ledger: RoundLedger): Promise<void> {
  const mine: string[] = [];
  for (let i = 0; ; i += 1) {
    const code = 10 + ((index * 7 + i) % 50);
    const body = {
      Image: IMAGE, Labels: { 'chaos.code': String(code) },
      // Runs until the round's gate opens (the test opens it while the daemon is down), then exits with its own code.
      Cmd: ['sh', '-c', `echo ran; read x < /gates/gate-${round}; echo done; exit ${code}`],
      HostConfig: { Binds: [`${join(work.dir, 'gates')}:/gates:ro`], NetworkMode: i % 4 === 0 ? 'bridge' : 'none' },
    };
    const created = await send(daemon.socketPath, 'POST', `/containers/create?name=k${round}-${index}-${i}`, JSON.stringify(body));
    if (created === 'down') return;
    assert.equal(created.status, 201, created.body);
    const id = (JSON.parse(created.body) as { Id: string }).Id;
    ledger.created.add(id);
    mine.push(id);
    const started = await send(daemon.socketPath, 'POST', `/containers/${id}/start`);
    if (started === 'down') return;
    assert.equal(started.status, 204, started.body);
    if (i % 2 === 1) {
      const victim = mine.shift()!;
      ledger.removing.add(victim);
      const removed = await send(daemon.socketPath, 'DELETE', `/containers/${victim}?force=1`);
      if (removed === 'down') return;
      assert.equal(removed.status, 204, removed.body);
      ledger.removed.add(victim);
    }
  }
}

/** The answer of a daemon that must be up. */
async function sendUp(daemon: DaemonProcess, method: string, path: string): Promise<{ status: number; body: string }> {
  const answer = await send(daemon.socketPath, method, path);
  if (answer === 'down') throw new Error(`${method} ${path}: the daemon is down`);
  return answer;
}

async function listAll(daemon: DaemonProcess): Promise<Listed[]> {
  const answer = await sendUp(daemon, 'GET', '/containers/json?all=1');
  return JSON.parse(answer.body) as Listed[];
}

async function inspect(daemon: DaemonProcess, id: string): Promise<Inspected> {
  const answer = await sendUp(daemon, 'GET', `/containers/${id}/json`);
  assert.equal(answer.status, 200, answer.body);
  return JSON.parse(answer.body) as Inspected;
}

async function pluginPid(daemon: DaemonProcess): Promise<number> {
  const answer = await sendUp(daemon, 'GET', '/hookd/plugins');
  const plugin = (JSON.parse(answer.body) as { Plugins: Array<{ name: string; pid?: number }> }).Plugins.find((p) => p.name === 'sets-label');
  assert.ok(plugin?.pid, 'the launched plugin runs');
  return plugin.pid;
}

const skipReason = await ociRuntimeMissingReason('runc');

test(`${ROUNDS} daemon SIGKILLs mid-create/start/rm: no half-made dirs, no lost or corrupt records, exits while down keep their codes, no orphans`, { timeout: 120_000 + ROUNDS * 60_000, skip: skipReason }, async () => {
  const tarball = await buildBusyboxRootfsTarball(work.dir);
  assert.ok(tarball, 'busybox-static is installed (apt-get install busybox-static)');
  await execa('mkdir', ['-p', join(work.dir, 'gates')]);
  const daemon = await DaemonProcess.start({
    dir: join(work.dir, 'd'), config: { runtime: 'runc', logLevel: 'info' },
    manifests: { 'sets-label.json': fixtureManifest('sets-label', 'sets-label.ts', { config: { label: 'chaos.plugin', value: 'ran' } }) },
  });
  const imported = await daemon.cli(['import', tarball, IMAGE]);
  assert.equal(imported.exitCode, 0, imported.stderr);
  const containersDir = join(daemon.dataRoot, 'containers');
  const recordsDir = join(daemon.dataRoot, 'records', 'containers');
  const tally = { created: 0, removed: 0, exitedWhileDown: 0, neverRan: new Set<string>() };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const gate = join(work.dir, 'gates', `gate-${round}`);
      await execa('mkfifo', [gate]);
      const ledger: RoundLedger = { created: new Set(), removed: new Set(), removing: new Set() };
      const plugin = await pluginPid(daemon);
      const workers = Array.from({ length: WORKERS }, (_, index) => worker(daemon, round, index, ledger));
      await sleep(300 + Math.random() * 2500); // the chaos schedule: a random point of the load
      daemon.child!.kill('SIGKILL');
      await daemon.exited;
      await Promise.all(workers);

      // While the daemon is down, the round's containers that run are let go, and their exits recorded by conmon.
      const gateFd = openSync(gate, constants.O_RDWR | constants.O_NONBLOCK);
      writeSync(gateFd, 'go\n'.repeat(256));
      const runningIds: string[] = [];
      const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);
      for (const id of await readdir(containersDir)) {
        const runtimeDir = join(containersDir, id, 'runtime');
        if (await exists(join(runtimeDir, 'started')) && !(await exists(join(runtimeDir, 'exit')))) runningIds.push(id);
      }
      await Promise.all(runningIds.map((id) => fileAppears(join(containersDir, id, 'runtime'), 'exit')));
      const exitedWhileDown = new Set(runningIds);

      const from = daemon.logs.length;
      await daemon.spawn();
      await daemon.listening();
      assert.equal(isProcessAlive(plugin), false, `round ${round}: the killed daemon's plugin (pid ${plugin}) is gone`);

      // Whatever still runs (started by nobody now, or a start the restart reconciled) finishes through the gate.
      for (const listed of await listAll(daemon)) {
        if (listed.State === 'running') await sendUp(daemon, 'POST', `/containers/${listed.Id}/wait`);
      }
      closeSync(gateFd);
      const listed = await listAll(daemon);
      const ids = new Set(listed.map((entry) => entry.Id));

      assert.deepEqual(daemon.logs.slice(from).filter((line) => /corrupt/.test(String(line.msg))), [], `round ${round}: no corrupt record`);
      assert.deepEqual((await readdir(containersDir)).sort(), [...ids].sort(), `round ${round}: a directory per record and a record per directory`);
      assert.deepEqual((await readdir(recordsDir)).sort(), [...ids].map((id) => `${id}.json`).sort(), `round ${round}: no stray record files`);
      for (const id of ledger.created) if (!ledger.removing.has(id)) assert.ok(ids.has(id), `round ${round}: acknowledged create ${id} is kept`);
      for (const id of ledger.removed) assert.ok(!ids.has(id), `round ${round}: acknowledged removal ${id} stays removed`);

      for (const entry of listed) {
        const record = await inspect(daemon, entry.Id);
        const code = Number(record.Config.Labels['chaos.code']);
        assert.equal(record.Config.Labels['chaos.plugin'], 'ran', `${entry.Names[0]}: the plugin's label`);
        const output = await readFile(record.LogPath, 'utf8').catch(() => '');
        const status = `${entry.Names[0]}: ${record.State.Status} (${record.State.ExitCode}, ${JSON.stringify(record.State.Error)})`;
        assert.notEqual(record.State.Status, 'running', `${status}: every container of the round ended`);
        if (exitedWhileDown.has(entry.Id)) {
          assert.deepEqual([record.State.Status, record.State.ExitCode], ['exited', code], `${status}: exited while the daemon was down, with its own code`);
        }
        if (record.State.Status === 'created') {
          assert.doesNotMatch(output, /ran/, `${status}: a container recorded as created never ran`);
          tally.neverRan.add(entry.Id);
        }
        if (/done/.test(output)) assert.deepEqual([record.State.Status, record.State.ExitCode], ['exited', code], `${status}: ran to its end`);
      }
      assert.deepEqual(await monitorsUnder(daemon.dataRoot), [], `round ${round}: no conmon left once every container ended`);
      assert.deepEqual(await readdir(join(daemon.dataRoot, 'netns')).catch(() => []), [], `round ${round}: no netns file without a running container`);
      tally.created += ledger.created.size;
      tally.removed += ledger.removed.size;
      tally.exitedWhileDown += exitedWhileDown.size;
    }
  } finally {
    if (daemon.exitInfo === undefined) {
      for (const entry of await listAll(daemon)) await send(daemon.socketPath, 'DELETE', `/containers/${entry.Id}?force=1`);
      await daemon.stop();
    }
  }
  assert.equal(await access(defaultPluginRuntimeDirPath(daemon.dataRoot)).then(() => true, () => false), false, 'the plugin runtime dir is removed by a clean stop');
  assert.ok(tally.created > ROUNDS, `containers created: ${tally.created}`);
  process.stdout.write(`# daemon chaos: ${ROUNDS} SIGKILLs, ${tally.created} acknowledged creates, ${tally.removed} removals, ${tally.exitedWhileDown} exits while down, ${tally.neverRan.size} never-started creates\n`);
});
