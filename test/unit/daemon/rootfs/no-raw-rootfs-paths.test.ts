// Holds issue 13's rule: a host path *inside* a container rootfs or image layer is built and used
// only by the in-root module (src/daemon/rootfs). Building one elsewhere (`join(rootfs, 'etc')`,
// `${rootfsDir}/x`) is the first step of every link-following bug this repository had, so the
// scan flags the expression itself, whatever fs call it later reaches. An exception needs an entry
// in ALLOWED with the reason it is safe, for a reviewer to judge.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const REPO = join(import.meta.dirname, '../../../..');
const SCANNED = ['src'];
const MODULE = 'src/daemon/rootfs/';

/** Names that hold a root: rootfs, rootfsDir, record.hookd.rootfs, baseFs, layerDir, upperDir, snapshotDir... */
const ROOT_NAME = String.raw`[\w.#?!]*(?:rootfs|basefs|layerdir|snapshotdir|upperdir|lowerdir|mergeddir)\w*`;
const INSIDE_ROOT = [
  new RegExp(String.raw`\b(?:join|resolve)\(\s*${ROOT_NAME}\s*,`, 'i'),
  new RegExp(String.raw`\$\{${ROOT_NAME}\}/`, 'i'),
];

/** file → fragments of lines allowed to build such a path, each with why it is safe. */
const ALLOWED: Record<string, Array<{ fragment: string; reason: string }>> = {
  'src/daemon/runtime/process-runtime.ts': [{
    fragment: 'join(config.rootfs, spec.cwd || config.cwd)',
    reason: 'the process runtime has no isolation by design (isolated=false): the path is only a cwd for a host process running as the container user, nothing is read or written',
  }],
  'src/daemon/runtime/shim.ts': [{
    fragment: 'join(config.rootfs, config.cwd)',
    reason: 'same cwd of the non-isolated process runtime, in its shim',
  }],
  'src/daemon/images/snapshots/copy-snapshotter.ts': [{
    fragment: '`${paths[0]!}/.`',
    reason: 'cp -a copies the image\'s bottom layer dir (written through the in-root module) into the empty target without following links in it; the source is the layer root itself',
  }],
};

function sourceFiles(path: string): string[] {
  if (statSync(path).isFile()) return path.endsWith('.ts') ? [path] : [];
  return readdirSync(path).flatMap((entry) => (entry === 'node_modules' || entry === 'generated' ? [] : sourceFiles(join(path, entry))));
}

/** Every line outside the module that builds a path inside a root, less the allowed ones. */
export function findRawRootfsPaths(repo: string): string[] {
  const found: string[] = [];
  for (const file of SCANNED.flatMap((dir) => sourceFiles(join(repo, dir)))) {
    const name = relative(repo, file);
    if (name.startsWith(MODULE)) continue;
    readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
      if (line.trimStart().startsWith('//') || line.trimStart().startsWith('*')) return;
      if (!INSIDE_ROOT.some((pattern) => pattern.test(line))) return;
      if ((ALLOWED[name] ?? []).some(({ fragment }) => line.includes(fragment))) return;
      found.push(`${name}:${index + 1}: ${line.trim()}`);
    });
  }
  return found;
}

test('no code outside src/daemon/rootfs builds a host path inside a rootfs or layer', () => {
  const found = findRawRootfsPaths(REPO);
  assert.deepEqual(found, [], `use RootDir (src/daemon/rootfs/in-root.ts) for these, or add a reasoned entry to ALLOWED:\n${found.join('\n')}`);
});

test('the scan catches the shapes of the env-file and passwd-reading bugs it exists for', () => {
  const samples = ['const path = join(rootfs, ENV_FILE);', "readFile(join(record.hookd.rootfs, 'etc', file))", 'await writeFile(`${image.rootfsDir}/etc/hosts`, text);', 'join(layerDir, name)'];
  for (const sample of samples) assert.ok(INSIDE_ROOT.some((pattern) => pattern.test(sample)), sample);
  for (const fine of ['join(dir, \'rootfs\')', 'mkdir(rootfs)', 'join(work, `rootfs-${index}`)']) {
    assert.ok(!INSIDE_ROOT.some((pattern) => pattern.test(fine)), fine);
  }
});

test('every ALLOWED entry still matches a line (stale exceptions are removed, not kept)', () => {
  for (const [file, entries] of Object.entries(ALLOWED)) {
    const text = readFileSync(join(REPO, file), 'utf8');
    for (const { fragment } of entries) assert.ok(text.includes(fragment), `${file} no longer contains ${fragment}: drop it from ALLOWED`);
  }
});
