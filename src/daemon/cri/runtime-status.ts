// Version, Status and UpdateRuntimeConfig: what the kubelet asks before anything else.
//
// RuntimeReady is true while the daemon's OCI runtime is usable (the CRI server only runs on an
// isolating runtime, see server.ts). NetworkReady is the CNI layer's: networking is enabled and the
// plugins a pod network needs (bridge, host-local, loopback, portmap) are on the CNI path. The
// kubelet schedules no pod that needs the network while it is false, so the reason names the fix.

import { findPlugin } from '../network/cni-exec.ts';
import type { CriDeps } from './deps.ts';
import type { CriHandlerModule } from './handlers.ts';
import { invalidField } from './status.ts';
import type { RuntimeCondition } from './generated/types/runtime/v1/RuntimeCondition.ts';

/** The CRI version this server speaks (the API package, not cri-api's module version). */
export const RUNTIME_API_VERSION = 'v1';
/** Kubernetes' own version field: "0.1.0" is what every runtime reports (kubelet ignores it). */
const KUBE_API_VERSION = '0.1.0';
const POD_NETWORK_PLUGINS = ['bridge', 'host-local', 'loopback', 'portmap'];

export const runtimeStatusHandlers: CriHandlerModule = (deps) => ({
  Version: async () => ({
    version: KUBE_API_VERSION,
    runtime_name: 'hookd',
    runtime_version: deps.settings.version,
    runtime_api_version: RUNTIME_API_VERSION,
  }),
  Status: async (request) => {
    const conditions = [runtimeCondition(deps), await networkCondition(deps)];
    const info: Record<string, string> = {};
    if (request.verbose) {
      info.config = JSON.stringify({ runtime: deps.runtime.name, podCidr: deps.runtimeConfig.podCidr ?? '', cniPath: deps.networks.settings.cniPath });
    }
    return { status: { conditions }, info, runtime_handlers: runtimeHandlers(deps) };
  },
  // critest and the kubelet pick the pods' cgroup_parent style from this: cgroupfs paths, as hookd
  // places containers (/hookd/<id>, or <cgroup_parent>/<id>).
  RuntimeConfig: async () => ({ linux: { cgroup_driver: 'CGROUPFS' } }),
  UpdateRuntimeConfig: async (request) => {
    const cidr = request.runtime_config?.network_config?.pod_cidr ?? '';
    // The kubelet sends "" until the node has a CIDR; hookd's pod network keeps its own subnet
    // (network.subnet) either way, so the CIDR is recorded and reported, not applied.
    if (cidr !== '' && !/^[0-9a-fA-F:.]+\/\d{1,3}(,[0-9a-fA-F:.]+\/\d{1,3})*$/.test(cidr)) {
      throw invalidField('runtime_config.network_config.pod_cidr', `${JSON.stringify(cidr)} is not a CIDR (or comma-separated CIDRs)`);
    }
    if (cidr !== deps.runtimeConfig.podCidr) deps.logger.info({ podCidr: cidr }, 'pod CIDR updated by UpdateRuntimeConfig');
    deps.runtimeConfig.podCidr = cidr;
    return {};
  },
});

function runtimeCondition(deps: CriDeps): RuntimeCondition {
  return deps.runtime.isolated
    ? { type: 'RuntimeReady', status: true, reason: '', message: '' }
    : { type: 'RuntimeReady', status: false, reason: 'NoIsolatingRuntime', message: `the runtime "${deps.runtime.name}" runs processes without namespaces; pods need runc or crun` };
}

async function networkCondition(deps: CriDeps): Promise<RuntimeCondition> {
  const { settings } = deps.networks;
  if (!settings.enabled || !deps.attacher) {
    return { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'container networking is disabled (network.enabled is false, or the runtime cannot isolate)' };
  }
  for (const plugin of POD_NETWORK_PLUGINS) {
    try {
      await findPlugin(plugin, settings.cniPath);
    } catch (error) {
      return { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: (error as Error).message };
    }
  }
  return { type: 'NetworkReady', status: true, reason: '', message: '' };
}

/** The handlers a pod may name: the daemon's OCI runtimes; "process" isolates nothing, so no pod runs on it. */
export function podRuntimeHandlers(deps: Pick<CriDeps, 'runtime'>): string[] {
  return (deps.runtime.names?.() ?? [deps.runtime.name]).filter((name) => name !== 'process');
}

function runtimeHandlers(deps: CriDeps): Array<{ name: string; features: { recursive_read_only_mounts: boolean; user_namespaces: boolean } }> {
  // "" is the default handler (RuntimeHandler unset in the pod spec).
  return ['', ...podRuntimeHandlers(deps)].map((name) => ({ name, features: { recursive_read_only_mounts: false, user_namespaces: false } }));
}
