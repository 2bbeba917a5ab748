// Issue 10: a layer's xattrs survive `docker pull`, with either snapshotter. The layer is written by GNU tar --xattrs from a
// directory where the test set a binary security.capability (what `setcap cap_net_raw+ep` writes)
// and a text user.* value; the image goes through Debian's docker-registry on 127.0.0.1. The bytes
// on disk are compared with getfattr, and the capability is shown to work: a non-root process that
// execs the marked binary has CAP_NET_RAW in its effective set, one that execs the plain one has none.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from './daemon-process.ts';
import { registryMissingReason, startRegistry, type LocalRegistry } from './registry/local-registry.ts';
import { pushLayout, writeBusyboxRootfs, writeOciLayout } from './registry/oci-layout.ts';
import { hostPlatform } from '../../src/daemon/registry/manifest.ts';

const HOST_ARCH = hostPlatform().architecture;
const CAP_NET_RAW_EP = '0100000200200000000000000000000000000000';
/** CAP_NET_RAW is bit 13. */
const CAP_EFF_NET_RAW = '0000000000002000';

let work: { dir: string; remove: () => Promise<void> };
let registry: LocalRegistry | undefined;
/** One daemon per snapshotter: overlayfs mounts the layer dirs, copy copies them (cp -a) into each rootfs. */
const daemons: Array<{ snapshotter: 'auto' | 'copy'; daemon: DaemonProcess }> = [];
let skipReason: string | undefined;
let image: string;

function attrToolsMissingReason(): string | undefined {
  try {
    execFileSync('sh', ['-c', 'command -v setfattr && command -v getfattr'], { stdio: 'ignore' });
  } catch {
    return 'setfattr/getfattr are not installed (apt-get install attr)';
  }
  return process.getuid?.() === 0 ? undefined : 'setting security.capability needs root';
}

function xattrsOf(hostPath: string): Record<string, string> {
  const out = execFileSync('getfattr', ['-h', '--absolute-names', '-d', '-m', '-', '-e', 'hex', hostPath], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter((line) => line.includes('=') && !line.startsWith('#')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 3)]));
}

/** Every path under `dir` ending in `suffix` (not following links). */
async function findPaths(dir: string, suffix: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((entry) => entry.endsWith(suffix)).map((entry) => join(dir, entry));
}

before(async () => {
  skipReason = (await registryMissingReason()) ?? (await dockerCliMissingReason()) ?? attrToolsMissingReason();
  if (skipReason) return void console.log(`# skipping the xattr pull tests: ${skipReason}`);
  work = await makeWorkDir();
  const dir = work.dir;
  await writeBusyboxRootfs(join(dir, 'busybox'));
  const caps = join(dir, 'caps', 'opt', 'hookd-caps');
  await mkdir(caps, { recursive: true });
  await copyFile('/bin/busybox', join(caps, 'busybox'));
  execFileSync('setfattr', ['-n', 'security.capability', '-v', `0x${CAP_NET_RAW_EP}`, join(caps, 'busybox')]);
  execFileSync('setfattr', ['-n', 'user.x', '-v', 'a text value', join(caps, 'busybox')]);
  execFileSync('setfattr', ['-n', 'user.dir', '-v', 'd', caps]);
  await writeOciLayout(join(dir, 'layout'), 'v1', [{
    architecture: HOST_ARCH, layerDirs: [join(dir, 'busybox'), join(dir, 'caps')], tarFlags: ['--xattrs', '--xattrs-include=*'],
  }]);
  registry = await startRegistry();
  image = `${registry.host}/caps:v1`;
  await pushLayout(join(dir, 'layout'), 'v1', image);
  for (const snapshotter of ['auto', 'copy'] as const) {
    daemons.push({ snapshotter, daemon: await DaemonProcess.start({ dir: join(dir, `daemon-${snapshotter}`), config: { snapshotter } }) });
  }
});

after(async () => {
  for (const { daemon } of daemons) await daemon.stop();
  await registry?.stop();
  await work?.remove();
});

test('docker pull unpacks a layer\'s security.capability and user.* xattrs with their exact bytes', async (t) => {
  if (skipReason) return t.skip(skipReason);
  for (const { snapshotter, daemon } of daemons) {
    const pulled = await daemon.cli(['pull', image]);
    assert.equal(pulled.exitCode, 0, pulled.stderr);
    const binaries = await findPaths(daemon.dataRoot, 'opt/hookd-caps/busybox');
    assert.ok(binaries.length > 0, `no unpacked opt/hookd-caps/busybox under ${daemon.dataRoot}`);
    for (const binary of binaries) {
      assert.deepEqual(xattrsOf(binary), { 'security.capability': CAP_NET_RAW_EP, 'user.x': Buffer.from('a text value').toString('hex') }, `${snapshotter}: ${binary}`);
      assert.deepEqual(xattrsOf(join(binary, '..')), { 'user.dir': Buffer.from('d').toString('hex') });
    }
  }
});

test('the file capability takes effect in a container: a non-root exec of the marked binary gets CAP_NET_RAW', async (t) => {
  if (skipReason) return t.skip(skipReason);
  for (const { snapshotter, daemon } of daemons) {
    const marked = await daemon.cli(['run', '--rm', '--user', '1000:1000', image, '/opt/hookd-caps/busybox', 'grep', 'CapEff', '/proc/self/status']);
    assert.equal(marked.exitCode, 0, `${snapshotter}: ${marked.stderr}`);
    assert.equal(marked.stdout.trim(), `CapEff:\t${CAP_EFF_NET_RAW}`, snapshotter);
    const plain = await daemon.cli(['run', '--rm', '--user', '1000:1000', image, '/bin/busybox', 'grep', 'CapEff', '/proc/self/status']);
    assert.equal(plain.exitCode, 0, `${snapshotter}: ${plain.stderr}`);
    assert.equal(plain.stdout.trim(), 'CapEff:\t0000000000000000', snapshotter);
  }
});
