// The container manager: the records, one lock per container, and the operations the API calls.
// Each operation reads like its steps; the steps live in create-container.ts, start-container.ts,
// update-container.ts, endpoints.ts and restart-policy.ts. Lifecycle news (start, exit, destroy)
// goes to Docker-style events and to the `lifecycle` emitter that wait/attach/logs -f listen on.

import { access, rm } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { HookInvoker, ProvenanceEntry } from '../../host/index.ts';
import { badRequest, conflict, notModified } from '../errors.ts';
import { outsideRequest } from '../request-context.ts';
import type { EventBus } from '../events.ts';
import type { ImageStore } from '../images/image-store.ts';
import type { ContainerRuntime, ExitStatus, ReconciledState } from '../runtime/runtime.ts';
import { isRuntimeError, RuntimeError } from '../runtime/errors.ts';
import { classifyStartFailure } from '../runtime/start-failure.ts';
import type { RecordStore } from '../store/record-store.ts';
import type { VolumeManager } from '../volumes/volume-manager.ts';
import { ZERO_TIME, type ContainerRecord } from './container-record.ts';
import { containerDirOf, createContainer, type RootfsSource } from './create-container.ts';
import { tearDownNetwork, validateNetworkConfig, type ContainerNetworking } from './container-network.ts';
import { emptyEndpointState, networkNamesOf, releaseEndpoints, runEndpointHook, buildEndpoint } from './endpoints.ts';
import type { NetworkAttacher } from '../network/network-attacher.ts';
import type { NetworkManager } from '../network/network-manager.ts';
import type { NetworkRecord } from '../network/network-record.ts';
import { matchesListFilters } from './inspect-view.ts';
import { validateNamespaceTargets } from './linux-options.ts';
import { volumeNamesOf } from './mounts.ts';
import { findContainer, nameInUse, normalizeName } from './names.ts';
import { ContainerLocks } from './container-locks.ts';
import { moveContainer, tryMoveContainer, withDerivedFlags } from './container-state.ts';
import { exitStatusAfterCrash, reconcileWithRuntime, settlesWithin } from './exit-status.ts';
import { ContainerLifecycle } from './lifecycle-events.ts';
import { RESTART_BACKOFF, RestartScheduler, shouldRestart } from './restart-policy.ts';
import { parseSignal } from './signals.ts';
import { startContainer } from './start-container.ts';
import { updateContainer, updateResources } from './update-container.ts';

export interface ContainerManagerOptions {
  store: RecordStore<ContainerRecord>;
  invoker: HookInvoker;
  runtime: ContainerRuntime;
  images: ImageStore;
  volumes: VolumeManager;
  events: EventBus;
  logger: Logger;
  dataRoot: string;
  restartBackoff?: typeof RESTART_BACKOFF;
  /** CNI networking (runc runtime only); without it containers get no network setup. */
  network?: { manager: NetworkManager; attacher: NetworkAttacher };
}

/** What a caller other than the Docker API (the CRI) decides about a new container. */
export interface CreateOptions {
  /** Where conmon writes the container's log (CRI: <log_directory>/<log_path>); default in the container's dir. */
  logPath?: string;
  /** The provenance of cri.preCreateContainer, kept beside container.preCreate's. */
  criProvenance?: ProvenanceEntry[];
}

/** How long reopenLog waits for conmon to create the new log file: 5 s at most. */
const REOPEN_POLL_MS = 20;
const REOPEN_POLLS = 250;

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export class ContainerManager {
  readonly #o: ContainerManagerOptions;
  readonly #records = new Map<string, ContainerRecord>();
  readonly #locks = new ContainerLocks();
  readonly #exitWatchers = new Map<string, AbortController>();
  readonly #restarts: RestartScheduler;
  /** Containers the user stopped: their next exit does not trigger the restart policy. */
  readonly #manualStops = new Set<string>();
  /** Names taken by creates in progress (see CreateDeps.claimName). */
  readonly #claimedNames = new Set<string>();
  readonly lifecycle = new ContainerLifecycle();

  readonly #networking: ContainerNetworking | undefined;

  constructor(options: ContainerManagerOptions) {
    this.#o = options;
    this.#restarts = new RestartScheduler(options.restartBackoff);
    this.#networking = options.network && {
      networks: options.network.manager, attacher: options.network.attacher, dataRoot: options.dataRoot,
      find: (reference) => { try { return this.get(reference); } catch { return undefined; } },
      all: () => this.#records.values(),
    };
  }

  /** Ids of containers that have an endpoint on the network (running or not), for network rm/prune. */
  usersOfNetwork(network: NetworkRecord): string[] {
    return [...this.#records.values()].filter((record) => networkNamesOf(record).some((name) => name === network.Name || name === network.Id)).map((record) => record.Id);
  }

  get(reference: string): ContainerRecord {
    return findContainer(this.#records.values(), reference);
  }

  list(options: { all: boolean; filters: Record<string, string[]> }): ContainerRecord[] {
    return [...this.#records.values()]
      .filter((record) => options.all || record.State.Running || record.State.Restarting)
      .filter((record) => matchesListFilters(record, options.filters))
      .sort((a, b) => compareNewestFirst(a.Created, b.Created));
  }

  /** Ids of containers whose mounts use the volume. */
  usersOfVolume(name: string): string[] {
    return [...this.#records.values()].filter((record) => volumeNamesOf(record.Mounts).includes(name)).map((record) => record.Id);
  }

  isImageInUse(imageId: string): boolean {
    return [...this.#records.values()].some((record) => record.Image === imageId);
  }

  /**
   * `rootfs`: the caller's own root filesystem instead of an image's (create-container.ts RootfsSource);
   * `options`: what a caller other than the Docker API decides (the CRI's log path and provenance).
   */
  async create(body: Record<string, unknown>, name: string, rootfs?: RootfsSource, options: CreateOptions = {}): Promise<ContainerRecord> {
    const runtime = this.#runtimeNameFor(body);
    const claimed: string[] = [];
    try {
      const record = await createContainer({
        invoker: this.#o.invoker, images: this.#o.images, volumes: this.#o.volumes, dataRoot: this.#o.dataRoot,
        isNameTaken: (n) => this.#isNameTaken(n),
        claimName: (n) => {
          if (this.#isNameTaken(n)) throw nameInUse(n, this.#recordNamed(n)?.Id);
          this.#claimedNames.add(n);
          claimed.push(n);
        },
      }, body, name, rootfs);
      record.HostConfig.Runtime = runtime;
      if (options.logPath) record.LogPath = options.logPath;
      if (options.criProvenance) record.HookdCriProvenance = options.criProvenance;
      try {
        validateNetworkConfig(this.#networking, record);
        validateNamespaceTargets(record, (reference) => this.#find(reference));
        await this.#o.store.put(record.Id, record);
      } catch (error) {
        await this.#o.images.releaseRootfs?.(record.hookd.rootfs);
        await rm(containerDirOf(this.#o.dataRoot, record.Id), { recursive: true, force: true });
        throw error;
      }
      this.#records.set(record.Id, record);
      this.#publish(record, 'create');
      return record;
    } finally {
      for (const n of claimed) this.#claimedNames.delete(n);
    }
  }

  async start(reference: string): Promise<void> {
    const record = this.get(reference);
    await this.#withLock(record.Id, async () => {
      if (record.State.Running) throw notModified();
      this.#cancelRestart(record);
      this.#manualStops.delete(record.Id);
      this.#restarts.reset(record.Id);
      try {
        await this.#startLocked(record);
      } catch (error) {
        // Like Docker: a --rm container that cannot start is removed (`docker run --rm` waits for that).
        if (record.HostConfig.AutoRemove) await this.#destroyLocked(record, true).catch(() => undefined);
        throw error;
      }
    });
  }

  async stop(reference: string, timeoutSeconds?: number): Promise<void> {
    const record = this.get(reference);
    if (this.#cancelRestart(record)) {
      await this.#withLock(record.Id, () => this.#persist(record));
      this.#publish(record, 'stop');
      return;
    }
    if (!record.State.Running) throw notModified();
    const stopSignal = parseSignal(record.Config.StopSignal || 'SIGTERM');
    this.#manualStops.add(record.Id);
    const exited = this.#nextExit(record.Id);
    await this.#o.runtime.kill(record.Id, stopSignal)
      .catch((error: unknown) => this.#o.logger.warn({ err: error, container: record.Id }, 'stop signal failed'));
    const seconds = timeoutSeconds ?? record.Config.StopTimeout ?? 10;
    if (seconds >= 0 && !(await settlesWithin(exited, seconds * 1000))) {
      this.#publish(record, 'kill', { signal: 'SIGKILL' });
      // A process that exited just now cannot be signalled; its exit is what we wait for anyway.
      await this.#o.runtime.kill(record.Id, 'SIGKILL')
        .catch((error: unknown) => this.#o.logger.warn({ err: error, container: record.Id }, 'SIGKILL failed'));
    }
    await exited;
    this.#publish(record, 'stop');
  }

  async restart(reference: string, timeoutSeconds?: number): Promise<void> {
    const record = this.get(reference);
    if (record.State.Running) await this.stop(record.Id, timeoutSeconds);
    await this.start(record.Id);
    this.#publish(record, 'restart');
  }

  async kill(reference: string, signal = 'SIGKILL'): Promise<void> {
    const record = this.get(reference);
    const parsed = parseSignal(signal);
    if (!record.State.Running) throw conflict(`Cannot kill container: ${reference}: Container ${record.Id} is not running`);
    if (parsed === 'SIGKILL' || parsed === parseSignal(record.Config.StopSignal || 'SIGTERM')) this.#manualStops.add(record.Id);
    await this.#o.runtime.kill(record.Id, parsed);
    this.#publish(record, 'kill', { signal: String(parsed) });
  }

  /**
   * Subscribes synchronously (so a start right after cannot be missed) and resolves with the
   * exit code. Throws 404 synchronously for an unknown container.
   */
  wait(reference: string, condition: WaitCondition, signal?: AbortSignal): Promise<{ StatusCode: number }> {
    const record = this.get(reference);
    const idle = !record.State.Running && !record.State.Restarting;
    if (condition === 'not-running' && idle) return Promise.resolve({ StatusCode: record.State.ExitCode });
    // A container removed while waited on for its exit ends the wait too (it will never exit now).
    return this.lifecycle.next(record.Id, condition === 'removed' ? ['destroy'] : ['exit', 'destroy'], signal).then((code) => ({ StatusCode: code }));
  }

  async rename(reference: string, newName: string): Promise<void> {
    const record = this.get(reference);
    const name = normalizeName(newName);
    await this.#withLock(record.Id, async () => {
      const holder = this.#recordNamed(name);
      if ((holder && holder !== record) || this.#claimedNames.has(name)) throw nameInUse(name, holder?.Id);
      const oldName = record.Name;
      record.Name = name;
      try {
        await this.#persist(record);
      } catch (error) {
        record.Name = oldName;
        throw error;
      }
      this.#publish(record, 'rename', { oldName });
    });
  }

  async remove(reference: string, options: { force: boolean; removeVolumes: boolean }): Promise<void> {
    const record = this.get(reference);
    if (record.State.Running) {
      if (!options.force) {
        throw conflict(`You cannot remove a running container ${record.Id}. Stop the container before attempting removal or force remove`);
      }
      await this.kill(record.Id, 'SIGKILL').catch(() => undefined); // it may have exited meanwhile
      if (this.#records.get(record.Id)?.State.Running) await this.#nextExit(record.Id);
    }
    this.#cancelRestart(record);
    await this.#withLock(record.Id, () => this.#destroyLocked(record, options.removeVolumes));
  }

  async update(reference: string, rawBody: Buffer): Promise<void> {
    await this.#applyUpdate(reference, (record) => updateContainer({ invoker: this.#o.invoker, runtime: this.#o.runtime }, record, rawBody));
  }

  /**
   * Resource fields (Docker's names and units) applied without container.preUpdate, as Pouch's CRI
   * UpdateContainerResources does: live for a running container, and kept for its next start.
   */
  async updateResources(reference: string, resources: Record<string, unknown>): Promise<void> {
    await this.#applyUpdate(reference, (record) => updateResources({ runtime: this.#o.runtime }, record, resources));
  }

  /** Under the container's lock: apply, persist (or restore what apply changed), publish "update". */
  async #applyUpdate(reference: string, apply: (record: ContainerRecord) => Promise<{ restore: () => Promise<void> }>): Promise<void> {
    const record = this.get(reference);
    await this.#withLock(record.Id, async () => {
      const { restore } = await apply(record);
      try {
        await this.#persist(record);
      } catch (error) {
        await restore();
        throw error;
      }
      this.#publish(record, 'update');
    });
  }

  /** conmon reopens the container's log (CRI ReopenContainerLog); the container must run. */
  async reopenLog(reference: string): Promise<void> {
    const record = this.get(reference);
    if (!record.State.Running) throw conflict(`container ${record.Id} is not running`);
    const reopened = await this.#o.runtime.reopenLog?.(record.Id, record.hookd.stateDir);
    if (reopened === undefined) throw badRequest(`the ${this.#o.runtime.name} runtime cannot reopen a container's log`);
    if (!reopened) throw conflict(`container ${record.Id} has no running monitor to reopen its log`);
    // conmon reopens when it reads its ctl fifo; the caller (the kubelet, critest) looks for the new
    // file as soon as the call returns. No event says conmon did it, so the file is polled, briefly.
    for (let tries = 0; tries < REOPEN_POLLS && !(await access(record.LogPath).then(() => true, () => false)); tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, REOPEN_POLL_MS));
    }
  }

  /**
   * Daemon start: load the records and reconcile them with what the monitors left, all at once.
   * Containers that were running are watched again; those that died while the daemon was down get
   * their exit status (and restart policy); a `created` one whose start a crash cut short but that
   * ran meanwhile is recorded as exited with its code. Exited containers are not looked at.
   */
  async load(): Promise<void> {
    const { records, corrupt } = await this.#o.store.load();
    for (const entry of corrupt) this.#o.logger.error(entry, 'container record is corrupt; skipped');
    for (const [id, record] of records) {
      withDerivedFlags(record.State);
      this.#records.set(id, record);
    }
    await Promise.all([...this.#records.values()].map((record) => this.#reconcile(record)));
  }

  async #reconcile(record: ContainerRecord): Promise<void> {
    const wasActive = record.State.Running || record.State.Restarting;
    if (!wasActive && record.State.Status !== 'created') return;
    const state = await reconcileWithRuntime(this.#o.runtime, record)
      .catch((error: unknown): ReconciledState => { this.#o.logger.warn({ err: error, container: record.Id }, 'runtime state unknown'); return { status: 'none' }; });
    if (state.status === 'running') {
      const pid = state.pid || record.State.Pid;
      if (record.State.Status === 'running') record.State.Pid = pid;
      else moveContainer(record, ['created', 'restarting'], 'running', { Pid: pid });
      if (!wasActive) {
        record.State.StartedAt = new Date().toISOString();
        await this.#persist(record);
      }
      this.#watchExit(record);
    } else if (state.status === 'exited' || wasActive) {
      const status = state.status === 'exited' ? state.exit : await exitStatusAfterCrash(this.#o.runtime, record);
      await this.#withLock(record.Id, () => this.#handleExitLocked(record, status));
    }
  }

  /**
   * After load: CNI DEL for every cached attachment, and removal of every netns file, of containers
   * that are not running (removed while the daemon was down, or whose teardown was cut short).
   */
  async reconcileNetworks(): Promise<void> {
    await this.#networking?.attacher.reconcile((id) => this.#records.get(id)?.State.Running === true);
  }

  /** docker network connect: the endpoint is recorded; a running container is attached now. */
  async connect(reference: string, network: NetworkRecord, endpointConfig: Record<string, unknown>): Promise<void> {
    const record = this.get(reference);
    await this.#withLock(record.Id, async () => {
      if (record.NetworkSettings.Networks[network.Name]) throw conflict(`endpoint with name ${record.Name.slice(1)} already exists in network ${network.Name}`);
      if (!network.HookdCni || !this.#hasOwnNetworks(record)) {
        throw badRequest(`container ${record.Name.slice(1)} (network mode ${record.HostConfig.NetworkMode}) cannot be connected to network ${network.Name}`);
      }
      record.NetworkSettings.Networks[network.Name] = { ...emptyEndpointState(network.Name), ...endpointConfig, NetworkID: network.Id };
      try {
        validateNetworkConfig(this.#networking, record);
        if (record.State.Running && this.#networking) {
          const endpoint = await runEndpointHook(this.#o.invoker, this.#o.logger, record, buildEndpoint(record, network.Name), 'ENDPOINT_PHASE_CREATE');
          const state = record.NetworkSettings.Networks[network.Name]!;
          Object.assign(state, {
            EndpointID: endpoint.ID, Priority: endpoint.Priority, DisableResolver: endpoint.DisableResolver,
            GenericParams: endpoint.GenericParams, HookdProvenance: endpoint.provenance ?? [],
          });
          const ip = (state.IPAMConfig as { IPv4Address?: string } | undefined)?.IPv4Address;
          const request = { network: network.Name, priority: endpoint.Priority, genericParams: endpoint.GenericParams, ...(ip ? { ip } : {}) };
          const attached = await this.#networking.attacher.attachRunning(record.Id, request);
          Object.assign(state, {
            IPAddress: attached.ipAddress, IPPrefixLen: attached.prefixLen, Gateway: attached.gateway, MacAddress: attached.mac,
            HookdCni: { interface: attached.ifName, defaultRoute: false, plugins: attached.plugins, applied: attached.applied },
          });
        }
        await this.#persist(record);
      } catch (error) {
        delete record.NetworkSettings.Networks[network.Name];
        throw error;
      }
      this.#o.events.publish('network', 'connect', network.Id, { container: record.Id, name: network.Name, type: network.Driver });
    });
  }

  /** docker network disconnect: the endpoint goes (CNI DEL first when the container runs). */
  async disconnect(reference: string, network: NetworkRecord): Promise<void> {
    const record = this.get(reference);
    await this.#withLock(record.Id, async () => {
      if (!record.NetworkSettings.Networks[network.Name]) throw notFoundEndpoint(record, network);
      if (record.State.Running && this.#networking) {
        const endpoint = { ...buildEndpoint(record, network.Name) };
        await runEndpointHook(this.#o.invoker, this.#o.logger, record, endpoint, 'ENDPOINT_PHASE_REMOVE');
        await this.#networking.attacher.detachOne(record.Id, network.Id);
      }
      delete record.NetworkSettings.Networks[network.Name];
      await this.#persist(record);
      this.#o.events.publish('network', 'disconnect', network.Id, { container: record.Id, name: network.Name, type: network.Driver });
    });
  }

  #hasOwnNetworks(record: ContainerRecord): boolean {
    const mode = record.HostConfig.NetworkMode ?? 'default';
    return mode !== 'host' && mode !== 'none' && !mode.startsWith('container:');
  }

  async #tearDownNetwork(record: ContainerRecord): Promise<void> {
    if (!this.#networking) return;
    await tearDownNetwork(this.#networking, record)
      .catch((error: unknown) => this.#o.logger.error({ err: error, container: record.Id }, 'network teardown failed; reconcile retries it'));
  }

  /** Writes a record as it is now, under its lock (health checks change State.Health between operations). */
  async save(id: string): Promise<void> {
    await this.#withLock(id, async () => {
      const record = this.#records.get(id);
      if (record) await this.#persist(record);
    });
  }

  /** Stops watching and restarting (containers keep running: their shims own them). */
  close(): void {
    for (const controller of this.#exitWatchers.values()) controller.abort();
    this.#exitWatchers.clear();
    this.#restarts.close();
  }

  async #startLocked(record: ContainerRecord): Promise<void> {
    let pid: number;
    try {
      ({ pid } = await startContainer({
        invoker: this.#o.invoker, runtime: this.#o.runtime, logger: this.#o.logger, find: (reference) => this.#find(reference),
        ...(this.#networking ? { networking: this.#networking } : {}),
      }, record));
    } catch (error) {
      // As Docker: the record keeps the failure (exit code 127/126/128, Error) and everyone
      // waiting on this start (an attached `docker run`, wait, logs -f) is released at once.
      const failure = isRuntimeError(error) ? classifyStartFailure(error.message) : undefined;
      tryMoveContainer(record, ['restarting'], 'exited');
      if (failure) Object.assign(record.State, { ExitCode: failure.exitCode, Error: failure.message });
      await this.#persist(record).catch(() => undefined);
      this.lifecycle.emit('exit', record.Id, record.State.ExitCode);
      // `docker run --rm` waits for the removal after a failed start, as Docker removes it then.
      if (record.HostConfig.AutoRemove) await this.#destroyLocked(record, true).catch((cause: unknown) => this.#o.logger.warn({ err: cause, container: record.Id }, 'auto-remove after a failed start failed'));
      if (failure && isRuntimeError(error)) throw new RuntimeError(error.code, failure.message, record.Id, { cause: error });
      throw error;
    }
    moveContainer(record, ['created', 'exited', 'restarting'], 'running', {
      Pid: pid, ExitCode: 0, Error: '', StartedAt: new Date().toISOString(), FinishedAt: ZERO_TIME,
    });
    await this.#persist(record);
    this.#watchExit(record);
    this.#publish(record, 'start');
    this.lifecycle.emit('start', record.Id);
  }

  #watchExit(record: ContainerRecord): void {
    this.#exitWatchers.get(record.Id)?.abort();
    const controller = new AbortController();
    this.#exitWatchers.set(record.Id, controller);
    // The exit outlives the request that started the container: its hooks are daemon work.
    outsideRequest(() => {
      this.#o.runtime.waitExit(record.Id, record.hookd.stateDir, controller.signal).then(
        (status) => {
          if (controller.signal.aborted) return;
          this.#exitWatchers.delete(record.Id);
          return this.#withLock(record.Id, () => this.#handleExitLocked(record, status));
        },
        (error: unknown) => {
          if (!controller.signal.aborted) this.#o.logger.error({ err: error, container: record.Id }, 'waiting for the container to exit failed');
        },
      ).catch((error: unknown) => this.#o.logger.error({ err: error, container: record.Id }, 'handling the container exit failed'));
    });
  }

  async #handleExitLocked(record: ContainerRecord, status: ExitStatus): Promise<void> {
    if (!this.#records.has(record.Id)) return;
    const ranMs = Date.now() - Date.parse(record.State.StartedAt);
    moveContainer(record, ['running', 'created', 'restarting'], 'exited', {
      Pid: 0, ExitCode: status.exitCode, OOMKilled: status.oomKilled === true,
      Error: status.error ?? '', FinishedAt: status.finishedAt || new Date().toISOString(),
    });
    await releaseEndpoints(this.#o.invoker, this.#o.logger, record);
    await this.#tearDownNetwork(record);
    const isManual = this.#manualStops.delete(record.Id);
    const restart = shouldRestart(record, status.exitCode, isManual);
    if (restart) moveContainer(record, ['exited'], 'restarting');
    await this.#persist(record);
    this.#publish(record, 'die', { exitCode: String(status.exitCode) });
    this.lifecycle.emit('exit', record.Id, status.exitCode);
    if (restart) this.#scheduleRestart(record, ranMs);
    else if (record.HostConfig.AutoRemove) await this.#destroyLocked(record, true);
  }

  #scheduleRestart(record: ContainerRecord, ranMs: number): void {
    this.#restarts.schedule(record.Id, ranMs, () => {
      void this.#withLock(record.Id, async () => {
        if (!this.#records.has(record.Id) || !record.State.Restarting) return;
        record.RestartCount += 1;
        await this.#startLocked(record);
      }).catch((error: unknown) => this.#o.logger.error({ err: error, container: record.Id }, 'restart by policy failed'));
    });
  }

  /** True when a pending policy restart was cancelled (the container is then simply exited). */
  #cancelRestart(record: ContainerRecord): boolean {
    if (!this.#restarts.cancel(record.Id)) return false;
    tryMoveContainer(record, ['restarting'], 'exited');
    return true;
  }

  async #destroyLocked(record: ContainerRecord, removeVolumes: boolean): Promise<void> {
    if (!this.#records.has(record.Id)) return;
    this.#exitWatchers.get(record.Id)?.abort();
    this.#exitWatchers.delete(record.Id);
    await this.#o.runtime.delete(record.Id, record.hookd.stateDir)
      .catch((error: unknown) => this.#o.logger.warn({ err: error, container: record.Id }, 'runtime delete failed'));
    await this.#tearDownNetwork(record);
    await this.#o.store.delete(record.Id);
    this.#records.delete(record.Id);
    // The snapshot's mount goes first: rm must never walk into a mounted rootfs.
    await this.#o.images.releaseRootfs?.(record.hookd.rootfs);
    await rm(containerDirOf(this.#o.dataRoot, record.Id), { recursive: true, force: true });
    if (removeVolumes) {
      for (const name of record.hookd.anonymousVolumes) {
        await this.#o.volumes.remove(name).catch((error: unknown) => this.#o.logger.warn({ err: error, volume: name }, 'anonymous volume not removed'));
      }
    }
    this.#publish(record, 'destroy');
    this.lifecycle.emit('destroy', record.Id, record.State.ExitCode);
  }

  #nextExit(id: string): Promise<number> {
    return this.lifecycle.next(id, ['exit', 'destroy']);
  }

  /** HostConfig.Runtime checked against the daemon's handlers; empty means the default one. */
  #runtimeNameFor(body: Record<string, unknown>): string {
    const hostConfig = body.HostConfig as Record<string, unknown> | undefined;
    const requested = hostConfig?.Runtime;
    if (requested === undefined || requested === null || requested === '') return this.#o.runtime.name;
    const known = this.#o.runtime.names?.() ?? [this.#o.runtime.name];
    if (typeof requested !== 'string' || !known.includes(requested)) {
      throw badRequest(`unknown or invalid runtime name: ${String(requested)}; this daemon has ${known.join(', ')} (docker info lists them)`);
    }
    return requested;
  }

  #find(reference: string): ContainerRecord | undefined {
    try {
      return this.get(reference);
    } catch {
      return undefined; // not found (or an ambiguous prefix): the caller names the reference
    }
  }

  #recordNamed(name: string): ContainerRecord | undefined {
    return [...this.#records.values()].find((r) => r.Name === name);
  }

  #isNameTaken(name: string): boolean {
    return this.#recordNamed(name) !== undefined || this.#claimedNames.has(name);
  }

  async #persist(record: ContainerRecord): Promise<void> {
    await this.#o.store.put(record.Id, record);
  }

  #publish(record: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    const attributes: Record<string, string> = { ...(record.Config.Labels ?? {}), image: record.Config.Image ?? record.Image, name: record.Name.slice(1), ...extra };
    this.#o.events.publish('container', action, record.Id, attributes);
  }

  #withLock<T>(id: string, task: () => Promise<T>): Promise<T> {
    return this.#locks.run(id, task);
  }
}

function notFoundEndpoint(record: ContainerRecord, network: NetworkRecord): Error {
  return conflict(`container ${record.Id} is not connected to network ${network.Name}`);
}

/**
 * Created is an ISO-8601 UTC timestamp, so code-unit order is time order. Not localeCompare: its
 * first call loads ICU's collator (13 ms here, more under load), which the first `docker ps` and
 * every daemon start paid.
 */
function compareNewestFirst(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}
