// Crash-safe file replacement, shared by the record store and the runtime shim's exit file.
// Contract: when writeFileAtomic resolves, `path` holds exactly `data` on disk, and at no moment
// (crash included) does a reader see a torn file: it sees the old content or the new one.

import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temp files start with this prefix so a loader can recognise (and clean) leftovers of a crash. */
export const TEMP_PREFIX = '.tmp-';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  // Same directory as the target: rename(2) is atomic only within one filesystem.
  const temp = join(dir, `${TEMP_PREFIX}${basename(path)}-${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined); // best effort; a leftover is cleaned at next load
    throw error;
  }
  await handle.close();
  await rename(temp, path);
  await syncDirectory(dir);
}

/** fsync of a directory makes a rename or unlink in it durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
