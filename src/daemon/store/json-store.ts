// RecordStore over one directory: one JSON file per record, named after the record's id
// (URI-encoded so any id is a safe file name). Writes are atomic (see atomic-write.ts); puts to
// the same id are applied in call order, so the last put() called is the one on disk.

import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordStore } from './record-store.ts';
import { syncDirectory, TEMP_PREFIX, writeFileAtomic } from './atomic-write.ts';

const SUFFIX = '.json';

export class JsonStore<T> implements RecordStore<T> {
  readonly dir: string;
  /** Per-id chain of pending writes: serialises put/delete of one id without a global lock. */
  readonly #pending = new Map<string, Promise<void>>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /**
   * Reads every record. A leftover temp file (a crash between write and rename) is deleted: the
   * record it was replacing is still intact. A file that is not valid JSON is reported in
   * `corrupt` and left in place for an operator to inspect; the next put() of its id replaces it.
   */
  async load(): Promise<{ records: Map<string, T>; corrupt: Array<{ file: string; reason: string }> }> {
    await mkdir(this.dir, { recursive: true });
    const records = new Map<string, T>();
    const corrupt: Array<{ file: string; reason: string }> = [];
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      const file = join(this.dir, entry.name);
      if (!entry.isFile()) continue;
      if (entry.name.startsWith(TEMP_PREFIX)) {
        await unlink(file).catch(() => undefined); // another load may have removed it first
        continue;
      }
      if (!entry.name.endsWith(SUFFIX)) continue;
      try {
        const id = decodeURIComponent(entry.name.slice(0, -SUFFIX.length));
        records.set(id, JSON.parse(await readFile(file, 'utf8')) as T);
      } catch (error) {
        corrupt.push({ file, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return { records, corrupt };
  }

  put(id: string, record: T): Promise<void> {
    const data = `${JSON.stringify(record, null, 2)}\n`;
    return this.#enqueue(id, async () => {
      await mkdir(this.dir, { recursive: true });
      await writeFileAtomic(this.#fileOf(id), data);
    });
  }

  /** Idempotent: deleting an id that has no record succeeds. */
  delete(id: string): Promise<void> {
    return this.#enqueue(id, async () => {
      try {
        await unlink(this.#fileOf(id));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      await syncDirectory(this.dir);
    });
  }

  #fileOf(id: string): string {
    if (id === '') throw new Error(`record store ${this.dir}: empty record id`);
    return join(this.dir, `${encodeURIComponent(id)}${SUFFIX}`);
  }

  #enqueue(id: string, step: () => Promise<void>): Promise<void> {
    const previous = this.#pending.get(id) ?? Promise.resolve();
    // The chain continues after a failed step; the failure still reaches that step's caller.
    const next = previous.catch(() => undefined).then(step);
    this.#pending.set(id, next);
    const forget = (): void => {
      if (this.#pending.get(id) === next) this.#pending.delete(id);
    };
    next.then(forget, forget);
    return next;
  }
}
