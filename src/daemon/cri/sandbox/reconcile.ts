// At daemon start, before the CRI socket accepts calls: load the sandbox records, and finish what a
// daemon killed mid-RunPodSandbox left. A record still "creating" has its infra container
// force-removed through the container manager (which kills a running infra and tears down its
// network: CNI DEL, the netns file) and is then deleted, so no orphan infra process or netns
// survives the restart. The container manager has loaded and reconciled its records by then.

import type { CriDeps } from '../deps.ts';
import { undoRun } from './run-sandbox.ts';

export async function reconcileSandboxes(deps: CriDeps): Promise<void> {
  for (const entry of await deps.sandboxes.load()) deps.logger.error(entry, 'pod sandbox record is corrupt; skipped');
  for (const sandbox of deps.sandboxes.list()) {
    if (sandbox.phase !== 'creating') continue;
    deps.logger.warn({ sandbox: sandbox.id }, 'RunPodSandbox was cut short by a daemon stop or crash; removing what it made');
    await undoRun(deps, sandbox.id);
  }
}
