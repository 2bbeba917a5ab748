// `docker run -t` and `docker exec -t` against the real daemon, once per runtime (runc when root
// with runc installed, and the process runtime): the process gets a real pseudo-terminal, its
// output comes back as the CLI's one raw stream with the terminal's CRLF line ends, and the exit
// code is the command's.

import assert from 'node:assert/strict';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { dockerCliMissingReason, makeWorkDir, type DaemonProcess } from './daemon-process.ts';
import { RUNTIMES, startDaemonPerRuntime, stopDaemons, type RuntimeName } from './daemon-per-runtime.ts';

const IMAGE = 'busybox:tty';
const RUN_TIMEOUT_MS = 30_000;

let work: { dir: string; remove: () => Promise<void> };
let skipReason: string | undefined;
let skipReasons = new Map<RuntimeName, string>();
let daemons = new Map<RuntimeName, DaemonProcess>();

/** The busybox fixture rootfs plus a /bin/tty applet link, appended to its tarball. */
async function busyboxWithTty(dir: string): Promise<string | undefined> {
  const tarball = await buildBusyboxRootfsTarball(dir);
  if (tarball === undefined) return undefined;
  const extra = join(dir, 'tty-applet');
  await mkdir(join(extra, 'bin'), { recursive: true });
  await symlink('busybox', join(extra, 'bin', 'tty'));
  await execa('tar', ['--numeric-owner', '-C', extra, '-rf', tarball, './bin/tty']);
  return tarball;
}

before(async () => {
  work = await makeWorkDir();
  skipReason = await dockerCliMissingReason();
  const tarball = skipReason ? undefined : await busyboxWithTty(work.dir);
  if (!skipReason && tarball === undefined) skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
  if (!skipReason && (await execa('script', ['--version'], { reject: false })).exitCode !== 0) skipReason = 'util-linux script(1) is not on PATH (apt-get install util-linux)';
  if (skipReason) {
    console.log(`# skipping docker run -t: ${skipReason}`);
    return;
  }
  ({ daemons, skipReasons } = await startDaemonPerRuntime(work.dir, tarball!, IMAGE));
});

after(async () => {
  await stopDaemons(daemons.values());
  await work?.remove();
});

for (const runtime of RUNTIMES) {
  test(`docker run --rm -t busybox tty prints a /dev/pts path (${runtime} runtime)`, async (t) => {
    if (skipReason) return t.skip(skipReason);
    const daemon = daemons.get(runtime);
    if (!daemon) return t.skip(skipReasons.get(runtime));
    const run = await daemon.cli(['run', '--rm', '-t', IMAGE, 'tty'], { timeoutMs: RUN_TIMEOUT_MS });
    assert.equal(run.exitCode, 0, `stdout: ${run.stdout}\nstderr: ${run.stderr}`);
    assert.match(run.stdout, /^\/dev\/pts\/\d+$/); // execa strips the final line end (\r\n)
  });

  test(`docker run -t keeps the command's exit code, and its stdin and stdout are terminals (${runtime} runtime)`, async (t) => {
    if (skipReason) return t.skip(skipReason);
    const daemon = daemons.get(runtime);
    if (!daemon) return t.skip(skipReasons.get(runtime));
    const run = await daemon.cli(['run', '--rm', '-t', IMAGE, 'sh', '-c', '[ -t 0 ] && [ -t 1 ] && echo terminals; echo the end; exit 7'], { timeoutMs: RUN_TIMEOUT_MS });
    assert.equal(run.exitCode, 7, `stdout: ${run.stdout}\nstderr: ${run.stderr}`);
    assert.equal(run.stdout, 'terminals\r\nthe end', 'a terminal ends lines with CRLF');
    const plain = await daemon.cli(['run', '--rm', IMAGE, 'sh', '-c', '[ -t 1 ] || echo pipes'], { timeoutMs: RUN_TIMEOUT_MS });
    assert.equal(plain.stdout, 'pipes', 'without -t there is no terminal');
  });

  test(`docker exec -t runs on a pseudo-terminal and keeps the exit code (${runtime} runtime)`, async (t) => {
    if (skipReason) return t.skip(skipReason);
    const daemon = daemons.get(runtime);
    if (!daemon) return t.skip(skipReasons.get(runtime));
    const started = await daemon.cli(['run', '-d', '--name', `exec-tty-${runtime}`, IMAGE, 'sleep', '300']);
    assert.equal(started.exitCode, 0, started.stderr);
    const exec = await daemon.cli(['exec', '-t', `exec-tty-${runtime}`, 'sh', '-c', 'tty; exit 5'], { timeoutMs: RUN_TIMEOUT_MS });
    assert.equal(exec.exitCode, 5, `stdout: ${exec.stdout}\nstderr: ${exec.stderr}`);
    assert.match(exec.stdout, /^\/dev\/pts\/\d+$/);
  });
}

/** Resolves once `docker logs -f <name>` has printed a match (waits on the output, not on time). */
async function logsShow(daemon: DaemonProcess, name: string, pattern: RegExp): Promise<void> {
  const follow = execa('docker', ['-H', `unix://${daemon.socketPath}`, 'logs', '-f', name], { reject: false, buffer: false });
  let out = '';
  try {
    await new Promise<void>((resolve, reject) => {
      follow.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (pattern.test(out)) resolve();
      });
      void follow.then(() => reject(new Error(`docker logs -f ${name} ended without ${pattern}: ${JSON.stringify(out)}`)));
    });
  } finally {
    follow.kill();
  }
}

for (const runtime of RUNTIMES) {
  test(`POST /containers/{id}/resize sets the tty's size; the process sees SIGWINCH (${runtime} runtime)`, { timeout: 60_000 }, async (t) => {
    if (skipReason) return t.skip(skipReason);
    const daemon = daemons.get(runtime);
    if (!daemon) return t.skip(skipReasons.get(runtime));
    const name = `resize-${runtime}`;
    // busybox's stty in both runtimes: the process runtime runs host binaries, and the host has busybox too.
    const script = 'trap "busybox stty size; exit 0" WINCH; echo ready; while :; do sleep 0.1; done';
    const started = await daemon.cli(['run', '-d', '-t', '--name', name, IMAGE, 'sh', '-c', script]);
    assert.equal(started.exitCode, 0, started.stderr);
    await logsShow(daemon, name, /ready/);
    assert.equal((await daemon.http('POST', `/containers/${name}/resize?h=30`)).status, 400, 'w is required, as in Docker');
    const resized = await daemon.http('POST', `/containers/${name}/resize?h=30&w=100`);
    assert.equal(resized.status, 200, resized.body);
    const waited = await daemon.cli(['wait', name]);
    assert.equal(waited.stdout, '0');
    assert.match((await daemon.cli(['logs', name])).stdout, /30 100/);
    assert.equal((await daemon.http('POST', `/containers/${name}/resize?h=30&w=100`)).status, 409, 'a stopped container has no terminal');
  });
}
