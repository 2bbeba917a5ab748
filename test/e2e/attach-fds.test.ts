// Attach connections and the daemon's file descriptors, counted in /proc/<daemon>/fd: an attach
// whose client went away releases its descriptor at once (not when the container exits): a
// multiplexed one even from a silent container, a Tty one at the container's next output
// (there is nothing harmless to probe a raw stream with; docs/daemon.md "Attach connections"); and a client that sends junk and never reads while the container writes is
// dropped after the stall timeout (HOOKD_ATTACH_STALL_TIMEOUT_MS, short here) instead of holding
// its connection for good. Waits are on the daemon's log lines, never on sleeps.

import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, makeWorkDir, type LogLine } from './daemon-process.ts';

const IMAGE = 'busybox:attach';
const ATTACHES = 10;

let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess | undefined;
let skipReason: string | undefined;

before(async () => {
  work = await makeWorkDir();
  const tarball = await buildBusyboxRootfsTarball(work.dir);
  if (tarball === undefined) {
    skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
    console.log(`# skipping the attach fd tests: ${skipReason}`);
    return;
  }
  process.env.HOOKD_ATTACH_STALL_TIMEOUT_MS = '500';
  try {
    daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'process' } });
  } finally {
    delete process.env.HOOKD_ATTACH_STALL_TIMEOUT_MS;
  }
  const imported = await daemon.cli(['import', tarball, IMAGE]);
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

async function openFds(): Promise<number> {
  return (await readdir(`/proc/${daemon!.child!.pid}/fd`)).length;
}

/** A raw hijacked attach, as the docker CLI opens one; resolves once the daemon answered 101. */
function rawAttach(id: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(daemon!.socketPath);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(`POST /containers/${id}/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n`);
    });
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.pause();
      if (head.startsWith('HTTP/1.1 101')) resolve(socket);
      else reject(new Error(`attach refused: ${head}`));
    };
    socket.on('data', onData);
  });
}

async function run(args: string[]): Promise<string> {
  const result = await daemon!.cli(['run', '-d', ...args]);
  assert.equal(result.exitCode, 0, result.stderr);
  return result.stdout.trim();
}

const endedFor = (id: string) => (line: LogLine): boolean => line.msg === 'attach ended' && line.container === id;

async function waitForEnds(id: string, from: number, count: number): Promise<LogLine[]> {
  await daemon!.waitFor(() => daemon!.logs.slice(from).filter(endedFor(id)).length >= count, `${count} attaches of ${id} to end`);
  return daemon!.logs.slice(from).filter((line) => line.msg === 'attach dropped' && line.container === id);
}

for (const tty of [false, true]) {
  test(`dropped attaches release their fds at once while the container keeps running (${tty ? 'Tty' : 'multiplexed'})`, { timeout: 60_000 }, async (t) => {
    if (!daemon) return t.skip(skipReason);
    const id = await run(tty ? ['-t', IMAGE, 'sh', '-c', 'while :; do echo tick; sleep 0.2; done'] : [IMAGE, 'sleep', '300']);
    // One attach first: the daemon's first file watch opens its inotify descriptor for good.
    const warmup = daemon.logs.length;
    (await rawAttach(id)).destroy();
    await waitForEnds(id, warmup, 1);
    const baseline = await openFds();
    const sockets = await Promise.all(Array.from({ length: ATTACHES }, () => rawAttach(id)));
    assert.ok(await openFds() >= baseline + ATTACHES, 'each attach holds a descriptor while its client is there');
    const from = daemon.logs.length;
    for (const socket of sockets) socket.destroy();
    const dropped = await waitForEnds(id, from, ATTACHES);
    assert.equal(dropped.length, ATTACHES);
    assert.ok(dropped.every((line) => line.reason === 'client gone'));
    assert.ok(await openFds() <= baseline, `descriptors back to ${baseline}, not ${await openFds()}`);
    assert.equal((await daemon.docker().getContainer(id).inspect()).State.Running, true);
  });
}

test('a client that sends junk and never reads while the container writes is dropped after the stall timeout', { timeout: 60_000 }, async (t) => {
  if (!daemon) return t.skip(skipReason);
  const line = 'x'.repeat(4000);
  const id = await run([IMAGE, 'sh', '-c', `while :; do echo ${line}; sleep 0.01; done`]);
  // One attach first, as above: what the daemon opens for a running container's output (its log
  // watch) may still be opening when `docker run -d` returns, and stays open while it runs.
  const warmup = daemon.logs.length;
  (await rawAttach(id)).destroy();
  await waitForEnds(id, warmup, 1);
  const baseline = await openFds();
  const from = daemon.logs.length;
  const socket = await rawAttach(id);
  socket.write('junk that is not a stdin stream \u0000\u00ff\r\n\r\nGET / HTTP/1.1\r\n\r\n');
  const dropped = await waitForEnds(id, from, 1);
  assert.deepEqual(dropped.map((entry) => entry.reason), ['client stalled']);
  assert.ok(await openFds() <= baseline, `descriptors back to ${baseline}, not ${await openFds()}`);
  socket.destroy();
  assert.equal((await daemon.cli(['rm', '-f', id])).exitCode, 0);
});
