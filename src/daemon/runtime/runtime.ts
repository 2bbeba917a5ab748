// The seam between the container manager and whatever runs container processes. Two kinds:
// OCI runtimes (runc, crun, any runtime with runc's command line; root needed) each under a conmon
// monitor (oci-runtime.ts), and `process` (runs the command on the host without isolation, and
// says so). All run the PreStart OCI hooks. runtime-handlers.ts puts the named handlers together.
//
// Contract: a container's process is owned by a per-container monitor process (conmon, or the
// process runtime's shim), not by the daemon, so a daemon crash or restart loses no container and
// no output. The monitor appends the container's output to `logPath` (conmon: the CRI log format,
// "<RFC3339Nano> <stream> <P|F> <text>"; the shim: Docker json-file lines) and records the exit
// status in a file any later daemon process reads.

import type { LinuxOptions } from './oci-security.ts';

export interface RuntimeMount {
  /** Host path (for volumes: the volume's data directory). */
  source: string;
  /** Absolute path in the container. */
  destination: string;
  readOnly: boolean;
  /** Bind propagation (Docker's BindOptions.Propagation); absent: rprivate. */
  propagation?: 'private' | 'rprivate' | 'slave' | 'rslave' | 'shared' | 'rshared';
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
  /** The handler to run it with (a name runtime-handlers.ts knows); absent: the default handler. */
  runtime?: string;
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
  /** Namespaces joined, capabilities, devices... (oci-security.ts); absent: Docker's defaults. OCI runtimes only. */
  linux?: LinuxOptions;
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
  /** The kernel's OOM killer ended it (conmon's oom file). */
  oomKilled?: boolean;
}

/**
 * What a runtime's monitor files say about a container after a daemon restart (reconcile):
 * `none` when it never ran under this runtime (no monitor state at all).
 */
export type ReconciledState =
  | { status: 'running'; pid: number }
  | { status: 'exited'; exit: ExitStatus }
  | { status: 'none' };

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
  /** The handler's name: `runc`, `crun`, a configured OCI runtime, or `process`. */
  readonly name: string;
  /** The handlers a container may name (HostConfig.Runtime); absent: only `name`. */
  names?(): string[];
  /** Every handler with its binary, for /info's Runtimes; absent: only `name`. */
  describe?(): Array<{ name: string; path: string; isolated: boolean }>;
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
  /**
   * Sets a Tty container's terminal size (conmon: its ctl fifo). Resolves false when there is no
   * terminal to resize (no tty, or the container is gone). Absent: the caller resizes by pid.
   */
  resize?(id: string, stateDir: string, size: { rows: number; cols: number }): Promise<boolean>;
  /**
   * Has the monitor close and reopen the container's log file (CRI ReopenContainerLog, after the
   * kubelet rotated it). Resolves false when no monitor runs. Absent: the runtime cannot.
   */
  reopenLog?(id: string, stateDir: string): Promise<boolean>;
  /**
   * Reconcile after a daemon restart from the monitor's files, asking the runtime binary only when
   * the files cannot tell (the monitor died without an exit file). Absent: the caller uses state().
   */
  reconcile?(id: string, stateDir: string): Promise<ReconciledState>;
}
