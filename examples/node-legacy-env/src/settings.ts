// The plugin's settings: the `config` object of its manifest, checked once in Configure so that
// a typo is reported when the daemon starts the plugin, not on the first container create.
import { PluginRejection } from '@hookd/plugin-sdk';

export interface LegacyEnvSettings {
  /** Capabilities granted when the container asks for ali_jvm_cgroup=true. */
  jvmCgroupCapabilities: string[];
  /** The env variable carrying a memory limit such as "512m". */
  memoryVariable: string;
}

export const DEFAULT_SETTINGS: LegacyEnvSettings = {
  jvmCgroupCapabilities: ['SYS_ADMIN'],
  memoryVariable: 'ali_memory',
};

const CAPABILITY = /^[A-Z_]+$/;

export function parseSettings(config: unknown): LegacyEnvSettings {
  if (config === null || config === undefined) return DEFAULT_SETTINGS;
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new PluginRejection('config must be an object such as {"jvmCgroupCapabilities": ["SYS_ADMIN"]}');
  }
  const { jvmCgroupCapabilities = DEFAULT_SETTINGS.jvmCgroupCapabilities, memoryVariable = DEFAULT_SETTINGS.memoryVariable, ...rest } =
    config as Partial<Record<keyof LegacyEnvSettings, unknown>>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) {
    throw new PluginRejection(`config has unknown field(s) ${unknownKeys.join(', ')}; known: jvmCgroupCapabilities, memoryVariable`);
  }
  if (!Array.isArray(jvmCgroupCapabilities) || !jvmCgroupCapabilities.every((cap) => typeof cap === 'string' && CAPABILITY.test(cap))) {
    throw new PluginRejection('config.jvmCgroupCapabilities must be capability names without the CAP_ prefix, e.g. ["SYS_ADMIN"]');
  }
  if (typeof memoryVariable !== 'string' || memoryVariable === '') {
    throw new PluginRejection('config.memoryVariable must be a non-empty env variable name');
  }
  return { jvmCgroupCapabilities: jvmCgroupCapabilities as string[], memoryVariable };
}
