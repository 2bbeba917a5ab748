// The manifest's `config` for pull-policy, checked at Configure.
import { PluginRejection } from '@hookd/plugin-sdk';

export interface PullPolicySettings {
  /** Labels every pulled image must carry in its config; a pull of an image without one fails. */
  requiredLabels: string[];
  /** Snapshotters hookd should also prepare the image for (Pouch's qcow2 + overlayfs case). */
  extraSnapshotters: string[];
}

export const DEFAULT_SETTINGS: PullPolicySettings = { requiredLabels: [], extraSnapshotters: [] };

function names(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    throw new PluginRejection(`config.${field} must be a list of non-empty strings, got ${JSON.stringify(value)}`);
  }
  return value as string[];
}

export function parseSettings(config: unknown): PullPolicySettings {
  if (config === null || config === undefined) return DEFAULT_SETTINGS;
  if (typeof config !== 'object' || Array.isArray(config)) throw new PluginRejection('config must be an object such as {"requiredLabels": ["team"]}');
  const unknownKeys = Object.keys(config).filter((key) => !(key in DEFAULT_SETTINGS));
  if (unknownKeys.length > 0) throw new PluginRejection(`config has unknown field(s) ${unknownKeys.join(', ')}; known: ${Object.keys(DEFAULT_SETTINGS).join(', ')}`);
  const raw = config as Record<string, unknown>;
  return { requiredLabels: names(raw.requiredLabels, 'requiredLabels'), extraSnapshotters: names(raw.extraSnapshotters, 'extraSnapshotters') };
}
