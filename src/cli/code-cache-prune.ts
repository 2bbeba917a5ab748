// The code caches of bundles that are gone. One cache file is kept per bundle path, so every
// checkout, clean clone or package install that ran a daemon leaves one (≈ 1.2 MB) in the shared
// folder; when the daemon writes its own cache it also removes those whose bundle no longer exists,
// and the temp files of writes that died half-way. Best effort: a file it cannot read or remove stays.

import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readCodeCacheBundle } from './code-cache-file.ts';

/** A temp file older than this belongs to a write that died (a write takes milliseconds). */
const STALE_TEMP_MS = 10 * 60_000;

/** Removes, in `dir`, caches of bundles that no longer exist and stale temp files, never `keep`; returns the names removed. */
export function pruneCodeCaches(dir: string, keep: string, now = Date.now()): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === keep || !name.startsWith('hookd-')) continue;
    try {
      const gone = name.endsWith('.tmp')
        ? now - statSync(path).mtimeMs > STALE_TEMP_MS
        : name.endsWith('.v8cache') && !existsSync(readCodeCacheBundle(path) ?? '/');
      if (!gone) continue;
      rmSync(path, { force: true });
      removed.push(name);
    } catch {
      continue; // unreadable, or removed meanwhile by another daemon: nothing to do
    }
  }
  return removed;
}
