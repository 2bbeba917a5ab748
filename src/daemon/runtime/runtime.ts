// The seam between the container manager and whatever runs container processes. Two
// implementations: `runc` (real OCI containers; root + runc installed) and `process` (runs the
// command on the host without isolation, and says so). Both run the PreStart OCI hooks.
//
// Contract: a container's process is owned by a per-container shim process, not by the daemon, so
// a daemon crash or restart loses no container and no output. The shim appends the container's
// output to `logPath` (Docker json-file format, one JSON object a line: {"log","stream","time"})
// and writes `exitPath` (JSON {"exitCode","finishedAt"}) atomically when the process ends.

export interface RuntimeMount {
  /** Host path (for volumes: the volume's data directory). */
  source: string;
  /** Absolute path in the container. */
  destination: string;
  readOnly: boolean;
}

export interface RuntimeHook {
  path: string;
  args: string[];
  env: string[];
  timeoutSeconds?: number;
}

/** Everything needed to create one container's bundle/process; built by the container manager. */
export interface RuntimeContainerSpec {
  id: string;
  /** Host path of the container's root filesystem (already prepared from its image). */
  rootfs: string;
  /** Directory the runtime owns for this container (bundle, shim state, log, exit file). */
  stateDir: string;
  logPath: string;
  exitPath: string;
  /** argv: Entrypoint + Cmd, already resolved. */
  args: string[];
  env: string[];
  cwd: string;
  /** "uid[:gid]" or a user name; empty = root. */
  user: string;
  hostname: string;
  tty: boolean;
  /** Keep stdin open for attach (docker run -i). */
  openStdin: boolean;
  /**
   * With openStdin: the container's stdin is closed once the first attached client closes its
   * stdin (docker run -i sets it); without, stdin stays open for the next attach.
   */
  stdinOnce: boolean;
  mounts: RuntimeMount[];
  /** "none" | "host" | "bridge" | "default" | ...; runc gets its own netns except for "host". */
  networkMode: string;
  /** A network namespace to join (the daemon made it and configured it through CNI); unset = a new one. */
  networkNamespacePath?: string;
  /** Docker HostConfig resource fields (Memory, CpuShares, PidsLimit, ...) in Docker's units. */
  resources: Record<string, unknown>;
  readonlyRootfs: boolean;
  /** Prestart hooks, already sorted (higher priority first), the daemon's network hook included. */
  prestartHooks: RuntimeHook[];
  /** OCI annotations (SpecAnnotation). */
  annotations: Record<string, string>;
}

export interface RuntimeState {
  status: 'created' | 'running' | 'stopped' | 'unknown';
  pid?: number;
}

export interface ExitStatus {
  exitCode: number;
  finishedAt: string;
  /** Set when the process never started (a failing prestart hook, a bad command). */
  error?: string;
}

export interface ExecSpec {
  args: string[];
  env: string[];
  cwd: string;
  user: string;
  tty: boolean;
}

/** What a runtime logs through (pino's Logger fits). */
export interface RuntimeLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface ContainerRuntime {
  readonly name: 'runc' | 'process';
  /** False for `process`: reported in /info and logged at start-up. */
  readonly isolated: boolean;
  /** Creates the bundle and starts the shim; resolves once the process runs (prestart hooks done). */
  start(spec: RuntimeContainerSpec): Promise<{ pid: number }>;
  /** Sends a signal to the container's main process. */
  kill(id: string, signal: NodeJS.Signals): Promise<void>;
  /** Resolves when the container's process has exited (reads exitPath; survives daemon restarts). */
  waitExit(id: string, stateDir: string, signal?: AbortSignal): Promise<ExitStatus>;
  /** Removes runtime state (after exit). Idempotent. */
  delete(id: string, stateDir: string): Promise<void>;
  /** What the runtime says about a container now; used to reconcile records on daemon start. */
  state(id: string, stateDir: string): Promise<RuntimeState>;
  /**
   * Applies Docker HostConfig resource fields (the container's full set after `docker update`) to
   * a running container. runc: `runc update`; a container that is already gone is not an error
   * (the record's fields apply at its next start). process: nothing to apply (no cgroups).
   */
  update(id: string, stateDir: string, resources: Record<string, unknown>): Promise<void>;
  /** Runs a process inside a running container (docker exec); streams are the caller's. */
  exec(id: string, stateDir: string, spec: ExecSpec): Promise<import('node:child_process').ChildProcess>;
  /**
   * A writer to the container's stdin (attach -i), when openStdin was set and stdin is still open.
   * Closing it never closes stdin by itself: the shim does, for stdinOnce containers only.
   */
  openStdin(id: string, stateDir: string): Promise<NodeJS.WritableStream | undefined>;
}
