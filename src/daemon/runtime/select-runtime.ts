// Chooses the container runtime at daemon start (DESIGN §5): runc when the daemon is root and
// runc is on PATH, otherwise the process runtime, with a warning that containers are not isolated.

import type { ContainerRuntime, RuntimeLogger } from './runtime.ts';
import { findOnPath } from './executable-lookup.ts';
import { ProcessRuntime } from './process-runtime.ts';
import { RuncRuntime } from './runc-runtime.ts';

export type { RuntimeLogger } from './runtime.ts';

export interface SelectRuntimeOptions {
  /** Asking for runc where it cannot run is an error; asking for process always works. */
  preferred?: 'runc' | 'process';
  logger: RuntimeLogger;
  /** runc's --root (default /run/hookd/runc). */
  runcRoot?: string;
  /** For tests: the PATH to search and whether we are root. */
  searchPath?: string;
  isRoot?: boolean;
}

export function selectRuntime(options: SelectRuntimeOptions): ContainerRuntime {
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  const runcPath = findOnPath('runc', options.searchPath ?? process.env.PATH ?? '');
  const reason = !isRoot ? 'the daemon is not running as root' : runcPath === undefined ? 'runc is not on PATH' : undefined;
  if (options.preferred === 'runc' && reason !== undefined) {
    throw new Error(`runtime "runc" was asked for but cannot be used: ${reason}; install runc and run the daemon as root, or choose runtime "process"`);
  }
  if (options.preferred !== 'process' && reason === undefined && runcPath !== undefined) {
    options.logger.info({ runtime: 'runc', runc: runcPath }, 'containers run through runc');
    return new RuncRuntime({ binary: runcPath, logger: options.logger, ...(options.runcRoot ? { root: options.runcRoot } : {}) });
  }
  options.logger.warn(
    { runtime: 'process', reason: options.preferred === 'process' ? 'chosen in the configuration' : reason },
    'containers run as plain host processes WITHOUT isolation (no namespaces, no cgroups, no resource limits)',
  );
  return new ProcessRuntime({ logger: options.logger });
}
