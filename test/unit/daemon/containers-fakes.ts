// In-memory stand-ins for the daemon's seams, shared by the daemon unit tests: a HookInvoker that
// records every call (as the request fields the host would send: the host's own toWireInput) and
// answers as configured, a runtime whose "processes" exit when told to,
// an image store with one image, and a record store in a Map.

import { tempDirRemovedAtExit } from '../../fixtures/temp-dir.ts';
import { EventEmitter } from 'node:events';
import { mkdir, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import type { HookInputs } from '../../../src/host/generated/hook-contracts.ts';
import { toOutcome, toWireInput } from '../../../src/host/hook-io.ts';
import { hookSpec, type HookName } from '../../../src/host/hooks.ts';
import type { HookInput, HookInvoker, HookOutcome, InvokeOptions, InvokeResult } from '../../../src/host/types.ts';
import type { Readable } from 'node:stream';
import type { ImageRecord, ImageStore, ImportOptions } from '../../../src/daemon/images/image-store.ts';
import type { ContainerRuntime, ExecSpec, ExitStatus, RuntimeContainerSpec, RuntimeState } from '../../../src/daemon/runtime/runtime.ts';
import type { RecordStore } from '../../../src/daemon/store/record-store.ts';

export const silentLogger = pino({ level: 'silent' });

export interface RecordedCall {
  hook: HookName;
  input: HookInput;
}

type Answer = (input: HookInput) => Partial<InvokeResult> | Promise<Partial<InvokeResult>>;

export class FakeInvoker implements HookInvoker {
  readonly calls: RecordedCall[] = [];
  readonly answers = new Map<HookName, Answer>();

  on(hook: HookName, answer: Answer): this {
    this.answers.set(hook, answer);
    return this;
  }

  callsOf(hook: HookName): RecordedCall[] {
    return this.calls.filter((call) => call.hook === hook);
  }

  async invoke<H extends HookName>(hook: H, typed: HookInputs[H], _options?: InvokeOptions): Promise<HookOutcome<H>> {
    const spec = hookSpec(hook);
    const input = toWireInput(spec, typed);
    this.calls.push({ hook, input: structuredClone(input) });
    const answer = await this.answers.get(hook)?.(input);
    const result: InvokeResult = {
      hook, requestId: 'req', called: [], skipped: [], changed: answer?.document !== undefined,
      provenance: [], ...(input.document !== undefined ? { document: input.document } : {}), ...answer,
    };
    return toOutcome<H>(spec, result);
  }
}

export class MemoryStore<T> implements RecordStore<T> {
  readonly records = new Map<string, T>();

  constructor(initial: Array<[string, T]> = []) {
    for (const [id, record] of initial) this.records.set(id, structuredClone(record));
  }

  async load(): Promise<{ records: Map<string, T>; corrupt: Array<{ file: string; reason: string }> }> {
    return { records: new Map([...this.records].map(([id, record]) => [id, structuredClone(record)])), corrupt: [] };
  }

  async put(id: string, record: T): Promise<void> {
    this.records.set(id, structuredClone(record));
  }

  async delete(id: string): Promise<void> {
    this.records.delete(id);
  }
}

interface FakeProcess {
  spec: RuntimeContainerSpec;
  exit?: ExitStatus;
  stdin: PassThrough;
}

/** A runtime without processes: start() records the spec; exit() ends the "process". */
export class FakeRuntime implements ContainerRuntime {
  readonly name = 'process' as const;
  readonly isolated = false;
  readonly started: RuntimeContainerSpec[] = [];
  readonly signals: Array<{ id: string; signal: NodeJS.Signals }> = [];
  readonly #processes = new Map<string, FakeProcess>();
  readonly #exits = new EventEmitter();
  /** Exit code a signal produces; undefined = the process ignores the signal. */
  exitOnSignal: (signal: NodeJS.Signals) => number | undefined = (signal) => (signal === 'SIGKILL' ? 137 : 143);
  failStart: Error | undefined;
  /** Every live resource update asked for, in order; `failUpdate` makes the next ones reject. */
  readonly updates: Array<{ id: string; resources: Record<string, unknown> }> = [];
  failUpdate: Error | undefined;
  /** Called inside update(), before it records or fails: lets a test look at the world at that moment. */
  onUpdate: (() => void) | undefined;

  async start(spec: RuntimeContainerSpec): Promise<{ pid: number }> {
    if (this.failStart) throw this.failStart;
    this.started.push(spec);
    this.#processes.set(spec.id, { spec, stdin: new PassThrough() });
    return { pid: 1000 + this.started.length };
  }

  /** Appends a line to the container's json-file log, as a shim would. */
  async log(id: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): Promise<void> {
    const spec = this.#processes.get(id)?.spec ?? [...this.started].reverse().find((s) => s.id === id);
    if (!spec) throw new Error(`no container ${id}`);
    await appendFile(spec.logPath, `${JSON.stringify({ log: text, stream, time: new Date().toISOString() })}\n`);
  }

  exit(id: string, exitCode: number): void {
    const process = this.#processes.get(id);
    if (!process || process.exit) return;
    process.exit = { exitCode, finishedAt: new Date().toISOString() };
    this.#exits.emit(id, process.exit);
  }

  isRunning(id: string): boolean {
    const process = this.#processes.get(id);
    return process !== undefined && process.exit === undefined;
  }

  async kill(id: string, signal: NodeJS.Signals): Promise<void> {
    this.signals.push({ id, signal });
    const code = this.exitOnSignal(signal);
    if (code !== undefined) setImmediate(() => this.exit(id, code));
  }

  waitExit(id: string, _stateDir: string, signal?: AbortSignal): Promise<ExitStatus> {
    const process = this.#processes.get(id);
    if (process?.exit) return Promise.resolve(process.exit);
    return new Promise((resolve, reject) => {
      const onExit = (status: ExitStatus): void => { signal?.removeEventListener('abort', onAbort); resolve(status); };
      const onAbort = (): void => { this.#exits.off(id, onExit); reject(signal?.reason); };
      this.#exits.once(id, onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async delete(id: string): Promise<void> {
    const process = this.#processes.get(id);
    if (process?.exit) this.#processes.delete(id);
  }

  async state(id: string): Promise<RuntimeState> {
    const process = this.#processes.get(id);
    if (!process) return { status: 'unknown' };
    return process.exit ? { status: 'stopped' } : { status: 'running', pid: 4242 };
  }

  /** Pretends a container kept running (or exited) while the daemon was down. */
  adopt(spec: RuntimeContainerSpec, exit?: ExitStatus): void {
    this.#processes.set(spec.id, { spec, stdin: new PassThrough(), ...(exit ? { exit } : {}) });
  }

  async exec(_id: string, _stateDir: string, spec: ExecSpec): Promise<import('node:child_process').ChildProcess> {
    const { spawn } = await import('node:child_process');
    return spawn(spec.args[0] as string, spec.args.slice(1), { env: Object.fromEntries(spec.env.map((e) => e.split(/=(.*)/s).slice(0, 2))) });
  }

  async update(id: string, _stateDir: string, resources: Record<string, unknown>): Promise<void> {
    this.onUpdate?.();
    if (this.failUpdate) throw this.failUpdate;
    this.updates.push({ id, resources: structuredClone(resources) });
  }

  async openStdin(id: string): Promise<NodeJS.WritableStream | undefined> {
    return this.#processes.get(id)?.stdin;
  }

  stdinOf(id: string): PassThrough | undefined {
    return this.#processes.get(id)?.stdin;
  }
}

export const BUSYBOX_ID = `sha256:${'b'.repeat(64)}`;

export class FakeImageStore implements ImageStore {
  readonly images: ImageRecord[];

  constructor(rootfsDir: string) {
    this.images = [{
      Id: BUSYBOX_ID, RepoTags: ['busybox:latest'], Created: '2024-01-01T00:00:00Z', Size: 1234,
      Architecture: 'amd64', Os: 'linux', Comment: '',
      Config: { Env: ['PATH=/bin', 'FROM_IMAGE=1'], Cmd: ['sh'], WorkingDir: '/', Labels: { 'image.label': 'x' } },
      rootfsDir,
    }];
  }

  async importRootfs(_tarball: Readable, _options: ImportOptions): Promise<ImageRecord> { throw new Error('not in this fake'); }
  async load(_tarball: Readable): Promise<ImageRecord[]> { throw new Error('not in this fake'); }
  list(): ImageRecord[] { return this.images; }
  resolve(reference: string): ImageRecord | undefined {
    return this.images.find((image) => image.Id === reference || image.RepoTags.includes(reference) || image.RepoTags.includes(`${reference}:latest`));
  }
  async tag(_reference: string, _repoTag: string): Promise<void> {}
  async remove(_reference: string, _options: { force: boolean; isInUse: (imageId: string) => boolean }): Promise<{ untagged: string[]; deleted: string[] }> {
    return { untagged: [], deleted: [] };
  }
  async prepareRootfs(_image: ImageRecord, targetDir: string): Promise<void> {
    await mkdir(join(targetDir, 'etc'), { recursive: true });
    await writeFile(join(targetDir, 'etc', 'hostname'), 'fake\n');
  }
}

export async function makeDataRoot(): Promise<string> {
  return tempDirRemovedAtExit('hookd-daemon-test-');
}

import { ContainerManager } from '../../../src/daemon/containers/container-manager.ts';
import type { ContainerRecord } from '../../../src/daemon/containers/container-record.ts';
import { EventBus } from '../../../src/daemon/events.ts';
import { VolumeManager } from '../../../src/daemon/volumes/volume-manager.ts';
import type { VolumeRecord } from '../../../src/daemon/volumes/volume-record.ts';

export interface ManagerFixture {
  manager: ContainerManager;
  volumes: VolumeManager;
  invoker: FakeInvoker;
  runtime: FakeRuntime;
  images: FakeImageStore;
  store: MemoryStore<ContainerRecord>;
  volumeStore: MemoryStore<VolumeRecord>;
  events: EventBus;
  dataRoot: string;
}

export async function makeManager(overrides: Partial<Pick<ManagerFixture, 'invoker' | 'runtime' | 'store' | 'volumeStore'>> & { dataRoot?: string } = {}): Promise<ManagerFixture> {
  const dataRoot = overrides.dataRoot ?? await makeDataRoot();
  const invoker = overrides.invoker ?? new FakeInvoker();
  const runtime = overrides.runtime ?? new FakeRuntime();
  const images = new FakeImageStore(join(dataRoot, 'image-rootfs'));
  const store = overrides.store ?? new MemoryStore<ContainerRecord>();
  const volumeStore = overrides.volumeStore ?? new MemoryStore<VolumeRecord>();
  const events = new EventBus();
  const volumes = new VolumeManager({ store: volumeStore, invoker, events, logger: silentLogger, dataRoot });
  const manager = new ContainerManager({
    store, invoker, runtime, images, volumes, events, logger: silentLogger, dataRoot,
    restartBackoff: { initialMs: 1, maxMs: 5, resetAfterMs: 10_000 },
  });
  volumes.setUsageLookup((name) => manager.usersOfVolume(name));
  return { manager, volumes, invoker, runtime, images, store, volumeStore, events, dataRoot };
}

/** Resolves when the manager has handled the container's next exit. */
export function nextLifecycle(manager: ContainerManager, event: 'start' | 'exit' | 'destroy', id: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (eventId: string): void => {
      if (eventId !== id) return;
      manager.lifecycle.off(event, listener);
      resolve();
    };
    manager.lifecycle.on(event, listener);
  });
}
