// Per-layer snapshots, as containerd's and Docker overlay2's: each layer is unpacked once, in the
// overlay format (layer-apply.ts), into its own directory, and every image that has it shares it.
//
//   <images>/layers/<n>                 a layer dir (short numeric names keep overlayfs's lowerdir
//                                       option under its one-page limit, see overlay-snapshotter.ts)
//   <images>/layers/records/<hex>.json  its LayerMeta, keyed by chainID
//   <images>/layers/empty               the lower of an image without layers
//   <images>/layers/tmp-*               unpacks in progress
//
// A layer is keyed by its chainID (image spec: chain(L0) = diff_id(L0), chain(Ln) =
// sha256(chain(Ln-1) + " " + diff_id(Ln))), since the same diff applied over other parents is
// another snapshot. It is unpacked into a tmp-* dir, renamed to its number and then recorded: a
// crash at any point leaves a dir without a record, which open() sweeps, so a half layer is never
// trusted. Which images use a layer is in the image records (ImageRecord.chainIds); collect()
// removes the layers that neither an image record, a staged pull nor a running unpack (hold())
// names. Containers keep their image (rmi refuses or only untags), so they keep its layers too.

import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { JsonStore } from '../store/json-store.ts';
import { RootDir, withRootDir } from '../rootfs/in-root.ts';
import type { LayerMarkers } from './layer-markers.ts';

export interface LayerMeta {
  chainId: string;
  diffId: string;
  /** The chainID of the layer below; none for a bottom layer. */
  parent?: string;
  /** The dir's name under the layers root. */
  dir: string;
  /** Apparent size of the unpacked layer in bytes. */
  size: number;
  /** What the layer hides of the layers below (the copy snapshotter applies these). */
  markers: LayerMarkers;
}

/** Fills the empty layer dir `root`; `lowers` are the layer dirs below it, top first. */
export type LayerApply = (root: RootDir, lowers: readonly RootDir[]) => Promise<LayerMarkers>;

export const EMPTY_LOWER = 'empty';

export function chainIdOf(parent: string | undefined, diffId: string): string {
  return parent === undefined ? diffId : `sha256:${createHash('sha256').update(`${parent} ${diffId}`).digest('hex')}`;
}

/** The chainIDs of a layer stack given bottom first. */
export function chainIds(diffIds: readonly string[]): string[] {
  const chain: string[] = [];
  for (const diffId of diffIds) chain.push(chainIdOf(chain.at(-1), diffId));
  return chain;
}

export class LayerStore {
  readonly root: string;
  readonly #records: JsonStore<LayerMeta>;
  readonly #layers = new Map<string, LayerMeta>();
  readonly #unpacking = new Map<string, Promise<LayerMeta>>();
  /** chainID → how many running unpacks, imports or loads hold it (collect() leaves those). */
  readonly #held = new Map<string, number>();
  #next = 1;

  private constructor(root: string) {
    this.root = root;
    this.#records = new JsonStore<LayerMeta>(join(root, 'records'));
  }

  /** Loads the records and removes every dir no record names (unpacks a crash cut short). */
  static async open(root: string, warn: (obj: object, msg: string) => void): Promise<LayerStore> {
    const store = new LayerStore(root);
    await mkdir(join(root, EMPTY_LOWER), { recursive: true, mode: 0o755 });
    const { records, corrupt } = await store.#records.load();
    for (const { file, reason } of corrupt) warn({ file, reason }, 'layer record is corrupt and was skipped');
    for (const meta of records.values()) {
      store.#layers.set(meta.chainId, meta);
      store.#next = Math.max(store.#next, Number.parseInt(meta.dir, 10) + 1);
    }
    const named = new Set([...store.#layers.values()].map((meta) => meta.dir));
    for (const entry of await readdir(root)) {
      if (entry === 'records' || entry === EMPTY_LOWER || named.has(entry)) continue;
      await rm(join(root, entry), { recursive: true, force: true });
    }
    return store;
  }

  get(chainId: string): LayerMeta | undefined {
    return this.#layers.get(chainId);
  }

  /** The layer's dir relative to the layers root (what overlayfs's lowerdir names). */
  dirOf(chainId: string): string {
    const meta = this.#layers.get(chainId);
    if (!meta) throw new Error(`layer ${chainId} is not in the layer store`);
    return meta.dir;
  }

  list(): LayerMeta[] {
    return [...this.#layers.values()];
  }

  /**
   * Holds `ids` against collect() until the returned function is called. Take it before ensure():
   * a layer found present is then never collected under the caller.
   */
  hold(ids: readonly string[]): () => void {
    for (const id of ids) this.#held.set(id, (this.#held.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const id of ids) {
        const count = (this.#held.get(id) ?? 1) - 1;
        if (count === 0) this.#held.delete(id);
        else this.#held.set(id, count);
      }
    };
  }

  /**
   * The layer `diffId` over `parent` (a chainID, present), unpacked by `apply` unless it is there.
   * Concurrent calls for one chainID share one unpack. `apply` throwing leaves nothing behind.
   */
  ensure(parent: string | undefined, diffId: string, apply: LayerApply): Promise<LayerMeta> {
    const chainId = chainIdOf(parent, diffId);
    const present = this.#layers.get(chainId);
    if (present) return Promise.resolve(present);
    const running = this.#unpacking.get(chainId);
    if (running) return running;
    const run = this.#unpack(chainId, parent, diffId, apply).finally(() => this.#unpacking.delete(chainId));
    this.#unpacking.set(chainId, run);
    return run;
  }

  async #unpack(chainId: string, parent: string | undefined, diffId: string, apply: LayerApply): Promise<LayerMeta> {
    const lowerIds = parent === undefined ? [] : this.#stack(parent).reverse();
    const work = await mkdtemp(join(this.root, 'tmp-'));
    try {
      await chmod(work, 0o755); // the layer root is the container's "/" where no layer sets it
      const markers = await withLowers(lowerIds.map((id) => join(this.root, this.dirOf(id))), (lowers) => withRootDir(work, (root) => apply(root, lowers)));
      const dir = String(this.#next++);
      await rename(work, join(this.root, dir));
      const meta: LayerMeta = { chainId, diffId, ...(parent === undefined ? {} : { parent }), dir, size: await diskUsage(join(this.root, dir)), markers };
      await this.#records.put(hexOf(chainId), meta);
      this.#layers.set(chainId, meta);
      return meta;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** `chainId` and the layers below it, bottom first. */
  #stack(chainId: string): string[] {
    const stack: string[] = [];
    for (let id: string | undefined = chainId; id !== undefined; id = this.#layers.get(id)?.parent) {
      if (!this.#layers.has(id)) throw new Error(`layer ${id} is not in the layer store`);
      stack.unshift(id);
    }
    return stack;
  }

  /**
   * Removes every layer that `used` does not name and nobody holds (with the layers below it still
   * named, a layer's parent always stays). Each is forgotten before its dir goes, so an ensure()
   * meanwhile unpacks it afresh under a new dir. Returns the bytes freed.
   */
  async collect(used: ReadonlySet<string>): Promise<{ layers: string[]; bytes: number }> {
    const keep = new Set<string>();
    for (const id of [...used, ...this.#held.keys()]) {
      for (let at: string | undefined = id; at !== undefined && !keep.has(at); at = this.#layers.get(at)?.parent) keep.add(at);
    }
    const doomed = [...this.#layers.values()].filter((meta) => !keep.has(meta.chainId) && !this.#unpacking.has(meta.chainId));
    for (const meta of doomed) this.#layers.delete(meta.chainId);
    for (const meta of doomed) {
      await this.#records.delete(hexOf(meta.chainId));
      await rm(join(this.root, meta.dir), { recursive: true, force: true });
    }
    return { layers: doomed.map((meta) => meta.chainId), bytes: doomed.reduce((sum, meta) => sum + meta.size, 0) };
  }
}

/** Opens each lower layer dir (host paths the store made) as a RootDir for the length of `use`. */
async function withLowers<T>(paths: string[], use: (lowers: RootDir[]) => Promise<T>): Promise<T> {
  const opened: RootDir[] = [];
  try {
    for (const path of paths) opened.push(await RootDir.open(path));
    return await use(opened);
  } finally {
    for (const root of opened) await root.close();
  }
}

function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** Apparent size in bytes (what Docker's Size approximates), from GNU du. */
export async function diskUsage(dir: string): Promise<number> {
  const result = await execa('du', ['-sb', dir], { reject: false });
  return result.exitCode === 0 ? Number.parseInt(result.stdout, 10) || 0 : 0;
}
