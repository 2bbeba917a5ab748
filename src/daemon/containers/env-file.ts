// The container's env written into its rootfs on update, like the pouchenv.sh of Alibaba's
// PostUpdate plugin: /etc/profile.d/hookd-env.sh with one `export NAME='value'` line per variable,
// so login shells inside the container see the updated env.
//
// The rootfs belongs to the container, which may have replaced /etc/profile.d (or the file) with a
// symlink to a host path: every read and write here goes through the in-root module, so links are
// resolved inside the rootfs and the host is never read or written (docs/security.md).

import { withRootDir } from '../rootfs/in-root.ts';

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

/** Bigger than any env file we write; a container's multi-gigabyte file is not read into memory. */
const MAX_PREVIOUS_BYTES = 4 * 1024 * 1024;

/** What was at the env file's name before a write: nothing, a file's bytes, or a symlink's target. */
type Previous = undefined | { content: Buffer } | { link: string };

/**
 * Writes the file atomically inside `rootfs` (replacing whatever entry has its name, a symlink
 * included); returns a function that puts back exactly what was there before: the file's bytes,
 * the symlink, or nothing. Reads, writes and the rollback each resolve the path inside the rootfs.
 */
export async function writeEnvFile(rootfs: string, env: string[]): Promise<() => Promise<void>> {
  const previous = await withRootDir(rootfs, async (root): Promise<Previous> => {
    const stats = await root.lstat(ENV_FILE);
    const old: Previous = stats === undefined ? undefined
      : stats.isSymbolicLink() ? { link: await root.readlink(ENV_FILE) }
        : { content: await root.readFile(ENV_FILE, { maxBytes: MAX_PREVIOUS_BYTES }) };
    await root.writeFileAtomic(ENV_FILE, renderEnvFile(env), { mode: 0o644, createParents: true });
    return old;
  });
  return () => withRootDir(rootfs, async (root) => {
    if (previous === undefined) return void (await root.removeAll(ENV_FILE));
    if ('content' in previous) return root.writeFileAtomic(ENV_FILE, previous.content, { mode: 0o644, createParents: true });
    await root.removeAll(ENV_FILE);
    await root.symlink(previous.link, ENV_FILE);
  });
}
