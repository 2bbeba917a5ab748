// Issue 10 with issue 13's eyes: PAX xattrs on layer members whose path is a symlink to a host
// file, a hard link to such a symlink, and a file written through a symlinked directory. The host
// files must get no xattr whatever the layer says; the symlink inside the image gets what the
// kernel allows on a link (security.*), and trusted.* is never taken from a layer.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DaemonProcess, dockerCliMissingReason, makeWorkDir } from '../e2e/daemon-process.ts';
import { writeSaveArchive } from './fixtures/crafted-archive.ts';

let work: { dir: string; remove: () => Promise<void> };
let daemon: DaemonProcess | undefined;
let skipReason: string | undefined;
let hostDir: string;

function attrToolsMissingReason(): string | undefined {
  try {
    execFileSync('sh', ['-c', 'command -v setfattr && command -v getfattr'], { stdio: 'ignore' });
  } catch {
    return 'setfattr/getfattr are not installed (apt-get install attr)';
  }
  return process.getuid?.() === 0 ? undefined : 'security.* xattrs need root';
}

function xattrsOf(hostPath: string): Record<string, string> {
  const out = execFileSync('getfattr', ['-h', '--absolute-names', '-d', '-m', '-', '-e', 'text', hostPath], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter((line) => line.includes('=') && !line.startsWith('#')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}

before(async () => {
  work = await makeWorkDir();
  skipReason = (await dockerCliMissingReason()) ?? attrToolsMissingReason();
  if (skipReason) return void console.log(`# skipping the xattr escape tests: ${skipReason}`);
  hostDir = join(work.dir, 'host');
  await mkdir(hostDir);
  await writeFile(join(hostDir, 'secret'), 'host secret');
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'process' } });
});

after(async () => {
  await daemon?.stop();
  await work?.remove();
});

test('xattrs on a member that is a symlink to a host file, on a hard link to it and through a linked directory never reach the host', async (t) => {
  if (!daemon) return t.skip(skipReason);
  const pwn = { 'user.pwn': '1', 'security.pwn': '1', 'trusted.pwn': '1' };
  const archive = join(work.dir, 'xattr-escape.tar');
  await writeSaveArchive(archive, {
    tag: 'evil:xattrs',
    layers: [
      [{ name: 'evil', symlink: join(hostDir, 'secret') }, { name: 'evildir', symlink: hostDir }],
      [
        { name: 'evil', symlink: join(hostDir, 'secret'), xattrs: pwn },
        { name: 'hl', hardlink: 'evil', xattrs: { 'user.pwn': '1', 'security.pwn2': '2' } },
        { name: 'evildir/planted', file: 'x', xattrs: pwn },
        { name: 'evildir', dir: true, xattrs: pwn },
      ],
    ],
  });
  const loaded = await daemon.cli(['load', '-i', archive]);
  assert.equal(loaded.exitCode, 0, loaded.stderr);
  for (const path of [hostDir, join(hostDir, 'secret')]) assert.deepEqual(xattrsOf(path), {}, `${path} got no xattr`);
  assert.deepEqual(await readdir(hostDir), ['secret'], 'nothing planted in the host directory');
  // Inside the image: the link itself holds the security.* values (hl shares its inode), no user.* or trusted.*.
  const links = [];
  for (const entry of await readdir(daemon.dataRoot, { recursive: true })) {
    if (entry.endsWith('/evil') && (await lstat(join(daemon.dataRoot, entry))).isSymbolicLink()) links.push(join(daemon.dataRoot, entry));
  }
  // (With per-layer snapshots the lower layer's own copy of the link stays bare.)
  const marked = links.filter((link) => Object.keys(xattrsOf(link)).length > 0);
  assert.ok(marked.length > 0, `the upper layer's evil link holds its xattrs: ${links.join(', ')}`);
  for (const link of marked) assert.deepEqual(xattrsOf(link), { 'security.pwn': '"1"', 'security.pwn2': '"2"' }, link);
});
