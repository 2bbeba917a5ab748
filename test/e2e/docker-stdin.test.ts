// `docker run -i` against the real daemon, once per runtime (runc when root with runc installed,
// and the process runtime): piped stdin reaches the container, and when the pipe ends the
// container's stdin is closed (StdinOnce, which `docker run -i` sets), so `cat` exits.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { dockerCliMissingReason, makeWorkDir, type DaemonProcess } from './daemon-process.ts';
import { RUNTIMES, startDaemonPerRuntime, stopDaemons, type RuntimeName } from './daemon-per-runtime.ts';

const IMAGE = 'busybox:stdin';
/** Well under the CLI's default timeout: a `cat` whose stdin is never closed hangs until this. */
const RUN_TIMEOUT_MS = 20_000;

let work: { dir: string; remove: () => Promise<void> };
let skipReason: string | undefined;
let skipReasons = new Map<RuntimeName, string>();
let daemons = new Map<RuntimeName, DaemonProcess>();

before(async () => {
  work = await makeWorkDir();
  skipReason = await dockerCliMissingReason();
  const tarball = skipReason ? undefined : await buildBusyboxRootfsTarball(work.dir);
  if (!skipReason && tarball === undefined) skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
  if (skipReason) {
    console.log(`# skipping docker run -i: ${skipReason}`);
    return;
  }
  ({ daemons, skipReasons } = await startDaemonPerRuntime(work.dir, tarball!, IMAGE));
});

after(async () => {
  await stopDaemons(daemons.values());
  await work?.remove();
});

for (const runtime of RUNTIMES) {
  test(`echo hello | docker run -i busybox cat prints hello and exits 0 (${runtime} runtime)`, async (t) => {
    if (skipReason) return t.skip(skipReason);
    const daemon = daemons.get(runtime);
    if (!daemon) return t.skip(skipReasons.get(runtime));
    const run = await daemon.cli(['run', '-i', '--name', `cat-${runtime}`, IMAGE, 'cat'], { input: 'hello\n', timeoutMs: RUN_TIMEOUT_MS });
    assert.equal(run.exitCode, 0, `stdout: ${run.stdout}\nstderr: ${run.stderr}`);
    assert.equal(run.stdout, 'hello'); // execa strips the final newline
    const inspect = await daemon.docker().getContainer(`cat-${runtime}`).inspect();
    assert.equal(inspect.Config.StdinOnce, true, 'docker run -i asked for StdinOnce');
    assert.equal(inspect.State.ExitCode, 0);
  });

  test(`docker run -i --rm with a multi-line pipe gets every line, then the container is gone (${runtime} runtime)`, async (t) => {
    if (skipReason) return t.skip(skipReason);
    const daemon = daemons.get(runtime);
    if (!daemon) return t.skip(skipReasons.get(runtime));
    const run = await daemon.cli(['run', '-i', '--rm', '--name', `rm-${runtime}`, IMAGE, 'sh', '-c', 'while read line; do echo "got $line"; done; echo done'], { input: 'one\ntwo\n', timeoutMs: RUN_TIMEOUT_MS });
    assert.equal(run.exitCode, 0, `stdout: ${run.stdout}\nstderr: ${run.stderr}`);
    assert.equal(run.stdout, 'got one\ngot two\ndone');
    const all = await daemon.cli(['ps', '-a', '--format', '{{.Names}}']);
    assert.doesNotMatch(all.stdout, new RegExp(`^rm-${runtime}$`, 'm'));
  });
}
