// `docker update` of a running container against the real daemon: the new limits reach the
// container's cgroup at once (runc runtime; skipped with the reason when it cannot run here), and
// the fields the command did not name keep their values (the CLI sends them all, as zeros).

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from './daemon-process.ts';

const IMAGE = 'busybox:update';
const MEMORY_LIMIT = 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max';
const MIB = 1024 * 1024;

let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess | undefined;
let skipReason: string | undefined;

before(async () => {
  work = await makeWorkDir();
  skipReason = await dockerCliMissingReason();
  if (!skipReason && process.getuid?.() !== 0) skipReason = 'the runc runtime needs root';
  if (!skipReason && (await execa('runc', ['--version'], { reject: false })).exitCode !== 0) skipReason = 'runc is not on PATH';
  const tarball = skipReason ? undefined : await buildBusyboxRootfsTarball(work.dir);
  if (!skipReason && tarball === undefined) skipReason = 'busybox-static is not installed (apt-get install busybox-static)';
  if (skipReason) {
    console.log(`# skipping docker update of a running container: ${skipReason}`);
    return;
  }
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

test('docker update --memory 64m changes the running container\'s cgroup limit and keeps its other limits', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const run = await daemon.cli(['run', '-d', '--name', 'limited', '--memory', '32m', '--cpu-shares', '512', IMAGE, 'sleep', '1000']);
  assert.equal(run.exitCode, 0, run.stderr);
  const limit = async (): Promise<string> => {
    const exec = await daemon!.cli(['exec', 'limited', 'sh', '-c', MEMORY_LIMIT]);
    assert.equal(exec.exitCode, 0, exec.stderr);
    return exec.stdout.trim();
  };
  assert.equal(await limit(), String(32 * MIB));
  const update = await daemon.cli(['update', '--memory', '64m', 'limited']);
  assert.equal(update.exitCode, 0, update.stderr);
  assert.equal(await limit(), String(64 * MIB));
  const inspect = await daemon.docker().getContainer('limited').inspect();
  assert.equal(inspect.HostConfig.Memory, 64 * MIB);
  assert.equal(inspect.HostConfig.CpuShares, 512, 'a field the update did not name keeps its value');
  assert.equal(inspect.State.Running, true);
});

test('docker update with a value runc refuses fails, naming the container, and changes nothing', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const update = await daemon.cli(['update', '--cpuset-cpus', '4096', 'limited']);
  assert.notEqual(update.exitCode, 0);
  assert.match(update.stderr, /Cannot update container [0-9a-f]{64}: the runc runtime could not apply/);
  const inspect = await daemon.docker().getContainer('limited').inspect();
  assert.equal(inspect.HostConfig.CpusetCpus, '');
  assert.equal(inspect.HostConfig.Memory, 64 * MIB);
});
