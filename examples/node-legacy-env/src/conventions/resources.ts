// Resource conventions carried in env:
// - ali_jvm_cgroup=true: the JVM in the container reads (and on old JDKs remounts) its cgroup to
//   size its heap. alidocker granted every capability for this; here the operator chooses the
//   list in the manifest (default SYS_ADMIN), added to HostConfig.CapAdd.
// - <memoryVariable>=512m (default ali_memory): the memory limit, as HostConfig.Memory in bytes.
//   An explicit HostConfig.Memory wins: the client that set it knows better than a legacy env.
import { addCapabilities, getEnv, hostConfig, PluginRejection, type ContainerCreateConfig, type Logger } from '@hookd/plugin-sdk';
import type { LegacyEnvSettings } from '../settings.ts';
import { parseSizeBytes } from '../sizes.ts';

export function applyJvmCgroupEnv(config: ContainerCreateConfig, settings: LegacyEnvSettings): void {
  if (getEnv(config, 'ali_jvm_cgroup')?.toLowerCase() === 'true') addCapabilities(config, settings.jvmCgroupCapabilities);
}

export function applyMemoryEnv(config: ContainerCreateConfig, settings: LegacyEnvSettings, log: Logger): void {
  const value = getEnv(config, settings.memoryVariable);
  if (value === undefined || value === '') return;
  const bytes = parseSizeBytes(value);
  if (bytes === undefined || bytes === 0) {
    throw new PluginRejection(`env ${settings.memoryVariable}="${value}" is not a memory size such as 512m or 2g`);
  }
  const host = hostConfig(config);
  if (typeof host.Memory === 'number' && host.Memory > 0) {
    if (host.Memory !== bytes) log.info('HostConfig.Memory is set; ignoring the legacy memory env', { env: value, memory: host.Memory });
    return;
  }
  host.Memory = bytes;
}
