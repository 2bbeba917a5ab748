// StopPodSandbox and RemovePodSandbox. Both are idempotent: an unknown id, or a sandbox already
// stopped or gone, is success (the kubelet retries them after failures and restarts).
//   Stop:   the pod's containers stop first (no grace: the kubelet stopped them with theirs before),
//           then the infra; the container manager tears its network down (CNI DEL, netns) on exit.
//           The record stays, NOTREADY, until Remove.
//   Remove: the pod's containers and the infra are force-removed (a running pod is stopped as part
//           of it), then the sandbox record goes, last, so a crash in between leaves a NOTREADY
//           sandbox the next Remove finishes rather than an untracked container.

import type { CriDeps } from '../deps.ts';
import { podContainers, removeNow, stopNow } from './infra-container.ts';

export async function stopPodSandbox(deps: CriDeps, id: string): Promise<void> {
  const sandbox = deps.sandboxes.find(id);
  if (!sandbox) return;
  for (const container of podContainers(deps, sandbox.id)) await stopNow(deps, container.Id);
  await stopNow(deps, sandbox.id);
}

export async function removePodSandbox(deps: CriDeps, id: string): Promise<void> {
  const sandbox = deps.sandboxes.find(id);
  if (!sandbox) return;
  for (const container of podContainers(deps, sandbox.id)) await removeNow(deps, container.Id);
  await removeNow(deps, sandbox.id);
  await deps.sandboxes.delete(sandbox.id);
  deps.logger.info({ sandbox: sandbox.id }, 'pod sandbox removed');
}
