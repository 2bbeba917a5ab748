// Label DiskQuota="/mnt=10g;.*=100g" → DiskQuota {"/mnt": "10g", ".*": "100g"}.
//
// alidocker carried per-path disk quotas in a label because its API had no field for them; Pouch
// has `DiskQuota` (path regexp → size). Entries given in the DiskQuota field itself win over the
// label's, so a client that already speaks Pouch is never overridden.
import { getLabel, PluginRejection, type ContainerCreateConfig } from '@hookd/plugin-sdk';
import { isSize } from '../sizes.ts';

export const DISK_QUOTA_LABEL = 'DiskQuota';

export function applyDiskQuotaLabel(config: ContainerCreateConfig): void {
  const label = getLabel(config, DISK_QUOTA_LABEL);
  if (label === undefined || label.trim() === '') return;

  const fromLabel = parseDiskQuota(label);
  const explicit = config.DiskQuota ?? {};
  config.DiskQuota = { ...fromLabel, ...explicit };
}

/** Parses "<path regexp>=<size>;..." and refuses anything else with the offending entry quoted. */
export function parseDiskQuota(label: string): Record<string, string> {
  const quotas: Record<string, string> = {};
  const entries = label.split(';').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries) {
    const equals = entry.lastIndexOf('=');
    const path = entry.slice(0, Math.max(equals, 0)).trim();
    const size = entry.slice(equals + 1).trim();
    const problem =
      equals <= 0 || path === '' ? 'is not "<path regexp>=<size>"'
        : !isSize(size) ? `has size "${size}", which is not a size such as 512m, 10g or 1t`
          : !isRegExp(path) ? `has path "${path}", which is not a valid regular expression`
            : undefined;
    if (problem) {
      throw new PluginRejection(
        `label ${DISK_QUOTA_LABEL}="${label}": entry "${entry}" ${problem}; write it like "/mnt=10g;.*=100g"`,
      );
    }
    quotas[path] = size;
  }
  return quotas;
}

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false; // the constructor's SyntaxError is the answer we wanted
  }
}
