// Pod sandboxes: RunPodSandbox, StopPodSandbox, RemovePodSandbox, PodSandboxStatus, ListPodSandbox,
// PodSandboxStats, ListPodSandboxStats.
// A sandbox is a hookd container (the infra, catatonit -P, no image) plus a sandbox record
// (sandbox-store.ts); run-sandbox.ts, stop-remove.ts and sandbox-status.ts hold the steps.

import type { CriHandlerModule } from '../handlers.ts';
import { invalidField } from '../status.ts';
import { runPodSandbox } from './run-sandbox.ts';
import { listPodSandboxStats, podSandboxStats } from './sandbox-stats.ts';
import { listPodSandbox, podSandboxStatus } from './sandbox-status.ts';
import { removePodSandbox, stopPodSandbox } from './stop-remove.ts';

export const sandboxHandlers: CriHandlerModule = (deps) => ({
  RunPodSandbox: (request) => runPodSandbox(deps, request),
  StopPodSandbox: async (request) => {
    await stopPodSandbox(deps, requiredId(request.pod_sandbox_id));
    return {};
  },
  RemovePodSandbox: async (request) => {
    await removePodSandbox(deps, requiredId(request.pod_sandbox_id));
    return {};
  },
  PodSandboxStatus: async (request) => podSandboxStatus(deps, requiredId(request.pod_sandbox_id), request.verbose),
  ListPodSandbox: async (request) => ({ items: listPodSandbox(deps, request) }),
  PodSandboxStats: async (request) => ({ stats: await podSandboxStats(deps, requiredId(request.pod_sandbox_id)) }),
  ListPodSandboxStats: async (request) => ({ stats: await listPodSandboxStats(deps, request.filter) }),
});

function requiredId(id: string): string {
  if (id === '') throw invalidField('pod_sandbox_id', 'is required');
  return id;
}
