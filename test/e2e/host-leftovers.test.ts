// A killed daemon leaves nothing on the host once its test has cleaned up: no `hkd*` bridge and no
// `<tmp>/hookd-plugins-*` dir. Each case has a container running on the daemon's default bridge,
// as the tests that leaked them did (CRI pods and containers a test left running keep a port on
// the bridge, so stop() keeps it; the stray-monitor sweep ended them, and nothing deleted the
// bridge after). Three ways out: SIGKILL then the work dir's remove(); no stop at all (a failed
// test) then remove(); SIGKILL, a restart on the same data root, the container removed, and stop().

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { defaultPluginRuntimeDirPath } from '../../src/daemon/plugin-runtime-dir.ts';
import { buildBusyboxRootfsTarball } from '../fixtures/rootfs.ts';
import { runcMissingReason } from './daemon-per-runtime.ts';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from './daemon-process.ts';

async function missingTool(): Promise<string | undefined> {
  const plugins = await readdir('/usr/lib/cni').catch(() => [] as string[]);
  const missing = ['bridge', 'host-local', 'loopback', 'portmap'].filter((p) => !plugins.includes(p));
  if (missing.length > 0) return `CNI plugins missing in /usr/lib/cni: ${missing.join(', ')} (apt-get install containernetworking-plugins)`;
  return (await runcMissingReason()) ?? (await dockerCliMissingReason());
}

const bridgeExists = async (name: string): Promise<boolean> => (await execa('ip', ['link', 'show', name], { reject: false })).exitCode === 0;
const bridgePorts = async (name: string): Promise<string> => String((await execa('ip', ['-o', 'link', 'show', 'master', name], { reject: false })).stdout).trim();

/** A runc daemon in a fresh work dir with a container running on its default bridge. */
async function daemonWithContainer(t: { skip: (why: string) => void }): Promise<{ work: Awaited<ReturnType<typeof makeWorkDir>>; daemon: DaemonProcess; id: string } | undefined> {
  const reason = await missingTool();
  if (reason) return void t.skip(reason);
  const work = await makeWorkDir();
  const tarball = await buildBusyboxRootfsTarball(work.dir);
  if (tarball === undefined) {
    await work.remove();
    return void t.skip('busybox-static is not installed (apt-get install busybox-static)');
  }
  const daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc' } });
  assert.equal((await daemon.cli(['import', tarball, 'busybox:leftovers'])).exitCode, 0);
  const run = await daemon.cli(['run', '-d', 'busybox:leftovers', 'sleep', '3600']);
  assert.equal(run.exitCode, 0, run.stderr);
  assert.notEqual(await bridgePorts(daemon.bridgeName), '', 'the container has a port on the bridge');
  assert.ok(existsSync(defaultPluginRuntimeDirPath(daemon.dataRoot)), 'the daemon made its plugin runtime dir');
  return { work, daemon, id: run.stdout.trim() };
}

test('a SIGKILLed daemon with a container on its bridge: the work dir\'s remove() leaves no bridge and no plugin dir', { timeout: 120_000 }, async (t) => {
  const made = await daemonWithContainer(t);
  if (!made) return;
  const { work, daemon } = made;
  await daemon.stop('SIGKILL');
  assert.ok(await bridgeExists(daemon.bridgeName), 'stop() keeps a bridge a container is still on');
  assert.ok(existsSync(defaultPluginRuntimeDirPath(daemon.dataRoot)), 'a SIGKILLed daemon cannot remove its plugin dir');
  await work.remove();
  assert.equal(await bridgeExists(daemon.bridgeName), false, 'the bridge is gone');
  assert.equal(existsSync(defaultPluginRuntimeDirPath(daemon.dataRoot)), false, 'the plugin dir is gone');
});

test('a daemon a failed test never stopped: remove() kills it, and leaves no bridge and no plugin dir', { timeout: 120_000 }, async (t) => {
  const made = await daemonWithContainer(t);
  if (!made) return;
  const { work, daemon } = made;
  await work.remove();
  assert.notEqual(daemon.exitInfo, undefined, 'the daemon was killed');
  assert.equal(await bridgeExists(daemon.bridgeName), false, 'the bridge is gone');
  assert.equal(existsSync(defaultPluginRuntimeDirPath(daemon.dataRoot)), false, 'the plugin dir is gone');
});

test('a SIGKILLed daemon restarted on its data root, its container removed, then stopped: no bridge and no plugin dir', { timeout: 120_000 }, async (t) => {
  const made = await daemonWithContainer(t);
  if (!made) return;
  const { work, daemon, id } = made;
  try {
    daemon.child!.kill('SIGKILL');
    await daemon.exited;
    await daemon.spawn();
    await daemon.listening();
    assert.ok(existsSync(defaultPluginRuntimeDirPath(daemon.dataRoot)), 'the restart reuses the plugin dir');
    assert.equal((await daemon.cli(['rm', '-f', id])).exitCode, 0);
    await daemon.stop();
    assert.equal(await bridgeExists(daemon.bridgeName), false, 'stop() deletes the bridge once no container is on it');
    assert.equal(existsSync(defaultPluginRuntimeDirPath(daemon.dataRoot)), false, 'the clean stop removes the plugin dir');
  } finally {
    await work.remove();
  }
});
