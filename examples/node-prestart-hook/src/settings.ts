// The manifest's `config` for record-start, checked at Configure.
import { PluginRejection } from '@hookd/plugin-sdk';

export interface RecordStartSettings {
  /** Where the hook appends "started <id>"; relative paths are inside the container's bundle. */
  markerFile: string;
  /**
   * OCI hook priority. Higher runs earlier and the daemon's network hook is 0, so the default
   * -100 runs after the container's network is set up (Pouch's convention for such hooks).
   */
  priority: number;
  /** Seconds before the runtime kills the hook (and fails the start). */
  timeoutSeconds: number;
}

export const DEFAULT_SETTINGS: RecordStartSettings = { markerFile: 'hookd-started.log', priority: -100, timeoutSeconds: 5 };

export function parseSettings(config: unknown): RecordStartSettings {
  if (config === null || config === undefined) return DEFAULT_SETTINGS;
  if (typeof config !== 'object' || Array.isArray(config)) {
    throw new PluginRejection('config must be an object such as {"markerFile": "hookd-started.log"}');
  }
  const settings = { ...DEFAULT_SETTINGS, ...(config as Partial<RecordStartSettings>) };
  const unknownKeys = Object.keys(config).filter((key) => !(key in DEFAULT_SETTINGS));
  if (unknownKeys.length > 0) {
    throw new PluginRejection(`config has unknown field(s) ${unknownKeys.join(', ')}; known: ${Object.keys(DEFAULT_SETTINGS).join(', ')}`);
  }
  if (typeof settings.markerFile !== 'string' || settings.markerFile.trim() === '') {
    throw new PluginRejection('config.markerFile must be a non-empty path (relative paths are inside the container bundle)');
  }
  if (!Number.isInteger(settings.priority)) throw new PluginRejection(`config.priority must be an integer, got ${JSON.stringify(settings.priority)}`);
  if (!Number.isInteger(settings.timeoutSeconds) || settings.timeoutSeconds < 1) {
    throw new PluginRejection(`config.timeoutSeconds must be a whole number >= 1, got ${JSON.stringify(settings.timeoutSeconds)}`);
  }
  return settings;
}
