// The container's env written into its rootfs on update, like the pouchenv.sh of Alibaba's
// PostUpdate plugin: /etc/profile.d/hookd-env.sh with one `export NAME='value'` line per variable,
// so login shells inside the container see the updated env.

import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const ENV_FILE = 'etc/profile.d/hookd-env.sh';

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Single quotes make every byte literal; an embedded ' becomes '\'' . */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Variables whose names are not shell identifiers cannot be exported and are left out. */
export function renderEnvFile(env: string[]): string {
  const lines = ['# Written by hookd on container update; do not edit.'];
  for (const entry of env) {
    const index = entry.indexOf('=');
    const name = index < 0 ? entry : entry.slice(0, index);
    if (!SHELL_NAME.test(name)) continue;
    lines.push(`export ${name}=${shellQuote(index < 0 ? '' : entry.slice(index + 1))}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the file atomically; returns a function that puts back what was there before. */
export async function writeEnvFile(rootfs: string, env: string[]): Promise<() => Promise<void>> {
  const path = join(rootfs, ENV_FILE);
  const previous = await readFile(path).catch(() => undefined);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, renderEnvFile(env), { mode: 0o644 });
  await rename(temp, path);
  return async () => {
    if (previous === undefined) await rm(path, { force: true });
    else await writeFile(path, previous);
  };
}
