// Every start (start, restart, restart-policy restart) in Pouch's order: endpoints through
// container.preCreateEndpoint → container.preStart → OCI prestart hooks sorted with the daemon's
// network hook at priority 0 → runtime start. A failure rolls back: endpoints are released
// (phase REMOVE) and NetworkSettings is put back, so the record is as it was.

import type { Logger } from 'pino';
import type { HookInvoker } from '../../host/types.ts';
import type { ContainerRuntime, RuntimeContainerSpec } from '../runtime/runtime.ts';
import type { ContainerRecord } from './container-record.ts';
import { createEndpoints, networkModeOf, releaseEndpoints } from './endpoints.ts';
import { commandOf, mergeEnv } from './image-defaults.ts';
import { toRuntimeMounts } from './mounts.ts';
import { collectPrestartHooks, toRuntimeHooks } from './prestart-hooks.ts';
import { resourcesOf } from './update-config.ts';

export interface StartDeps {
  invoker: HookInvoker;
  runtime: ContainerRuntime;
  logger: Logger;
}

export async function startContainer(deps: StartDeps, record: ContainerRecord): Promise<{ pid: number }> {
  const networkSettings = structuredClone(record.NetworkSettings);
  await createEndpoints(deps.invoker, deps.logger, record);
  try {
    const hooks = await collectPrestartHooks(deps.invoker, record);
    await deps.runtime.delete(record.Id, record.hookd.stateDir); // stale state of the previous run
    return await deps.runtime.start(buildRuntimeSpec(record, toRuntimeHooks(hooks)));
  } catch (error) {
    await releaseEndpoints(deps.invoker, deps.logger, record);
    record.NetworkSettings = networkSettings;
    throw error;
  }
}

export function buildRuntimeSpec(record: ContainerRecord, prestartHooks: RuntimeContainerSpec['prestartHooks']): RuntimeContainerSpec {
  const config = record.Config;
  return {
    id: record.Id,
    rootfs: record.hookd.rootfs,
    stateDir: record.hookd.stateDir,
    logPath: record.LogPath,
    exitPath: record.hookd.exitPath,
    args: commandOf(config),
    env: processEnv(record),
    cwd: config.WorkingDir || '/',
    user: config.User ?? '',
    hostname: config.Hostname ?? record.Id.slice(0, 12),
    tty: config.Tty === true,
    openStdin: config.OpenStdin === true,
    stdinOnce: config.StdinOnce === true,
    mounts: toRuntimeMounts(record.Mounts),
    networkMode: networkModeOf(record),
    resources: resourcesOf(record.HostConfig),
    readonlyRootfs: record.HostConfig.ReadonlyRootfs === true,
    prestartHooks,
    annotations: config.SpecAnnotation ?? {},
  };
}

/** Like Docker: HOSTNAME (and TERM for a TTY) for the process, unless the container's Env sets them. */
function processEnv(record: ContainerRecord): string[] {
  const base = [`HOSTNAME=${record.Config.Hostname ?? record.Id.slice(0, 12)}`, ...(record.Config.Tty ? ['TERM=xterm'] : [])];
  return mergeEnv(base, record.Config.Env ?? []);
}
