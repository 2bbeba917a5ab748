// The daemon's named runtime handlers behind one ContainerRuntime: `runc` and `crun` out of the
// box where installed, any OCI runtime configured by path, and `process`. A container runs under
// the handler its record names (HostConfig.Runtime, `docker run --runtime`); every later call is
// routed to the handler that started it, found from the container's state dir (monitor.json for
// OCI handlers, shim.json for the process runtime), so a restarted daemon routes the same way.

import { readMonitorRecord } from './monitor-files.ts';
import { RuntimeError } from './errors.ts';
import { readShimConfig } from './shim-files.ts';
import type { ContainerRuntime, ExecSpec, ExitStatus, ReconciledState, RuntimeContainerSpec, RuntimeState } from './runtime.ts';

export interface RuntimeHandlerInfo {
  name: string;
  /** The binary (OCI handlers) or "process". */
  path: string;
  isolated: boolean;
}

export class RuntimeHandlers implements ContainerRuntime {
  readonly #handlers: Map<string, ContainerRuntime & { binary?: string }>;
  readonly #default: string;
  /** Container id → handler name; learnt at start and from state dirs (see #handlerOf). */
  readonly #byContainer = new Map<string, string>();

  constructor(handlers: Array<ContainerRuntime & { binary?: string }>, defaultName: string) {
    this.#handlers = new Map(handlers.map((handler) => [handler.name, handler]));
    if (!this.#handlers.has(defaultName)) throw new Error(`the default runtime "${defaultName}" is not among the runtimes (${this.names().join(', ')})`);
    this.#default = defaultName;
  }

  /** The default handler's name: what /info reports as DefaultRuntime. */
  get name(): string {
    return this.#default;
  }

  get isolated(): boolean {
    return this.#handlers.get(this.#default)!.isolated;
  }

  names(): string[] {
    return [...this.#handlers.keys()];
  }

  has(name: string): boolean {
    return this.#handlers.has(name);
  }

  describe(): RuntimeHandlerInfo[] {
    return [...this.#handlers.values()].map((handler) => ({ name: handler.name, path: handler.binary ?? handler.name, isolated: handler.isolated }));
  }

  async start(spec: RuntimeContainerSpec): Promise<{ pid: number }> {
    const name = spec.runtime || this.#default;
    const handler = this.#handlers.get(name);
    if (!handler) throw new RuntimeError('ERR_RUNTIME_START_FAILED', `unknown runtime "${name}" for container ${spec.id}: this daemon has ${this.names().join(', ')}`, spec.id);
    this.#byContainer.set(spec.id, name);
    return handler.start(spec);
  }

  async kill(id: string, signal: NodeJS.Signals): Promise<void> {
    return this.#known(id).kill(id, signal);
  }

  async waitExit(id: string, stateDir: string, signal?: AbortSignal): Promise<ExitStatus> {
    return (await this.#handlerOf(id, stateDir)).waitExit(id, stateDir, signal);
  }

  async delete(id: string, stateDir: string): Promise<void> {
    await (await this.#handlerOf(id, stateDir)).delete(id, stateDir);
  }

  async state(id: string, stateDir: string): Promise<RuntimeState> {
    return (await this.#handlerOf(id, stateDir)).state(id, stateDir);
  }

  async update(id: string, stateDir: string, resources: Record<string, unknown>): Promise<void> {
    return (await this.#handlerOf(id, stateDir)).update(id, stateDir, resources);
  }

  async exec(id: string, stateDir: string, spec: ExecSpec): ReturnType<ContainerRuntime['exec']> {
    return (await this.#handlerOf(id, stateDir)).exec(id, stateDir, spec);
  }

  async openStdin(id: string, stateDir: string): Promise<NodeJS.WritableStream | undefined> {
    return (await this.#handlerOf(id, stateDir)).openStdin(id, stateDir);
  }

  async resize(id: string, stateDir: string, size: { rows: number; cols: number }): Promise<boolean> {
    const handler = await this.#handlerOf(id, stateDir);
    return handler.resize ? handler.resize(id, stateDir, size) : false;
  }

  async reopenLog(id: string, stateDir: string): Promise<boolean> {
    const handler = await this.#handlerOf(id, stateDir);
    return handler.reopenLog ? handler.reopenLog(id, stateDir) : false;
  }

  /** The handler's own reconcile, or its state() and exit file for handlers without one. */
  async reconcile(id: string, stateDir: string): Promise<ReconciledState> {
    const handler = await this.#handlerOf(id, stateDir);
    if (handler.reconcile) return handler.reconcile(id, stateDir);
    const state = await handler.state(id, stateDir);
    if (state.status === 'running') return { status: 'running', pid: state.pid ?? 0 };
    if (state.status === 'stopped') return { status: 'exited', exit: await handler.waitExit(id, stateDir) };
    return { status: 'none' };
  }

  /** True when the handler that runs `id` can resize through its monitor (not by pid). */
  async resizesThroughMonitor(id: string, stateDir: string): Promise<boolean> {
    return (await this.#handlerOf(id, stateDir)).resize !== undefined;
  }

  #known(id: string): ContainerRuntime {
    return this.#handlers.get(this.#byContainer.get(id) ?? this.#default)!;
  }

  async #handlerOf(id: string, stateDir: string): Promise<ContainerRuntime> {
    let name = this.#byContainer.get(id);
    if (name === undefined) {
      const monitor = await readMonitorRecord(stateDir).catch(() => undefined);
      name = monitor?.runtime ?? ((await readShimConfig(stateDir).catch(() => undefined)) ? 'process' : undefined);
      if (name !== undefined && this.#handlers.has(name)) this.#byContainer.set(id, name);
    }
    const handler = this.#handlers.get(name ?? this.#default);
    if (!handler) throw new RuntimeError('ERR_RUNTIME_UNKNOWN_CONTAINER', `container ${id} was started by runtime "${name}", which this daemon no longer has (it has ${this.names().join(', ')})`, id);
    return handler;
  }
}
