// Every start (start, restart, restart-policy restart) in Pouch's order: endpoints through
// container.preCreateEndpoint → container.preStart → OCI prestart hooks sorted with the daemon's
// network hook at priority 0 → runtime start. A failure rolls back: endpoints are released
// (phase REMOVE) and NetworkSettings is put back, so the record is as it was.

import type { Logger } from 'pino';
import type { HookInvoker } from '../../host/index.ts';
import type { LinuxOptions } from '../runtime/oci-security.ts';
import type { ContainerRuntime, RuntimeContainerSpec } from '../runtime/runtime.ts';
import type { ContainerRecord } from './container-record.ts';
import { setUpNetwork, tearDownNetwork, type ContainerNetworking, type NetworkSetup } from './container-network.ts';
import { createEndpoints, networkModeOf, releaseEndpoints } from './endpoints.ts';
import { resolveLinuxOptions } from './linux-options.ts';
import { commandOf, mergeEnv } from './image-defaults.ts';
import { toRuntimeMounts } from './mounts.ts';
import { collectPrestartHooks, toRuntimeHooks } from './prestart-hooks.ts';
import { resourcesOf } from './update-config.ts';

export interface StartDeps {
  invoker: HookInvoker;
  runtime: ContainerRuntime;
  logger: Logger;
  /** Undefined when the runtime cannot isolate (process): containers then share the host's network. */
  networking?: ContainerNetworking;
  /** Container lookup for the namespaces a container joins (IpcMode/PidMode/UTSMode container:<id>). */
  find(reference: string): ContainerRecord | undefined;
}

export async function startContainer(deps: StartDeps, record: ContainerRecord): Promise<{ pid: number }> {
  const networkSettings = structuredClone(record.NetworkSettings);
  const linux = await resolveLinuxOptions(record, (reference) => deps.find(reference));
  await createEndpoints(deps.invoker, deps.logger, record);
  let network: NetworkSetup | undefined;
  try {
    if (deps.networking) network = await setUpNetwork(deps.networking, record);
    const hooks = await collectPrestartHooks(deps.invoker, record);
    await deps.runtime.delete(record.Id, record.hookd.stateDir); // stale state of the previous run
    const started = await deps.runtime.start(buildRuntimeSpec(record, toRuntimeHooks(hooks), network, linux));
    if (network) record.hookd.etcFiles = network.files;
    return started;
  } catch (error) {
    await releaseEndpoints(deps.invoker, deps.logger, record);
    if (deps.networking) {
      await tearDownNetwork(deps.networking, record)
        .catch((cleanup: unknown) => deps.logger.error({ err: cleanup, container: record.Id }, 'network teardown after a failed start failed; reconcile retries it'));
    }
    record.NetworkSettings = networkSettings;
    throw error;
  }
}

/** The /etc files as bind mounts (Docker's order: resolv.conf, hostname, hosts), read-write like Docker's. */
function etcMounts(network: NetworkSetup | undefined): RuntimeContainerSpec['mounts'] {
  if (!network) return [];
  const { resolvConfPath, hostnamePath, hostsPath } = network.files;
  return [
    { source: resolvConfPath, destination: '/etc/resolv.conf', readOnly: false },
    { source: hostnamePath, destination: '/etc/hostname', readOnly: false },
    { source: hostsPath, destination: '/etc/hosts', readOnly: false },
  ];
}

export function buildRuntimeSpec(record: ContainerRecord, prestartHooks: RuntimeContainerSpec['prestartHooks'], network?: NetworkSetup, linux?: LinuxOptions): RuntimeContainerSpec {
  const config = record.Config;
  return {
    id: record.Id,
    ...(typeof record.HostConfig.Runtime === 'string' && record.HostConfig.Runtime ? { runtime: record.HostConfig.Runtime } : {}),
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
    mounts: [...etcMounts(network), ...toRuntimeMounts(record.Mounts)],
    networkMode: networkModeOf(record),
    ...(network?.netnsPath ? { networkNamespacePath: network.netnsPath } : {}),
    resources: resourcesOf(record.HostConfig),
    readonlyRootfs: record.HostConfig.ReadonlyRootfs === true,
    prestartHooks,
    annotations: config.SpecAnnotation ?? {},
    ...(linux ? { linux } : {}),
  };
}

/** Like Docker: HOSTNAME (and TERM for a TTY) for the process, unless the container's Env sets them. */
function processEnv(record: ContainerRecord): string[] {
  const base = [`HOSTNAME=${record.Config.Hostname ?? record.Id.slice(0, 12)}`, ...(record.Config.Tty ? ['TERM=xterm'] : [])];
  return mergeEnv(base, record.Config.Env ?? []);
}
