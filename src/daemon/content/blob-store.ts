// Content-addressed blobs (manifests, configs, compressed layers) under <dataRoot>/content:
// blobs/sha256/<hex> holds exactly the bytes that hash to <hex>, nothing else. Bytes arrive in
// ingest/<random>, are hashed as they are written, fsynced, and renamed into blobs/ only when the
// digest (and the announced size) match: a pull killed halfway leaves a file in ingest/, which no
// reader trusts and open() deletes. Two concurrent ingests of one digest share one download.

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open as openFile, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { RegistryError } from '../registry/registry-errors.ts';
import { DIGEST } from '../registry/image-name.ts';

export type ProgressListener = (current: number, total: number | undefined) => void;

interface InFlight {
  done: Promise<void>;
  listeners: Set<ProgressListener>;
}

/** Blobs a pull is using before any image record names them; garbage collection leaves them. */
export interface BlobLease {
  add(digest: string): void;
  /** Idempotent. */
  release(): void;
}

export class BlobStore {
  readonly #root: string;
  readonly #inFlight = new Map<string, InFlight>();
  /** digest → number of leases holding it. */
  readonly #leased = new Map<string, number>();

  private constructor(root: string) {
    this.#root = root;
  }

  /** Creates the layout and deletes unfinished ingests (they were never trusted). */
  static async open(root: string): Promise<BlobStore> {
    await mkdir(join(root, 'blobs', 'sha256'), { recursive: true, mode: 0o700 });
    await rm(join(root, 'ingest'), { recursive: true, force: true });
    await mkdir(join(root, 'ingest'), { mode: 0o700 });
    return new BlobStore(root);
  }

  path(digest: string): string {
    if (!DIGEST.test(digest)) throw new TypeError(`not a sha256 digest: ${digest}`);
    return join(this.#root, 'blobs', 'sha256', digest.slice('sha256:'.length));
  }

  async has(digest: string): Promise<boolean> {
    return stat(this.path(digest)).then(() => true, () => false);
  }

  async size(digest: string): Promise<number> {
    return (await stat(this.path(digest))).size;
  }

  read(digest: string): Promise<Buffer> {
    return readFile(this.path(digest));
  }

  async list(): Promise<string[]> {
    return (await readdir(join(this.#root, 'blobs', 'sha256'))).filter((hex) => /^[0-9a-f]{64}$/.test(hex)).map((hex) => `sha256:${hex}`);
  }

  async remove(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true });
  }

  /**
   * A lease for one pull: from add(digest) until release(), the blob is kept by garbage collection
   * (a pull stores blobs well before the image record that references them).
   */
  lease(): BlobLease {
    const held = new Set<string>();
    let released = false;
    return {
      add: (digest) => {
        if (released || held.has(digest)) return;
        held.add(digest);
        this.#leased.set(digest, (this.#leased.get(digest) ?? 0) + 1);
      },
      release: () => {
        if (released) return;
        released = true;
        for (const digest of held) {
          const count = (this.#leased.get(digest) ?? 1) - 1;
          if (count === 0) this.#leased.delete(digest);
          else this.#leased.set(digest, count);
        }
      },
    };
  }

  isLeased(digest: string): boolean {
    return this.#leased.has(digest);
  }

  /** Bytes of all stored blobs (what `docker system df` adds to the layers' size). */
  async totalSize(): Promise<number> {
    let total = 0;
    for (const digest of await this.list()) total += await this.size(digest).catch(() => 0); // removed meanwhile: 0
    return total;
  }

  /** Stores bytes already in memory (a manifest or config) under their digest, verified. */
  async writeBuffer(digest: string, bytes: Buffer): Promise<void> {
    const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (actual !== digest) throw new RegistryError('ERR_REGISTRY_DIGEST_MISMATCH', `content ${digest}: the bytes hash to ${actual}`);
    if (await this.has(digest)) return;
    const temp = this.#tempPath();
    const handle = await openFile(temp, 'w', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.path(digest));
  }

  /**
   * Makes `digest` present: nothing to do when it is, the download in flight when one is, else
   * `open()` is called and its bytes verified. `size`, when known (from a descriptor), must match too.
   * Returns whether this call found the blob already present.
   */
  async ingest(digest: string, size: number | undefined, openStream: () => Promise<Readable>, onProgress?: ProgressListener): Promise<'present' | 'shared' | 'downloaded'> {
    if (await this.has(digest)) return 'present';
    const running = this.#inFlight.get(digest);
    if (running) {
      if (onProgress) running.listeners.add(onProgress);
      try {
        await running.done;
      } finally {
        if (onProgress) running.listeners.delete(onProgress);
      }
      return 'shared';
    }
    const listeners = new Set<ProgressListener>(onProgress ? [onProgress] : []);
    const done = this.#download(digest, size, openStream, listeners);
    this.#inFlight.set(digest, { done, listeners });
    try {
      await done;
    } finally {
      this.#inFlight.delete(digest);
    }
    return 'downloaded';
  }

  async #download(digest: string, size: number | undefined, openStream: () => Promise<Readable>, listeners: Set<ProgressListener>): Promise<void> {
    const temp = this.#tempPath();
    const hash = createHash('sha256');
    let written = 0;
    let lastReport = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        written += chunk.length;
        if (size !== undefined && written > size) {
          callback(new RegistryError('ERR_REGISTRY_DIGEST_MISMATCH', `blob ${digest}: more than the ${size} bytes its descriptor announced arrived`));
          return;
        }
        const now = Date.now();
        if (now - lastReport >= 100) {
          lastReport = now;
          for (const listener of listeners) listener(written, size);
        }
        callback(null, chunk);
      },
    });
    try {
      const stream = await openStream();
      const file = createWriteStream(temp, { mode: 0o600 });
      await pipeline(stream, meter, file);
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== digest) throw new RegistryError('ERR_REGISTRY_DIGEST_MISMATCH', `blob ${digest}: the ${written} bytes received hash to ${actual}; discarded`);
      if (size !== undefined && written !== size) throw new RegistryError('ERR_REGISTRY_DIGEST_MISMATCH', `blob ${digest}: ${written} bytes arrived, its descriptor announced ${size}`);
      const handle = await openFile(temp, 'r');
      await handle.sync().finally(() => handle.close());
      await rename(temp, this.path(digest));
      for (const listener of listeners) listener(written, size);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  #tempPath(): string {
    return join(this.#root, 'ingest', randomBytes(12).toString('hex'));
  }
}
