// Issue 13, attacks 1 and 2, against the real daemon with a real runc container: the container
// replaces /etc/profile.d (or the env file in it) with a symlink to a host path, then a
// POST /containers/{id}/update with Env makes the daemon write (attack 1) or read back (attack 2,
// through an update that fails after the write and rolls back) the env file. The host path must
// stay as it was, and no host content may show up inside the container.

import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from '../e2e/daemon-process.ts';
import { runcMissingReason } from '../e2e/daemon-per-runtime.ts';

const IMAGE = 'busybox:security';
const SECRET = 'HOST-SECRET: root:$6$salt$hash:19000:0:99999:7:::';

let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess | undefined;
let skipReason: string | undefined;
let hostDir: string;

before(async () => {
  work = await makeWorkDir();
  skipReason = (await dockerCliMissingReason()) ?? (await runcMissingReason());
  const tarball = skipReason ? undefined : await buildBusyboxRootfsTarball(work.dir);
  if (!skipReason && tarball === undefined) skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
  if (skipReason) return void console.log(`# skipping the env-file attacks with a runc container: ${skipReason}`);
  hostDir = join(work.dir, 'host-profile.d');
  await mkdir(hostDir);
  await writeFile(join(hostDir, 'host.sh'), '# the host\'s own profile script\n');
  await writeFile(join(work.dir, 'shadow'), SECRET);
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc' } });
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

async function runVictim(name: string): Promise<void> {
  const run = await daemon!.cli(['run', '-d', '--name', name, IMAGE, 'sleep', '1000']);
  assert.equal(run.exitCode, 0, run.stderr);
}

/** Runs a shell command in the container as its root; returns stdout. */
async function inContainer(name: string, script: string): Promise<string> {
  const exec = await daemon!.cli(['exec', name, '/bin/busybox', 'sh', '-c', script]);
  assert.equal(exec.exitCode, 0, `${script}: ${exec.stderr}`);
  return exec.stdout;
}

async function update(name: string, body: Record<string, unknown>): Promise<{ status: number; body: string }> {
  return daemon!.http('POST', `/containers/${name}/update`, JSON.stringify(body));
}

test('attack 1: /etc/profile.d replaced by a symlink to a host dir, then an Env update: nothing is written on the host', async (t) => {
  if (!daemon) return t.skip(skipReason);
  await runVictim('attack1');
  await inContainer('attack1', `/bin/busybox rm -rf /etc/profile.d && /bin/busybox ln -s ${hostDir} /etc/profile.d`);
  const answer = await update('attack1', { Env: ['PWNED=1'] });
  assert.equal(answer.status, 200, answer.body);
  assert.deepEqual(await readdir(hostDir), ['host.sh'], 'the host directory got nothing');
  // The link was resolved inside the container's rootfs: the container sees its file through it.
  assert.match(await inContainer('attack1', 'cat /etc/profile.d/hookd-env.sh'), /export PWNED='1'/);
});

test('attack 1, relative variant: a "../../.." link climbing out of the rootfs is stopped at its root', async (t) => {
  if (!daemon) return t.skip(skipReason);
  await runVictim('attack1rel');
  await inContainer('attack1rel', `/bin/busybox rm -rf /etc/profile.d && /bin/busybox ln -s ../../../../../../../..${hostDir} /etc/profile.d`);
  const answer = await update('attack1rel', { Env: ['PWNED=2'] });
  assert.equal(answer.status, 200, answer.body);
  assert.deepEqual(await readdir(hostDir), ['host.sh']);
});

test('attack 2: the env file linked to a host file and an update that fails after the write: its content never enters the container', async (t) => {
  if (!daemon) return t.skip(skipReason);
  await runVictim('attack2');
  const shadow = join(work.dir, 'shadow');
  await inContainer('attack2', `/bin/busybox ln -sf ${shadow} /etc/profile.d/hookd-env.sh`);
  const answer = await update('attack2', { Env: ['X=1'], CpusetCpus: '1023' });
  assert.ok(answer.status >= 400, `an impossible cpuset fails the update (got ${answer.status}: ${answer.body})`);
  assert.equal(await readFile(shadow, 'utf8'), SECRET, 'the host file is untouched');
  const seen = await inContainer('attack2', '/bin/busybox ls -l /etc/profile.d/hookd-env.sh; cat /etc/profile.d/hookd-env.sh 2>&1; true');
  assert.ok(!seen.includes('HOST-SECRET'), `the container sees no host content: ${seen}`);
  assert.match(seen, /hookd-env\.sh -> /, 'the rollback put the container\'s own link back');
  assert.ok(!answer.body.includes('HOST-SECRET'));
});
