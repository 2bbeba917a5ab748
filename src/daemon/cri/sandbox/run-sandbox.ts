// RunPodSandbox, step by step:
//   validate → sandbox record "creating" (the crash marker, sandbox-store.ts) → infra container
//   created through the container manager (container.preCreate runs; rootfs made by hookd, no
//   image) → started (CNI ADD on the default network with the port mappings, /etc files from the
//   DNS config, then conmon + runc) → sandbox record "ready".
// Any failure undoes what was made, in reverse: the infra is force-removed (the manager kills it,
// runs CNI DEL, removes the netns and the rootfs), then the record; the error is the first one.

import { randomBytes } from 'node:crypto';
import type { CriDeps } from '../deps.ts';
import { podRuntimeHandlers } from '../runtime-status.ts';
import type { RunPodSandboxRequest__Output } from '../generated/types/runtime/v1/RunPodSandboxRequest.ts';
import type { RunPodSandboxResponse } from '../generated/types/runtime/v1/RunPodSandboxResponse.ts';
import { alreadyExists } from '../status.ts';
import { removeNow } from './infra-container.ts';
import { checkCatatonit, infraRootfs } from './infra-rootfs.ts';
import { infraCreateConfig, infraNameOf, validateRunRequest } from './sandbox-config.ts';
import type { SandboxRecord } from './sandbox-store.ts';

export async function runPodSandbox(deps: CriDeps, request: RunPodSandboxRequest__Output): Promise<RunPodSandboxResponse> {
  const config = validateRunRequest(request, podRuntimeHandlers(deps));
  await checkCatatonit();
  const name = infraNameOf(config);
  const existing = deps.sandboxes.list().find((record) => infraNameOf(record.config) === name);
  if (existing) throw alreadyExists(`pod sandbox ${name} (same name, namespace, uid and attempt) already exists with id ${existing.id}; remove it first`);

  // No await between the check above and add(): a concurrent RunPodSandbox of the same pod sees this record.
  const id = randomBytes(32).toString('hex');
  const record: SandboxRecord = { id, phase: 'creating', config, runtimeHandler: request.runtime_handler, createdAtNs: nowNs() };
  await deps.sandboxes.add(record);
  try {
    const body = infraCreateConfig(id, config);
    if (request.runtime_handler !== '') (body.HostConfig as Record<string, unknown>).Runtime = request.runtime_handler;
    await deps.containers.create(body, name, infraRootfs());
    await deps.containers.start(id);
    await deps.sandboxes.put({ ...record, phase: 'ready' });
  } catch (error) {
    await undoRun(deps, id);
    throw error;
  }
  deps.logger.info({ sandbox: id, pod: `${config.metadata!.namespace}/${config.metadata!.name}` }, 'pod sandbox running');
  return { pod_sandbox_id: id };
}

/** Removes what a failed (or crash-interrupted) RunPodSandbox made; also reconcile's step. */
export async function undoRun(deps: CriDeps, id: string): Promise<void> {
  try {
    await removeNow(deps, id);
    await deps.sandboxes.delete(id);
  } catch (cleanup) {
    // The record stays "creating", so the next daemon start tries again (reconcile.ts).
    deps.logger.error({ err: cleanup, sandbox: id }, 'cleaning up a failed RunPodSandbox failed; the next daemon start retries it');
  }
}

/** CRI timestamps are int64 nanoseconds, carried as decimal strings (longs: String). */
export function nowNs(): string {
  return (BigInt(Date.now()) * 1_000_000n).toString();
}
