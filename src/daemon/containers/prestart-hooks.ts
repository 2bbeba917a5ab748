// Hook container.preStart and the OCI prestart hook list. Pouch's documented contract: the
// network hook has priority 0; higher priorities run first; equal priorities keep their order
// (stable sort), plugins' hooks in the order the host returned them, then the daemon's own.

import { join } from 'node:path';
import { sortOciHooks } from '../../host/index.ts';
import type { HookInvoker, OwnedOciHook } from '../../host/index.ts';
import type { RuntimeHook } from '../runtime/runtime.ts';
import type { ContainerRecord } from './container-record.ts';
import { networkModeOf, networkNamesOf } from './endpoints.ts';
import { toPreStartJson } from './inspect-view.ts';

export const NETWORK_HOOK_PRIORITY = 0;

/**
 * The daemon's network hook. hookd creates no network namespace plumbing of its own, so the hook
 * records the network setup the container starts with (mode and endpoint decisions) in
 * `<stateDir>/network-setup.json`; for "none" and "host" there is nothing to set up and it is a no-op.
 * It reads its stdin (the OCI state) to the end first and ignores it: crun fails a hook that exits
 * before crun finished writing the state to it (EPIPE); runc and the process runtime close stdin
 * after writing, so the read ends.
 */
export function networkHook(record: ContainerRecord): OwnedOciHook {
  const mode = networkModeOf(record);
  if (mode === 'none' || mode === 'host') {
    return { plugin: 'hookd', priority: NETWORK_HOOK_PRIORITY, path: '/bin/sh', args: ['sh', '-c', 'cat >/dev/null; exit 0', 'hookd-network'], env: [] };
  }
  const setup = {
    container: record.Id,
    mode,
    endpoints: networkNamesOf(record).map((name) => {
      const state = record.NetworkSettings.Networks[name];
      return { network: name, endpointId: state?.EndpointID ?? '', priority: state?.Priority ?? 0, disableResolver: state?.DisableResolver ?? true, genericParams: state?.GenericParams ?? {} };
    }),
  };
  return {
    plugin: 'hookd',
    priority: NETWORK_HOOK_PRIORITY,
    path: '/bin/sh',
    args: ['sh', '-c', 'cat >/dev/null; printf "%s\\n" "$2" > "$1"', 'hookd-network', join(record.hookd.stateDir, 'network-setup.json'), JSON.stringify(setup)],
    env: [],
  };
}

/** The host's one ordering rule (stable, higher priority first), which also checks every hook. */
export function sortPrestartHooks(hooks: OwnedOciHook[]): OwnedOciHook[] {
  return sortOciHooks(hooks);
}

/** Runs the hook; rejects with the host's error (the caller aborts the start and rolls back). */
export async function collectPrestartHooks(invoker: HookInvoker, record: ContainerRecord): Promise<OwnedOciHook[]> {
  const result = await invoker.invoke('container.preStart', { containerId: record.Id, container: toPreStartJson(record) });
  return sortPrestartHooks([...result.ociHooks, networkHook(record)]);
}

export function toRuntimeHooks(hooks: OwnedOciHook[]): RuntimeHook[] {
  return hooks.map((hook) => ({
    path: hook.path,
    args: hook.args,
    env: hook.env,
    ...(hook.timeoutSeconds ? { timeoutSeconds: hook.timeoutSeconds } : {}),
  }));
}
