// Reaching into a create config's HostConfig without losing fields.
import type { ContainerCreateConfig, HostConfig } from './types.ts';

/** The config's HostConfig, created (as {}) if it is missing or null. */
export function hostConfig(config: ContainerCreateConfig): HostConfig {
  if (config.HostConfig === null || typeof config.HostConfig !== 'object' || Array.isArray(config.HostConfig)) {
    config.HostConfig = {};
  }
  return config.HostConfig;
}

/** Adds capabilities to HostConfig.CapAdd, skipping ones already there. */
export function addCapabilities(config: ContainerCreateConfig, capabilities: readonly string[]): void {
  const host = hostConfig(config);
  const list = Array.isArray(host.CapAdd) ? host.CapAdd : (host.CapAdd = []);
  for (const capability of capabilities) {
    if (!list.includes(capability)) list.push(capability);
  }
}

/** A deep copy, for a handler that wants to build its reply without touching its input. */
export function cloneDocument<T>(document: T): T {
  return structuredClone(document);
}
