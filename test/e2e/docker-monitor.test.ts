// The OCI runtimes under conmon, driven by the docker CLI against one real daemon that has both
// runc and crun (default runc; each test names its runtime with --runtime): failed starts answer
// an attached `docker run` at once with Docker's exit statuses, prestart hooks run in priority
// order under both, `docker logs` filters what conmon wrote, and a daemon SIGKILL loses nothing:
// containers keep running and stay attachable, exits while it was down keep their codes, and a
// start cut short by the kill is never left looking as if it had not run.

import assert from 'node:assert/strict';
import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, dockerCliMissingReason, fixtureManifest, makeWorkDir } from './daemon-process.ts';
import { OCI_RUNTIMES, ociRuntimeMissingReason } from './daemon-per-runtime.ts';

const IMAGE = 'busybox:monitor';
/** A guard, not an expectation: a `docker run` that hangs (the bug this file pins) fails here. */
const CLI_TIMEOUT_MS = 30_000;

let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess | undefined;
let skipReason: string | undefined;
const runtimeSkips = new Map<string, string>();

before(async () => {
  work = await makeWorkDir();
  skipReason = (await dockerCliMissingReason()) ?? (await ociRuntimeMissingReason('runc'));
  const tarball = skipReason ? undefined : await buildBusyboxRootfsTarball(work.dir);
  if (!skipReason && tarball === undefined) skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
  if (skipReason) {
    console.log(`# skipping the conmon e2e tests: ${skipReason}`);
    return;
  }
  for (const runtime of OCI_RUNTIMES) {
    const reason = await ociRuntimeMissingReason(runtime);
    if (reason) {
      runtimeSkips.set(runtime, reason);
      console.log(`# skipping ${runtime}: ${reason}`);
    }
  }
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc' }, manifests: { '10-label-hooks.json': fixtureManifest('label-hooks', 'label-hooks.ts') } });
  const imported = await daemon.cli(['import', tarball!, IMAGE]);
  assert.equal(imported.exitCode, 0, imported.stderr);
});

after(async () => {
  if (daemon && daemon.exitInfo === undefined) {
    const docker = daemon.docker();
    for (const container of await docker.listContainers({ all: true })) await docker.getContainer(container.Id).remove({ force: true });
    await daemon.stop();
  }
  await work?.remove();
});

function cli(args: string[], input?: string) {
  return daemon!.cli(args, { timeoutMs: CLI_TIMEOUT_MS, ...(input !== undefined ? { input } : {}) });
}

test('docker info lists runc, crun and process as runtimes, runc the default', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const info = await daemon.docker().info() as { Runtimes: Record<string, { path: string }>; DefaultRuntime: string; Hookd: { Monitor: string } };
  assert.equal(info.DefaultRuntime, 'runc');
  assert.deepEqual(Object.keys(info.Runtimes).sort(), [...(runtimeSkips.has('crun') ? [] : ['crun']), 'process', 'runc']);
  assert.equal(info.Hookd.Monitor, 'conmon');
  const bad = await cli(['run', '--rm', '--runtime', 'kata', IMAGE, 'true']);
  assert.equal(bad.exitCode, 125);
  assert.match(bad.stderr, /unknown or invalid runtime name: kata/);
});

for (const runtime of OCI_RUNTIMES) {
  const skip = (t: { skip(reason?: string): void }): boolean => {
    const reason = skipReason ?? runtimeSkips.get(runtime);
    if (reason) t.skip(reason);
    return reason !== undefined;
  };

  test(`an attached docker run of a missing command fails at once with exit status 127 (${runtime})`, async (t) => {
    if (skip(t)) return;
    const run = await cli(['run', '-i', '--runtime', runtime, '--name', `missing-${runtime}`, IMAGE, 'no-such-command'], 'ignored\n');
    assert.equal(run.exitCode, 127, run.stderr);
    assert.match(run.stderr, /no-such-command/);
    const state = (await daemon!.docker().getContainer(`missing-${runtime}`).inspect()).State;
    assert.equal(state.ExitCode, 127);
    assert.match(state.Error, /not found/);
  });

  test(`docker run --rm --user nobody of a command nobody may not reach fails at once (126 under runc), and the container is removed (${runtime})`, async (t) => {
    if (skip(t)) return;
    const run = await cli(['run', '--rm', '--runtime', runtime, '--user', 'nobody', '--name', `nobody-${runtime}`, IMAGE, '/root/tool']);
    // runc reports the denied lookup as such; crun reports what it could not reach as not found.
    assert.equal(run.exitCode, runtime === 'runc' ? 126 : 127, run.stderr);
    assert.match(run.stderr, runtime === 'runc' ? /permission denied/i : /not found/);
    assert.equal((await cli(['inspect', `nobody-${runtime}`])).exitCode, 1, 'removed, as --rm asked');
  });

  test(`a prestart hook that exits non-zero fails an attached docker run at once, naming the hook (${runtime})`, async (t) => {
    if (skip(t)) return;
    const run = await cli(['run', '--runtime', runtime, '--label', 'test.hook.5=echo refused by policy >&2; exit 3', IMAGE, 'echo', 'never']);
    assert.notEqual(run.exitCode, 0);
    assert.match(run.stderr, /hook/i);
    assert.doesNotMatch(run.stdout, /never/);
  });

  test(`OCI prestart hooks run in priority order, higher first, before the command (${runtime})`, async (t) => {
    if (skip(t)) return;
    const marker = join(work.dir, `order-${runtime}.log`);
    const run = await cli(['run', '--rm', '--runtime', runtime, '--network', 'none',
      '--label', `test.hook.-10=echo low >> ${marker}`, '--label', `test.hook.50=echo high >> ${marker}`, '--label', `test.hook.7=echo middle >> ${marker}`,
      IMAGE, 'echo', 'ran']);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(run.stdout, 'ran');
    assert.equal(await readFile(marker, 'utf8'), 'high\nmiddle\nlow\n');
  });

  test(`docker logs reads conmon's log: streams apart, --tail, --timestamps, --since/--until (${runtime})`, async (t) => {
    if (skip(t)) return;
    const name = `logs-${runtime}`;
    const run = await cli(['run', '--runtime', runtime, '--name', name, IMAGE, 'sh', '-c', 'echo one; echo two >&2; printf "no newline"; echo; echo three']);
    assert.equal(run.exitCode, 0, run.stderr);
    const logs = await cli(['logs', name]);
    assert.equal(logs.stdout, 'one\nno newline\nthree');
    assert.equal(logs.stderr, 'two');
    // The two streams are separate pipes: their lines interleave in the log as conmon read them.
    const tailed = await cli(['run', '--runtime', runtime, '--name', `${name}-tail`, IMAGE, 'sh', '-c', 'echo a; echo b; echo c']);
    assert.equal(tailed.exitCode, 0, tailed.stderr);
    assert.equal((await cli(['logs', '--tail', '1', `${name}-tail`])).stdout, 'c');
    const stamped = (await cli(['logs', '--timestamps', name])).stdout.split('\n');
    assert.match(stamped[0] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z one$/);
    const firstAt = Date.parse(stamped[0]!.split(' ')[0]!);
    assert.equal((await cli(['logs', '--until', new Date(firstAt - 60_000).toISOString(), name])).stdout, '');
    assert.equal((await cli(['logs', '--since', new Date(firstAt - 60_000).toISOString(), name])).stdout, 'one\nno newline\nthree');
    const logPath = (await daemon!.docker().getContainer(name).inspect()).LogPath;
    const file = await readFile(logPath, 'utf8');
    assert.match(file, /^\S+ stdout F one$/m, 'the file is in the CRI log format');
    assert.match(file, /^\S+ stderr F two$/m);
  });

  test(`a running container's stdin is reachable by docker attach, and docker logs -f follows it (${runtime})`, async (t) => {
    if (skip(t)) return;
    const name = `attach-${runtime}`;
    const started = await cli(['run', '-d', '-i', '--runtime', runtime, '--name', name, IMAGE, 'sh', '-c', 'echo waiting; read line; echo "got $line"']);
    assert.equal(started.exitCode, 0, started.stderr);
    const follow = execa('docker', ['-H', `unix://${daemon!.socketPath}`, 'logs', '-f', name], { reject: false });
    const attached = await cli(['attach', '--sig-proxy=false', name], 'hello\n');
    assert.equal(attached.stdout, 'got hello', attached.stderr);
    assert.equal((await follow).stdout, 'waiting\ngot hello', 'logs -f ended with the container');
  });
}

test('after a daemon SIGKILL: running containers keep running and stay attachable, exits while it was down keep their codes, restart policies apply', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const runtimes = OCI_RUNTIMES.filter((runtime) => !runtimeSkips.has(runtime));
  const fifo = join(work.dir, 'release');
  await execa('mkfifo', [fifo]);
  for (const runtime of runtimes) {
    assert.equal((await cli(['run', '-d', '-i', '--runtime', runtime, '--name', `keeps-${runtime}`, IMAGE, 'sh', '-c', 'read line; echo "got $line"'])).exitCode, 0);
    // Ends while the daemon is down: it waits on a fifo the test opens only then.
    assert.equal((await cli(['run', '-d', '--runtime', runtime, '-v', `${work.dir}:/w`, '--name', `ends-${runtime}`, IMAGE, 'sh', '-c', 'read x < /w/release; exit 42'])).exitCode, 0);
    assert.equal((await cli(['run', '-d', '--runtime', runtime, '-v', `${work.dir}:/w`, '--restart', 'always', '--name', `always-${runtime}`, IMAGE, 'sh', '-c', 'read x < /w/release; exit 3'])).exitCode, 0);
  }
  const pidsBefore = await Promise.all(runtimes.map(async (r) => (await daemon!.docker().getContainer(`keeps-${r}`).inspect()).State.Pid));
  const stateDirs = await Promise.all(runtimes.flatMap((r) => [`ends-${r}`, `always-${r}`]).map(async (name) => join(daemon!.dataRoot, 'containers', (await daemon!.docker().getContainer(name).inspect()).Id, 'runtime')));
  daemon!.child!.kill('SIGKILL');
  await daemon!.exited;
  // Release the waiting containers while no daemon runs, and wait until conmon recorded their exits.
  // One writer, opened once: its open wakes every reader blocked in theirs, one of them reads the
  // line, and its close gives the others end of file. (One `echo go > fifo` per container hung
  // when all of them ended on the first writer: the second open then waited for a reader forever.)
  await execa('sh', ['-c', `exec 3> ${fifo}; echo go >&3; exec 3>&-`]);
  for (const stateDir of stateDirs) await fileAppears(stateDir, 'exit');
  await daemon!.spawn();
  await daemon!.listening();
  const docker = daemon!.docker();
  for (const [i, runtime] of runtimes.entries()) {
    const keeps = (await docker.getContainer(`keeps-${runtime}`).inspect()).State;
    assert.equal(keeps.Running, true, `keeps-${runtime} outlived the daemon`);
    assert.equal(keeps.Pid, pidsBefore[i]);
    const attached = await cli(['attach', '--sig-proxy=false', `keeps-${runtime}`], 'again\n');
    assert.match(attached.stdout, /got again/, `keeps-${runtime} is attachable after the restart`);
    const ends = (await docker.getContainer(`ends-${runtime}`).inspect()).State;
    assert.equal(ends.Status, 'exited');
    assert.equal(ends.ExitCode, 42, `the exit code conmon recorded while the daemon was down (${runtime})`);
    const always = await docker.getContainer(`always-${runtime}`).inspect();
    assert.ok(always.RestartCount >= 1 || always.State.Restarting, `always-${runtime} is restarted by its policy`);
  }
});

test('a daemon SIGKILLed in the middle of starts never leaves a container that ran looking as if it had not', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const docker = daemon.docker();
  // Each round kills the daemon a little later after the start's prestart hook ran (0-80 ms): the
  // delay only spreads where the kill lands (during create, between create and start, after
  // start); what is asserted holds wherever it lands.
  for (let round = 0; round < 5; round++) {
    const name = `cut-${round}`;
    const marker = `hook-${round}`;
    const runtime = round % 2 === 1 && !runtimeSkips.has('crun') ? 'crun' : 'runc';
    const created = await cli(['create', '--runtime', runtime, '--name', name, '--label', `test.hook.1=touch ${join(work.dir, marker)}`, IMAGE, 'sh', '-c', 'echo ran; exit 7']);
    assert.equal(created.exitCode, 0, created.stderr);
    const hookRan = fileAppears(work.dir, marker);
    const starting = daemon.http('POST', `/containers/${name}/start`).catch(() => undefined);
    await hookRan;
    await new Promise((resolve) => setTimeout(resolve, round * 20));
    daemon.child!.kill('SIGKILL');
    await daemon.exited;
    await starting;
    await daemon.spawn();
    await daemon.listening();
    const record = await docker.getContainer(name).inspect();
    const output = await readFile(record.LogPath, 'utf8').catch(() => '');
    if (/ran/.test(output)) {
      await daemon.cli(['wait', name], { timeoutMs: CLI_TIMEOUT_MS });
      const state = (await docker.getContainer(name).inspect()).State;
      assert.equal(state.Status, 'exited', `round ${round}: a container that ran is exited, not ${state.Status}`);
      assert.equal(state.ExitCode, 7, `round ${round}: with the code conmon recorded`);
    } else {
      assert.equal(record.State.Running, false, `round ${round}: a container that never ran its command is not running`);
    }
  }
});

/** Resolves when `name` exists in `dir` (fs.watch, then one look in case it was already there). */
async function fileAppears(dir: string, name: string): Promise<void> {
  const watcher = watch(dir);
  try {
    const appeared = new Promise<void>((resolve) => watcher.on('change', (_event, file) => { if (file === name) resolve(); }));
    const exists = await readFile(join(dir, name)).then(() => true, () => false);
    if (!exists) await appeared;
  } finally {
    watcher.close();
  }
}
