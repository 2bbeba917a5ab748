// POST /containers/{id}/update in Pouch's order (docs/hooks-and-merge.md §1): container.preUpdate gets
// the raw body before it is decoded; the returned body is decoded and applied; when it carries
// Env, the full env is written into the rootfs and container.postUpdate is told (rootfs + env);
// then, for a running container and an update with resource fields, the runtime applies the
// merged resources (Pouch's Client.UpdateResources). Any failure restores the record and the env
// file, so nothing of the update remains; the caller persists on success.

import type { HookInvoker } from '../../host/index.ts';
import { badRequest, invalidParameter } from '../errors.ts';
import { parseJsonObject } from '../validation/json-body.ts';
import { checkEngineBody } from '../validation/engine-schema/body-schema.ts';
import type { ContainerRuntime } from '../runtime/runtime.ts';
import type { ContainerRecord } from './container-record.ts';
import { writeEnvFile } from './env-file.ts';
import { applyUpdate, decodeUpdateConfig, resourcesOf } from './update-config.ts';

export interface UpdateDeps {
  invoker: HookInvoker;
  runtime: ContainerRuntime;
}

export async function updateContainer(deps: UpdateDeps, record: ContainerRecord, rawBody: Buffer): Promise<{ restore(): Promise<void> }> {
  const { invoker } = deps;
  const result = await invoker.invoke('container.preUpdate', { containerId: record.Id, body: rawBody });
  const body = decodeHookBody(result.document, rawBody);
  checkEngineBody('ContainerUpdate', body, 'update body');
  const update = decodeUpdateConfig(body);

  const before = { Config: structuredClone(record.Config), HostConfig: structuredClone(record.HostConfig) };
  let restoreEnvFile: (() => Promise<void>) | undefined;
  const restore = async (): Promise<void> => {
    record.Config = before.Config;
    record.HostConfig = before.HostConfig;
    await restoreEnvFile?.();
  };
  try {
    applyUpdate(record, update);
    if (update.Env) {
      const env = record.Config.Env ?? [];
      restoreEnvFile = await writeEnvFile(record.hookd.rootfs, env);
      await invoker.invoke('container.postUpdate', { containerId: record.Id, rootfs: record.hookd.rootfs, env });
    }
    if (record.State.Running && Object.keys(update.resources).length > 0) await applyResources(deps.runtime, record);
  } catch (error) {
    await restore();
    throw error;
  }
  return { restore };
}

/**
 * Resource fields alone, without container.preUpdate (CRI UpdateContainerResources, as Pouch):
 * applied to the record, and to the running container; a refusal restores the record.
 */
export async function updateResources(deps: Pick<UpdateDeps, 'runtime'>, record: ContainerRecord, resources: Record<string, unknown>): Promise<{ restore(): Promise<void> }> {
  const before = structuredClone(record.HostConfig);
  const restore = async (): Promise<void> => {
    record.HostConfig = before;
  };
  Object.assign(record.HostConfig, resources);
  try {
    if (record.State.Running && Object.keys(resources).length > 0) await applyResources(deps.runtime, record);
  } catch (error) {
    await restore();
    throw error;
  }
  return { restore };
}

/**
 * Live limits for a running container; a refusal becomes a 400 that names the container and the
 * runtime's reason: the record is unchanged, and what the runtime refuses is the values the client
 * asked for (a memory limit below current usage, CPUs the machine lacks), like dockerd's 400s.
 */
async function applyResources(runtime: ContainerRuntime, record: ContainerRecord): Promise<void> {
  try {
    await runtime.update(record.Id, record.hookd.stateDir, resourcesOf(record.HostConfig));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalidParameter(`Cannot update container ${record.Id}: the ${runtime.name} runtime could not apply the new resources to the running container: ${reason}. The container's configuration was not changed; fix the values and update again`, { cause: error });
  }
}

/**
 * What preUpdate returned: raw bytes (or a string) to decode, an already decoded object, or
 * nothing (no plugin changed the body).
 */
function decodeHookBody(document: unknown, rawBody: Buffer): Record<string, unknown> {
  const where = 'update body';
  if (document === undefined || document === null) return parseJsonObject(rawBody, where, true);
  if (Buffer.isBuffer(document) || document instanceof Uint8Array) return parseJsonObject(Buffer.from(document), `${where} returned by container.preUpdate`, true);
  if (typeof document === 'string') return parseJsonObject(document, `${where} returned by container.preUpdate`, true);
  if (typeof document === 'object' && !Array.isArray(document)) return document as Record<string, unknown>;
  throw badRequest(`${where} returned by container.preUpdate: expected a JSON object, got ${JSON.stringify(document)}`);
}
