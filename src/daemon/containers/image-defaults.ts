// The defaults the daemon applies after container.preCreate, in Docker's way: the image's Env
// under the config's, its Cmd/Entrypoint when the config has none, WorkingDir, User, StopSignal,
// Labels, ExposedPorts and Volumes when the config does not set them, the image's HEALTHCHECK
// under the config's Healthcheck, and Hostname = short id.

import { badRequest } from '../errors.ts';
import type { ImageConfig } from '../images/image-store.ts';
import type { ContainerConfig } from './container-record.ts';
import { inheritHealthcheck } from './health-config.ts';

/** Entries of `overrides` replace entries of `base` with the same name; order: base first. */
export function mergeEnv(base: string[], overrides: string[]): string[] {
  const byName = new Map<string, string>();
  for (const entry of [...base, ...overrides]) byName.set(entry.split('=', 1)[0] as string, entry);
  return [...byName.values()];
}

/** Docker's wording when neither the config nor the image names a command (the CRI rewords it naming its fields). */
export const NO_COMMAND = 'No command specified';

/** `imageConfig` is {} for a container without an image (create-container.ts RootfsSource). */
export function applyImageDefaults(config: ContainerConfig, imageConfig: ImageConfig, id: string): ContainerConfig {
  const result: ContainerConfig = { ...config };
  result.Hostname = config.Hostname || id.slice(0, 12);
  result.Env = mergeEnv(imageConfig.Env ?? [], config.Env ?? []);
  // Docker: an Entrypoint from the client discards the image's Cmd as well as its Entrypoint.
  if (!config.Entrypoint || config.Entrypoint.length === 0) {
    result.Entrypoint = imageConfig.Entrypoint ?? [];
    if (!config.Cmd || config.Cmd.length === 0) result.Cmd = imageConfig.Cmd ?? [];
  }
  result.Cmd = result.Cmd ?? [];
  result.WorkingDir = config.WorkingDir || imageConfig.WorkingDir || '';
  result.User = config.User || imageConfig.User || '';
  if (!config.StopSignal && imageConfig.StopSignal) result.StopSignal = imageConfig.StopSignal;
  result.Labels = { ...(imageConfig.Labels ?? {}), ...(config.Labels ?? {}) };
  result.ExposedPorts = { ...(imageConfig.ExposedPorts ?? {}), ...(config.ExposedPorts ?? {}) };
  result.Volumes = { ...(imageConfig.Volumes ?? {}), ...(config.Volumes ?? {}) };
  const healthcheck = inheritHealthcheck(config.Healthcheck, imageConfig.Healthcheck);
  if (healthcheck) result.Healthcheck = healthcheck;
  if ((result.Entrypoint ?? []).length === 0 && result.Cmd.length === 0) {
    throw badRequest(NO_COMMAND);
  }
  return result;
}

/** The argv the container runs: Entrypoint + Cmd. */
export function commandOf(config: ContainerConfig): string[] {
  return [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
}
