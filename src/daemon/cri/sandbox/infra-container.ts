// The infra container of a sandbox, through the container manager: lookups that do not throw for a
// missing container (Stop and Remove are idempotent), and the pod's other containers, found by the
// label every CRI container carries (io.kubernetes.sandbox.id).

import { isDomainError } from '../../errors.ts';
import type { ContainerRecord } from '../../containers/container-record.ts';
import type { CriDeps } from '../deps.ts';

export const SANDBOX_ID_LABEL = 'io.kubernetes.sandbox.id';

export function findInfra(deps: CriDeps, id: string): ContainerRecord | undefined {
  try {
    const record = deps.containers.get(id);
    return record.Id === id ? record : undefined; // a prefix of another container is not this sandbox's
  } catch (error) {
    if (isDomainError(error, 'not-found')) return undefined;
    throw error;
  }
}

/** The CRI containers of the sandbox (not the infra itself). */
export function podContainers(deps: CriDeps, sandboxId: string): ContainerRecord[] {
  return deps.containers.list({ all: true, filters: { label: [`${SANDBOX_ID_LABEL}=${sandboxId}`] } }).filter((record) => record.Id !== sandboxId);
}

/** Stops a container now (SIGKILL after no grace); one that is not running is fine. */
export async function stopNow(deps: CriDeps, id: string, graceSeconds = 0): Promise<void> {
  try {
    await deps.containers.stop(id, graceSeconds);
  } catch (error) {
    if (isDomainError(error, 'not-modified') || isDomainError(error, 'not-found')) return;
    throw error;
  }
}

/** Force-removes a container (killing it, tearing its network down); one already gone is fine. */
export async function removeNow(deps: CriDeps, id: string): Promise<void> {
  try {
    await deps.containers.remove(id, { force: true, removeVolumes: true });
  } catch (error) {
    if (isDomainError(error, 'not-found')) return;
    throw error;
  }
}
