// One layer dir (overlay format, see layer-apply.ts) applied over a copied rootfs the way
// overlayfs would show it: the layer's opaque dirs are emptied in the target first; then a
// directory present on both sides merges (its entries recursively, then its mode, owner and
// times); anything else in the layer replaces what the target has at that name (copied by
// `cp -a`, a batch per directory); last, every whiteout path is removed (cp copied the 0/0 device
// there). The layer's markers come from its record (LayerMeta.markers), so nothing is scanned for
// them.
//
// Both trees hold untrusted names and links: every lookup goes through RootDir (src/daemon/rootfs),
// and cp gets /proc/<pid>/fd/<dir>/<name> paths of directories resolved inside each root, names it
// does not follow (cp -a never dereferences a source link and always creates a fresh target entry,
// the old one being removed first).

import { posix } from 'node:path';
import { execa } from 'execa';
import { withRootDir, type RootDir } from '../../rootfs/in-root.ts';
import { procPathForChild } from '../../rootfs/proc-fd.ts';
import type { LayerMarkers } from '../layer-markers.ts';

/** cp arguments per run: far below ARG_MAX with 200-byte names. */
const BATCH = 500;

export async function mergeLayer(layerPath: string, targetPath: string, markers: LayerMarkers): Promise<void> {
  await withRootDir(layerPath, (layer) => withRootDir(targetPath, async (target) => {
    for (const dir of markers.opaques) await clearDir(target, dir);
    await mergeDir(layer, target, '.');
    for (const path of markers.whiteouts) await target.removeAll(path);
  }));
}

async function clearDir(target: RootDir, dir: string): Promise<void> {
  if (dir === '.') return target.removeChildren('.');
  const stats = await target.lstat(dir).catch(() => undefined);
  if (stats?.isDirectory()) await target.removeChildren(dir);
  else if (stats) await target.removeAll(dir);
}

async function mergeDir(layer: RootDir, target: RootDir, dir: string): Promise<void> {
  const replace: string[] = [];
  for (const name of await layer.readdir(dir)) {
    const path = dir === '.' ? name : posix.join(dir, name);
    const stats = await layer.lstat(path);
    if (!stats) continue;
    const existing = await target.lstat(path).catch(() => undefined);
    if (stats.isDirectory() && existing?.isDirectory()) {
      await mergeDir(layer, target, path);
      if (process.getuid?.() === 0) await target.chown(path, stats.uid, stats.gid);
      await target.chmod(path, stats.mode & 0o7777);
      await target.utimes(path, stats.atime, stats.mtime);
      continue;
    }
    if (existing) await target.removeAll(path);
    replace.push(name);
  }
  for (let start = 0; start < replace.length; start += BATCH) await copyEntries(layer, target, dir, replace.slice(start, start + BATCH));
}

/** `cp -a` of `names` in the layer's `dir` into the target's `dir` (where none of them exists). */
async function copyEntries(layer: RootDir, target: RootDir, dir: string, names: string[]): Promise<void> {
  const from = await layer.openDir(dir);
  try {
    const into = await target.openDir(dir);
    try {
      const sources = names.map((name) => procPathForChild(from.fd, name));
      const result = await execa('cp', ['-a', '-t', procPathForChild(into.fd, '.'), '--', ...sources], { reject: false, stdin: 'ignore' });
      if (result.exitCode !== 0) throw new Error(`could not copy ${dir} of the layer ${layer.path} into ${target.path}: cp exited ${result.exitCode ?? '?'}: ${result.stderr.trim() || result.shortMessage}`);
    } finally {
      await into.close();
    }
  } finally {
    await from.close();
  }
}
