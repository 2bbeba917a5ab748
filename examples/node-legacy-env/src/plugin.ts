// legacy-env: a container PreCreate hook that turns the conventions old alidocker clients carry
// in env and labels into the create-config fields Pouch (and hookd) understand. It is the
// "convert env to attributes" plugin of PouchContainer's hook docs (reference §9), rebuilt
// out of process. Each convention is one small function in ./conventions; they run in the order
// below, and every field they do not touch reaches the daemon exactly as the client sent it.
import { definePlugin } from '@hookd/plugin-sdk';
import { applyAnnotationLabels } from './conventions/annotations.ts';
import { applyDiskQuotaLabel } from './conventions/disk-quota.ts';
import { applyHostnameEnv, applySupportCgroupLabel } from './conventions/environment.ts';
import { applyJvmCgroupEnv, applyMemoryEnv } from './conventions/resources.ts';
import { DEFAULT_SETTINGS, parseSettings, type LegacyEnvSettings } from './settings.ts';

export const legacyEnvPlugin = definePlugin<LegacyEnvSettings>({
  name: 'legacy-env',
  version: '0.1.0',
  // Converting a few strings takes microseconds; a reply slower than this means something is wrong.
  hookOptions: { containerPreCreate: { timeoutMs: 1000 } },
  configure: (config) => parseSettings(config),
  hooks: {
    containerPreCreate({ config, pluginConfig, log }) {
      const settings = pluginConfig ?? DEFAULT_SETTINGS;
      applyDiskQuotaLabel(config);
      applyAnnotationLabels(config);
      applyJvmCgroupEnv(config, settings);
      applyMemoryEnv(config, settings, log);
      applyHostnameEnv(config);
      applySupportCgroupLabel(config);
      // Changed in place: the SDK replies with the whole config, or "unchanged" if nothing applied.
    },
  },
});
