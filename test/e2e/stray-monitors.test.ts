// makeWorkDir's remove() leaves no monitor behind: a daemon killed with a container running (as a
// failing test would leave it) has its conmon and the container's process swept, under runc and
// crun, and the work dir is gone.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, makeWorkDir } from './daemon-process.ts';
import { OCI_RUNTIMES, ociRuntimeMissingReason } from './daemon-per-runtime.ts';

/** Pids whose command line has an argument inside dir. */
async function processesUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv.some((arg) => arg.startsWith(`${dir}/`))) pids.push(Number(entry));
  }
  return pids;
}

for (const runtime of OCI_RUNTIMES) {
  test(`remove() of a work dir kills the conmon and the container a SIGKILLed daemon left running (${runtime})`, { timeout: 120_000 }, async (t) => {
    const reason = await ociRuntimeMissingReason(runtime);
    if (reason) return t.skip(reason);
    const work = await makeWorkDir();
    let removed = false;
    try {
      const tarball = await buildBusyboxRootfsTarball(work.dir);
      if (tarball === undefined) return t.skip('busybox-static is not installed (apt-get install busybox-static)');
      const daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime } });
      assert.equal((await daemon.cli(['import', tarball, 'busybox:stray'])).exitCode, 0);
      const run = await daemon.cli(['run', '-d', '--network', 'none', 'busybox:stray', 'sleep', '3600']);
      assert.equal(run.exitCode, 0, run.stderr);
      const pid = Number((await daemon.cli(['inspect', '-f', '{{.State.Pid}}', run.stdout.trim()])).stdout.trim());
      assert.ok(pid > 0, 'the container has a pid');
      await daemon.stop('SIGKILL');
      assert.ok((await processesUnder(work.dir)).length > 0, 'conmon outlives the daemon');
      assert.ok(existsSync(`/proc/${pid}`), 'so does the container');
      await work.remove();
      removed = true;
      assert.deepEqual(await processesUnder(work.dir), [], 'no conmon is left');
      assert.equal(existsSync(`/proc/${pid}`) && !(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')).includes(') Z'), false, 'the container process is gone');
      assert.equal(existsSync(work.dir), false);
    } finally {
      if (!removed) await work.remove();
    }
  });
}
