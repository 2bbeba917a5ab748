// CreateContainer in Pouch's order (reference/pouch-hooks.md §2.8): look the sandbox up → build
// the whole create config (create-config.ts) → `cri.preCreateContainer` with the sandbox's
// metadata → the container manager's create, which runs `container.preCreate` and stores the
// record. The hook runs when everything is built and nothing exists yet, so a plugin that fails
// aborts the create leaving nothing behind; provenance of both hooks is kept on the record.

import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import type { ProvenanceEntry } from '../../../host/index.ts';
import type { CreateConfig } from '../../containers/container-record.ts';
import { validateCreateConfig } from '../../containers/create-config.ts';
import { NO_COMMAND } from '../../containers/image-defaults.ts';
import { isDomainError } from '../../errors.ts';
import type { CriDeps } from '../deps.ts';
import type { CriRequest, CriResponse } from '../handlers.ts';
import { alreadyExists, CriError, invalidField } from '../status.ts';
import { criCreatePlan, type SandboxForContainer } from './create-config.ts';

/** The sandbox as CreateContainer needs it (cri-server's SandboxInfo). */
export interface SandboxForCreate extends SandboxForContainer {
  runtimeHandler: string;
  state: string;
  /** The pod's network namespace file ("" on the host network), for cri.preCreateContainer's NetNS. */
  netnsPath: string;
}

/** A Localhost seccomp profile: the kubelet's own host file; a profile is small, 1 MiB is plenty. */
function readSeccompProfile(path: string): string {
  const info = statSync(path);
  if (!info.isFile()) throw new Error('is not a regular file');
  if (info.size > 1024 * 1024) throw new Error('is larger than 1 MiB');
  return readFileSync(path, 'utf8');
}

export type SandboxLookup = (sandboxId: string) => SandboxForCreate;

export async function createCriContainer(deps: CriDeps, lookup: SandboxLookup, request: CriRequest<'CreateContainer'>): Promise<CriResponse<'CreateContainer'>> {
  if (!request.pod_sandbox_id) throw invalidField('pod_sandbox_id', 'is required');
  if (!request.config) throw invalidField('config', 'is required');
  checkRequestPaths(request.config);
  const sandbox = lookup(request.pod_sandbox_id);
  if (sandbox.state !== 'SANDBOX_READY') {
    throw new CriError(grpc.status.FAILED_PRECONDITION, `sandbox ${sandbox.id} is not ready (${sandbox.state}): containers are created in a running pod only`);
  }
  // The log directory is the pod's, as RunPodSandbox received it; the request's copy fills in a
  // sandbox record that has none.
  const sandboxConfig = sandbox.config.log_directory || !request.sandbox_config ? sandbox.config : { ...sandbox.config, log_directory: request.sandbox_config.log_directory };
  const plan = criCreatePlan(request.config, { ...sandbox, config: sandboxConfig }, { minOomScoreAdj: await ownOomScoreAdj(), readSeccompProfile });
  // The same metadata (name, attempt) in the same pod is a name clash, as for RunPodSandbox: the
  // kubelet removes the old one and retries on ALREADY_EXISTS (checked before any plugin runs).
  const holder = deps.containers.list({ all: true, filters: {} }).find((record) => record.Name === `/${plan.name}`);
  if (holder) throw alreadyExists(`container ${plan.name} (same name and attempt in this pod) already exists with id ${holder.Id}; remove it first`);
  if (sandbox.runtimeHandler) plan.config.HostConfig = { ...plan.config.HostConfig, Runtime: sandbox.runtimeHandler };

  const result = await deps.invoker.invoke('cri.preCreateContainer', {
    config: plan.config,
    sandbox: { ID: sandbox.id, Config: sandboxConfig, Runtime: sandbox.runtimeHandler || deps.runtime.name, NetNS: sandbox.netnsPath, LxcfsEnabled: false },
  });
  const config = (result.document ?? plan.config) as CreateConfig;
  validateCreateConfig(config, `cri.preCreateContainer returned an invalid create config${blame(result.provenance)}`);

  const record = await deps.containers.create(config, plan.name, undefined, {
    ...(plan.logPath ? { logPath: plan.logPath } : {}),
    criProvenance: result.provenance,
  }).catch((error: unknown) => {
    if (isDomainError(error, 'invalid-parameter') && error.message === NO_COMMAND) {
      throw invalidField('config.command', 'and config.args are empty and the image has no Entrypoint or Cmd: name the command to run');
    }
    throw error;
  });
  return { container_id: record.Id };
}

/** The daemon's own oom_score_adj: a container cannot be given less without CAP_SYS_RESOURCE. */
export async function ownOomScoreAdj(): Promise<number> {
  const text = await readFile('/proc/self/oom_score_adj', 'utf8').catch(() => '0');
  return Number.parseInt(text, 10) || 0;
}

/**
 * What runc would refuse only at StartContainer, refused at create naming the CRI field (checked
 * here, on the request, so the error does not surface later as an invalid create config blamed on
 * cri.preCreateContainer, or as a failed start): a device's cgroup permissions are letters of
 * "rwm" (CRI and OCI), and working_dir is absolute (OCI process.cwd).
 */
function checkRequestPaths(config: NonNullable<CriRequest<'CreateContainer'>['config']>): void {
  (config.devices ?? []).forEach((device, i) => {
    if (device.permissions && !/^[rwm]+$/.test(device.permissions)) {
      throw invalidField(`config.devices[${i}].permissions`, `must be made of r, w and m, got ${JSON.stringify(device.permissions)}`);
    }
  });
  if (config.working_dir && !config.working_dir.startsWith('/')) {
    throw invalidField('config.working_dir', `must be an absolute path, got ${JSON.stringify(config.working_dir)}`);
  }
}

function blame(provenance: ProvenanceEntry[]): string {
  const plugins = [...new Set(provenance.map((entry) => entry.plugin))];
  return plugins.length > 0 ? ` (changed by plugin${plugins.length > 1 ? 's' : ''} ${plugins.map((p) => `"${p}"`).join(', ')})` : '';
}
