// CRI containers (runtime.v1.RuntimeService): CreateContainer (create.ts, with
// cri.preCreateContainer), Start/Stop/Remove, ContainerStatus, ListContainers,
// UpdateContainerResources (no container.preUpdate, as in Pouch), ReopenContainerLog, ExecSync,
// ContainerStats and ListContainerStats. A CRI container is an ordinary hookd container labelled
// by labels.ts: these handlers see only those, while the Docker API sees them all.
// Idempotence as the CRI wants it: Stop and Remove of an unknown or already stopped container succeed.

import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { isDomainError, notFound } from '../../errors.ts';
import type { ContainerRecord } from '../../containers/container-record.ts';
import type { CriDeps } from '../deps.ts';
import type { CriHandlerModule, CriHandlerSet } from '../handlers.ts';
import { sandboxInfo } from '../sandbox/sandbox-info.ts';
import { invalidField } from '../status.ts';
import { createCriContainer, ownOomScoreAdj, type SandboxForCreate, type SandboxLookup } from './create.ts';
import { resourcesOf } from './create-config.ts';
import { execSync } from './exec-sync.ts';
import { isCriContainer, LOG_PATH_LABEL } from './labels.ts';
import { containerStatsOf } from './stats.ts';
import { containerOf, containerStatusOf, criContainersOf, matchesFilter } from './status-view.ts';

export const containerHandlers: CriHandlerModule = (deps) => criContainerHandlers(deps, (id) => sandboxForCreate(deps, id));

/** cri-server's SandboxInfo; the hostname is the node's on the host network, else the infra's. */
function sandboxForCreate(deps: CriDeps, sandboxId: string): SandboxForCreate {
  const info = sandboxInfo(deps, sandboxId);
  const podHostname = info.hostNetwork ? hostname() : info.hostname || (deps.containers.get(info.id).Config.Hostname ?? '');
  return { ...info, netnsPath: info.netnsPath ?? '', hostname: podHostname };
}

export function criContainerHandlers(deps: CriDeps, lookup: SandboxLookup): CriHandlerSet {
  const { containers } = deps;
  /** The CRI container `id` names (a unique prefix too); NOT_FOUND for anything else. */
  const find = (id: string, field = 'container_id'): ContainerRecord => {
    if (!id) throw invalidField(field, 'is required');
    const record = containers.get(id);
    if (!isCriContainer(record.Config.Labels)) throw notFound(`container ${id} is not a CRI container (it was created through the Docker API)`);
    return record;
  };
  /** For Stop and Remove: an unknown id is already stopped and removed. */
  const findIfAny = (id: string): ContainerRecord | undefined => {
    try {
      return find(id);
    } catch (error) {
      if (isDomainError(error, 'not-found')) return undefined;
      throw error;
    }
  };

  return {
    CreateContainer: (request) => createCriContainer(deps, lookup, request),

    async StartContainer(request) {
      const record = find(request.container_id);
      // conmon opens the log at start; the kubelet makes the pod's directory, not always the container's.
      if (record.Config.Labels?.[LOG_PATH_LABEL]) await mkdir(dirname(record.LogPath), { recursive: true });
      await containers.start(record.Id);
      return {};
    },

    async StopContainer(request) {
      const record = findIfAny(request.container_id);
      if (!record || !record.State.Running) return {};
      await containers.stop(record.Id, Number(request.timeout)).catch((error: unknown) => {
        if (!isDomainError(error, 'not-modified')) throw error; // it exited meanwhile
      });
      return {};
    },

    async RemoveContainer(request) {
      const record = findIfAny(request.container_id);
      if (!record) return {};
      await containers.remove(record.Id, { force: true, removeVolumes: true }).catch((error: unknown) => {
        if (!isDomainError(error, 'not-found')) throw error; // removed meanwhile
      });
      return {};
    },

    async ContainerStatus(request) {
      return { status: containerStatusOf(find(request.container_id)), info: {} };
    },

    async ListContainers(request) {
      const records = criContainersOf(containers.list({ all: true, filters: {} })).filter((record) => matchesFilter(record, request.filter));
      return { containers: records.map(containerOf) };
    },

    async UpdateContainerResources(request) {
      const record = find(request.container_id);
      if (!request.linux) return {};
      await containers.updateResources(record.Id, resourcesOf(request.linux, { minOomScoreAdj: await ownOomScoreAdj() }));
      return {};
    },

    async ReopenContainerLog(request) {
      await containers.reopenLog(find(request.container_id).Id);
      return {};
    },

    async ExecSync(request, context) {
      const record = find(request.container_id);
      return execSync(deps.execs, record.Id, request.cmd, Number(request.timeout), context.signal);
    },

    async ContainerStats(request) {
      return { stats: await containerStatsOf(find(request.container_id)) };
    },

    async ListContainerStats(request) {
      const filter = request.filter;
      const records = criContainersOf(containers.list({ all: true, filters: {} })).filter((record) => matchesFilter(record, filter && {
        id: filter.id, pod_sandbox_id: filter.pod_sandbox_id, label_selector: filter.label_selector, state: null,
      }));
      return { stats: await Promise.all(records.map((record) => containerStatsOf(record))) };
    },
  };
}
