// The seam for durable records (containers, volumes, images). Implemented by store/json-store.ts.
// Contract: put() returns only after the record is on disk atomically (temp file, fsync, rename,
// fsync of the directory), so a crash leaves either the old or the new record, never a torn one.

export interface RecordStore<T> {
  /** Reads every record from disk; call once at start-up. Corrupt files are reported, not fatal. */
  load(): Promise<{ records: Map<string, T>; corrupt: Array<{ file: string; reason: string }> }>;
  put(id: string, record: T): Promise<void>;
  delete(id: string): Promise<void>;
}
