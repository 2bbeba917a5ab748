// PodSandboxStatus and ListPodSandbox, read from the sandbox record (what RunPodSandbox received)
// and the infra container's record (whether it runs, its pod IP). READY means RunPodSandbox
// finished and the infra runs; everything else is NOTREADY (stopped, died, or still being made).

import type { ContainerRecord } from '../../containers/container-record.ts';
import type { CriDeps } from '../deps.ts';
import type { ListPodSandboxRequest__Output } from '../generated/types/runtime/v1/ListPodSandboxRequest.ts';
import type { PodSandbox } from '../generated/types/runtime/v1/PodSandbox.ts';
import type { PodSandboxState__Output } from '../generated/types/runtime/v1/PodSandboxState.ts';
import type { PodSandboxStatusResponse } from '../generated/types/runtime/v1/PodSandboxStatusResponse.ts';
import { findInfra } from './infra-container.ts';
import type { SandboxRecord } from './sandbox-store.ts';

export function stateOf(sandbox: SandboxRecord, infra: ContainerRecord | undefined): PodSandboxState__Output {
  return sandbox.phase === 'ready' && infra?.State.Running === true ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY';
}

export function podSandboxStatus(deps: CriDeps, id: string, verbose: boolean): PodSandboxStatusResponse {
  const sandbox = deps.sandboxes.get(id);
  const infra = findInfra(deps, sandbox.id);
  const { config } = sandbox;
  const info: Record<string, string> = {};
  if (verbose) {
    info.info = JSON.stringify({
      pid: infra?.State.Pid ?? 0, phase: sandbox.phase, infraContainer: infra ? { name: infra.Name.slice(1), status: infra.State.Status } : undefined,
      netns: infra?.NetworkSettings.SandboxKey ?? '', config,
    });
  }
  return {
    status: {
      id: sandbox.id,
      metadata: config.metadata,
      state: stateOf(sandbox, infra),
      created_at: sandbox.createdAtNs,
      network: { ip: infra?.State.Running ? infra.NetworkSettings.IPAddress ?? '' : '', additional_ips: [] },
      linux: { namespaces: { options: config.linux?.security_context?.namespace_options ?? null } },
      labels: config.labels,
      annotations: config.annotations,
      runtime_handler: sandbox.runtimeHandler,
    },
    info,
  };
}

/** ListPodSandbox: every filter given must match (id: the id or a prefix of it; labels: all of the selector). */
export function listPodSandbox(deps: CriDeps, request: ListPodSandboxRequest__Output): PodSandbox[] {
  const filter = request.filter;
  const items: PodSandbox[] = [];
  for (const sandbox of deps.sandboxes.list()) {
    if (filter?.id && !sandbox.id.startsWith(filter.id)) continue;
    const state = stateOf(sandbox, findInfra(deps, sandbox.id));
    if (filter?.state && filter.state.state !== state) continue;
    const labels = sandbox.config.labels;
    if (filter && !Object.entries(filter.label_selector).every(([key, value]) => labels[key] === value)) continue;
    items.push({
      id: sandbox.id, metadata: sandbox.config.metadata, state, created_at: sandbox.createdAtNs,
      labels, annotations: sandbox.config.annotations, runtime_handler: sandbox.runtimeHandler,
    });
  }
  return items.sort((a, b) => (BigInt(a.created_at as string) < BigInt(b.created_at as string) ? -1 : 1));
}
