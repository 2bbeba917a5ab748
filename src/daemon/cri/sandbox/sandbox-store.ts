// The CRI's own record of each pod sandbox, beside the infra container's record: the
// PodSandboxConfig as RunPodSandbox received it (PodSandboxStatus returns its metadata, labels,
// annotations and namespace options), the runtime handler, the creation time in nanoseconds, and
// the phase that makes RunPodSandbox crash-safe.
//
// The sandbox record is written (phase "creating") before anything exists on the machine, and
// moved to "ready" only after the infra runs. A record still "creating" at daemon start means the
// daemon died mid-RunPodSandbox: reconcile.ts removes what it had made (the infra container, its
// netns through the container manager) and the record. Records live in <dataRoot>/cri/sandboxes/,
// one atomic JSON file each (store/json-store.ts).

import { join } from 'node:path';
import { notFound } from '../../errors.ts';
import { JsonStore } from '../../store/json-store.ts';
import type { PodSandboxConfig__Output } from '../generated/types/runtime/v1/PodSandboxConfig.ts';

export interface SandboxRecord {
  /** The pod sandbox id = the infra container's id (64 hex). */
  id: string;
  phase: 'creating' | 'ready';
  config: PodSandboxConfig__Output;
  /** RunPodSandboxRequest.runtime_handler ("" = the daemon's default runtime). */
  runtimeHandler: string;
  /** Nanoseconds since the epoch, as a decimal string (CRI's int64 created_at). */
  createdAtNs: string;
}

export class SandboxStore {
  readonly #store: JsonStore<SandboxRecord>;
  readonly #records = new Map<string, SandboxRecord>();

  constructor(dataRoot: string) {
    this.#store = new JsonStore<SandboxRecord>(join(dataRoot, 'cri', 'sandboxes'));
  }

  /** Reads the records from disk; corrupt files are returned for the caller to log. */
  async load(): Promise<Array<{ file: string; reason: string }>> {
    const { records, corrupt } = await this.#store.load();
    this.#records.clear();
    for (const [id, record] of records) this.#records.set(id, record);
    return corrupt;
  }

  list(): SandboxRecord[] {
    return [...this.#records.values()];
  }

  /** By full id, or by a unique prefix (as crictl passes short ids); undefined when none or ambiguous. */
  find(reference: string): SandboxRecord | undefined {
    const exact = this.#records.get(reference);
    if (exact || reference === '') return exact;
    const matches = this.list().filter((record) => record.id.startsWith(reference));
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** find(), or NOT_FOUND naming the id. */
  get(reference: string): SandboxRecord {
    const record = this.find(reference);
    if (!record) throw notFound(`pod sandbox ${JSON.stringify(reference)} not found`);
    return record;
  }

  /**
   * Adds a new record, visible to find() and list() at once (before the write finishes), so that a
   * concurrent RunPodSandbox checking for the same pod sees it; a failed write takes it back.
   */
  async add(record: SandboxRecord): Promise<void> {
    this.#records.set(record.id, record);
    try {
      await this.#store.put(record.id, record);
    } catch (error) {
      this.#records.delete(record.id);
      throw error;
    }
  }

  async put(record: SandboxRecord): Promise<void> {
    await this.#store.put(record.id, record);
    this.#records.set(record.id, record);
  }

  async delete(id: string): Promise<void> {
    await this.#store.delete(id);
    this.#records.delete(id);
  }
}
