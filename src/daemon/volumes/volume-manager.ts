// Volumes: records through a RecordStore, hook volume.preCreate on create (after decode, before
// the daemon defaults the name and driver: where Pouch meant to call it), and the local driver,
// a directory under the data root.

import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { HookInvoker } from '../../host/index.ts';
import { badRequest, conflict, notFound } from '../errors.ts';
import type { EventBus } from '../events.ts';
import type { RecordStore } from '../store/record-store.ts';
import { decodeVolumeConfig } from './volume-config.ts';
import type { VolumeRecord } from './volume-record.ts';

/** Docker's marker of volumes created for a container's anonymous mounts (pruned by default). */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export interface VolumeManagerOptions {
  store: RecordStore<VolumeRecord>;
  invoker: HookInvoker;
  events: EventBus;
  logger: Logger;
  /** Volumes live in `<dataRoot>/volumes/<name>/_data`. */
  dataRoot: string;
}

export class VolumeManager {
  readonly #options: VolumeManagerOptions;
  readonly #volumes = new Map<string, VolumeRecord>();
  /** Which containers use a volume; set by the daemon once the container manager exists. */
  #usersOf: (name: string) => string[] = () => [];

  constructor(options: VolumeManagerOptions) {
    this.#options = options;
  }

  setUsageLookup(usersOf: (name: string) => string[]): void {
    this.#usersOf = usersOf;
  }

  async load(): Promise<void> {
    const { records, corrupt } = await this.#options.store.load();
    for (const entry of corrupt) this.#options.logger.error(entry, 'volume record is corrupt; skipped');
    for (const [name, record] of records) this.#volumes.set(name, record);
  }

  /**
   * POST /volumes/create. Creating a volume that exists with the same driver returns it (Docker
   * is idempotent here). Returns the record and whether it is new.
   */
  async create(body: Record<string, unknown>): Promise<VolumeRecord> {
    const received = decodeVolumeConfig(body);
    const result = await this.#options.invoker.invoke('volume.preCreate', { config: received });
    const config = result.document === undefined
      ? received
      : decodeVolumeConfig(result.document as Record<string, unknown>, 'volume.preCreate returned an invalid volume config');
    const name = config.Name || randomBytes(32).toString('hex');
    const driver = config.Driver || 'local';
    if (driver !== 'local') throw badRequest(`volume driver "${driver}" is not available: hookd has only the "local" driver`);
    const existing = this.#volumes.get(name);
    if (existing) return existing;
    const mountpoint = join(this.#options.dataRoot, 'volumes', name, '_data');
    await mkdir(mountpoint, { recursive: true });
    const record: VolumeRecord = {
      Name: name, Driver: driver, Mountpoint: mountpoint, CreatedAt: new Date().toISOString(),
      Labels: config.Labels, Options: config.DriverOpts, Scope: 'local', HookdProvenance: result.provenance,
    };
    await this.#options.store.put(name, record);
    this.#volumes.set(name, record);
    this.#options.events.publish('volume', 'create', name, { driver });
    return record;
  }

  /**
   * A volume a container refers to (Binds "name:/path", Mounts, image Volumes): created on first
   * use, through volume.preCreate like any other. Anonymous ones carry Docker's label for them.
   */
  async ensure(name: string, options: { anonymous?: boolean } = {}): Promise<VolumeRecord> {
    return this.#volumes.get(name) ?? this.create({ Name: name, ...(options.anonymous ? { Labels: { [ANONYMOUS_LABEL]: '' } } : {}) });
  }

  get(name: string): VolumeRecord {
    const record = this.#volumes.get(name);
    if (!record) throw notFound(`get ${name}: no such volume`);
    return record;
  }

  /** Filters: name (substring), driver, label ("k" or "k=v"), dangling ("true"/"false"). */
  list(filters: Record<string, string[]> = {}): VolumeRecord[] {
    return [...this.#volumes.values()].filter((volume) => {
      if (filters.name?.length && !filters.name.some((v) => volume.Name.includes(v))) return false;
      if (filters.driver?.length && !filters.driver.includes(volume.Driver)) return false;
      if (filters.dangling?.length) {
        const dangling = this.#usersOf(volume.Name).length === 0;
        if (!filters.dangling.some((v) => (v === 'true' || v === '1') === dangling)) return false;
      }
      return (filters.label ?? []).every((label) => {
        const [key = '', value] = label.split('=', 2);
        return key in volume.Labels && (value === undefined || volume.Labels[key] === value);
      });
    });
  }

  /** Refuses (409) while a container uses the volume, even with force (Docker does too). */
  async remove(name: string): Promise<void> {
    const record = this.get(name);
    const users = this.#usersOf(name);
    if (users.length > 0) throw conflict(`remove ${name}: volume is in use - [${users.join(', ')}]`);
    await this.#options.store.delete(name);
    this.#volumes.delete(name);
    await rm(join(this.#options.dataRoot, 'volumes', name), { recursive: true, force: true });
    this.#options.events.publish('volume', 'destroy', name, { driver: record.Driver });
  }
}
