// The mounts this process's mount namespace has, from /proc/self/mountinfo (field 5 is the mount
// point, with spaces and other bytes escaped as \ooo octal).

import { readFile } from 'node:fs/promises';
import { execa } from 'execa';

export async function mountPoints(): Promise<Set<string>> {
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const points = new Set<string>();
  for (const line of text.split('\n')) {
    const field = line.split(' ')[4];
    if (field) points.add(field.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))));
  }
  return points;
}

export async function isMountPoint(path: string): Promise<boolean> {
  return (await mountPoints()).has(path);
}

/** umount, falling back to a lazy detach when something still holds it busy. */
export async function unmount(path: string): Promise<void> {
  const first = await execa('umount', [path], { reject: false });
  if (first.exitCode === 0) return;
  const lazy = await execa('umount', ['-l', path], { reject: false });
  if (lazy.exitCode !== 0 && (await isMountPoint(path))) throw new Error(`could not unmount ${path}: ${first.stderr.trim() || lazy.stderr.trim()}`);
}
