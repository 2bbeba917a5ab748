// Builds the daemon's runtime handlers at start (DESIGN §7): where the daemon is root and conmon
// is installed, `runc` and `crun` when on PATH, plus every OCI runtime the config names by path,
// each under conmon; `process` always (no isolation, and it says so). The default is the
// configured one, else runc, else crun, else process with a warning.

import { join } from 'node:path';
import { accessSync, constants } from 'node:fs';
import type { RuntimeLogger } from './runtime.ts';
import { findOnPath } from './executable-lookup.ts';
import { OciRuntime } from './oci-runtime.ts';
import { ProcessRuntime } from './process-runtime.ts';
import { RuntimeHandlers } from './runtime-handlers.ts';

export type { RuntimeLogger } from './runtime.ts';

export const DEFAULT_RUN_ROOT = '/run/hookd';
/** Handlers found on PATH by name when nothing is configured, in order of preference. */
export const BUILTIN_OCI_RUNTIMES = ['runc', 'crun'] as const;

export interface ConfiguredRuntime {
  path: string;
  /** Global flags for every call of this runtime (before --root). */
  runtimeArgs?: string[];
}

export interface SelectRuntimeOptions {
  /** The default handler's name ("auto": runc, else crun, else process). Asking for one that cannot run is an error. */
  preferred?: string;
  /** OCI runtimes by name and path (daemon config "runtimes"); may also override runc/crun's path. */
  runtimes?: Record<string, ConfiguredRuntime>;
  logger: RuntimeLogger;
  /** Where runtimes keep state (<runRoot>/<name>) and conmon its attach sockets (<runRoot>/conmon). */
  runRoot?: string;
  /** runc's --root, when set apart from runRoot (older configs). */
  runcRoot?: string;
  /** For tests: the PATH to search and whether we are root. */
  searchPath?: string;
  isRoot?: boolean;
}

export function selectRuntime(options: SelectRuntimeOptions): RuntimeHandlers {
  const isRoot = options.isRoot ?? process.getuid?.() === 0;
  const searchPath = options.searchPath ?? process.env.PATH ?? '';
  const runRoot = options.runRoot ?? DEFAULT_RUN_ROOT;
  const conmon = findOnPath('conmon', searchPath);
  const ociReason = !isRoot ? 'the daemon is not running as root' : conmon === undefined ? 'conmon is not on PATH (apt-get install conmon)' : undefined;
  const wanted: Array<[string, ConfiguredRuntime | undefined]> = [
    ...BUILTIN_OCI_RUNTIMES.filter((name) => !options.runtimes?.[name]).map((name): [string, undefined] => [name, undefined]),
    ...Object.entries(options.runtimes ?? {}),
  ];
  const handlers: Array<OciRuntime | ProcessRuntime> = [];
  const missing = new Map<string, string>();
  for (const [name, configured] of wanted) {
    const binary = configured ? executableOrUndefined(configured.path) : findOnPath(name, searchPath);
    const reason = ociReason ?? (binary === undefined ? (configured ? `${configured.path} is not an executable file` : `${name} is not on PATH`) : undefined);
    if (reason !== undefined || binary === undefined) {
      missing.set(name, reason ?? 'not found');
      if (configured) options.logger.warn({ runtime: name, path: configured.path, reason }, 'configured runtime cannot be used');
      continue;
    }
    const root = name === 'runc' && options.runcRoot ? options.runcRoot : join(runRoot, name);
    handlers.push(new OciRuntime({
      name, binary, root, extraArgs: configured?.runtimeArgs ?? [], conmon: conmon!, socketDir: join(runRoot, 'conmon'), logger: options.logger,
    }));
  }
  handlers.push(new ProcessRuntime({ logger: options.logger }));
  const preferred = options.preferred && options.preferred !== 'auto' ? options.preferred : undefined;
  if (preferred !== undefined && !handlers.some((handler) => handler.name === preferred)) {
    const reason = missing.get(preferred) ?? 'no such runtime is configured';
    throw new Error(`runtime "${preferred}" was asked for but cannot be used: ${reason}; install it (and conmon) and run the daemon as root, or choose another runtime (${handlers.map((h) => h.name).join(', ')})`);
  }
  const defaultName = preferred ?? handlers[0]!.name;
  const chosen = handlers.find((handler) => handler.name === defaultName)!;
  if (chosen.isolated) {
    options.logger.info({ runtime: defaultName, runtimes: handlers.map((h) => h.name), conmon }, 'containers run under conmon');
  } else {
    options.logger.warn(
      { runtime: 'process', reason: preferred === 'process' ? 'chosen in the configuration' : (ociReason ?? 'neither runc nor crun is on PATH') },
      'containers run as plain host processes WITHOUT isolation (no namespaces, no cgroups, no resource limits)',
    );
  }
  return new RuntimeHandlers(handlers, defaultName);
}

function executableOrUndefined(path: string): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}
