// Which images `docker image prune` removes (POST /images/prune), with Docker's filters:
//   dangling=true   (the CLI's default) only images without a tag; dangling=false (`-a`): any image
//   until=<time>    created before it: a Unix timestamp, an RFC 3339 date, or a Go duration before now ("24h", "1h30m")
//   label=k / label=k=v, label!=k / label!=k=v   on the image config's labels
// An image any container uses (whatever its state) is never pruned. Unknown or malformed filters
// are ERR_IMAGE_BAD_FILTER naming the filter, before anything is removed.

import type { ImageRecord } from './image-store.ts';
import { ImageError } from './image-errors.ts';

export interface PruneFilters {
  [key: string]: string[];
}

const KNOWN = new Set(['dangling', 'until', 'label', 'label!']);

/** The images the filters select, none of them in use; throws before choosing when a filter is bad. */
export function selectPrunable(images: ImageRecord[], filters: PruneFilters, isInUse: (imageId: string) => boolean, nowMs = Date.now()): ImageRecord[] {
  for (const key of Object.keys(filters)) {
    if (!KNOWN.has(key)) throw new ImageError('ERR_IMAGE_BAD_FILTER', `invalid filter "${key}" for image prune (known: ${[...KNOWN].join(', ')})`);
  }
  const danglingOnly = danglingFilter(filters.dangling ?? []);
  const until = (filters.until ?? []).map((value) => parseUntil(value, nowMs));
  return images.filter((image) => {
    if (isInUse(image.Id)) return false;
    if (danglingOnly && image.RepoTags.length > 0) return false;
    const created = Date.parse(image.Created);
    if (until.some((limitMs) => !(created < limitMs))) return false;
    const labels = image.Config.Labels ?? {};
    return (filters.label ?? []).every((want) => hasLabel(labels, want)) && (filters['label!'] ?? []).every((want) => !hasLabel(labels, want));
  });
}

function danglingFilter(values: string[]): boolean {
  if (values.length === 0) return true;
  const parsed = values.map((value) => {
    if (['true', '1'].includes(value.toLowerCase())) return true;
    if (['false', '0'].includes(value.toLowerCase())) return false;
    throw new ImageError('ERR_IMAGE_BAD_FILTER', `invalid filter "dangling=${value}": expected true or false`);
  });
  return parsed.every(Boolean);
}

function hasLabel(labels: Record<string, string>, want: string): boolean {
  const at = want.indexOf('=');
  if (at < 0) return want in labels;
  return labels[want.slice(0, at)] === want.slice(at + 1);
}

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Docker's `until`: a Unix timestamp (seconds, maybe fractional), an RFC 3339 date, or a duration before now. */
export function parseUntil(value: string, nowMs: number): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const duration = /^((\d+(\.\d+)?)(ns|us|µs|ms|s|m|h))+$/.test(value) ? [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)] : undefined;
  if (duration) return nowMs - duration.reduce((sum, [, amount, unit]) => sum + Number(amount) * DURATION_UNITS[unit!]!, 0);
  const date = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(date)) return date;
  throw new ImageError('ERR_IMAGE_BAD_FILTER', `invalid filter "until=${value}": expected a Unix timestamp, an RFC 3339 date or a duration such as 24h`);
}
