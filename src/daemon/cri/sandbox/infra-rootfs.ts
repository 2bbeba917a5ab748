// The infra process's root filesystem, which hookd makes itself so that a pod needs no image: a
// few empty directories and mount targets, with Debian's static catatonit bind-mounted read-only
// at INFRA_BINARY. catatonit -P ("pause" mode) sleeps as the pod's pid 1 until it is signalled,
// reaping zombies when the pod shares its PID namespace; being static, it needs nothing else
// from the rootfs.

import { access, constants, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemError } from '../../errors.ts';
import type { RootfsSource } from '../../containers/create-container.ts';

/** Where Debian's catatonit package installs the static binary. */
export const CATATONIT_PATH = '/usr/bin/catatonit';
/** Its path inside the infra rootfs. */
export const INFRA_BINARY = '/.hookd/catatonit';
/** Config.Image of an infra container (ps and inspect show it; no image has this name). */
export const INFRA_IMAGE_NAME = 'hookd-infra (catatonit, no image)';

const DIRS = ['proc', 'sys', 'dev', 'etc', 'tmp', 'run', '.hookd'];
const FILES = ['etc/resolv.conf', 'etc/hosts', 'etc/hostname', '.hookd/catatonit'];

/** Throws a system error naming the package when catatonit is missing (the pod cannot start without it). */
export async function checkCatatonit(path = CATATONIT_PATH): Promise<void> {
  try {
    await access(path, constants.X_OK);
  } catch (error) {
    throw systemError(`the pod infra binary ${path} is missing or not executable: install Debian's catatonit package (apt-get install catatonit)`, { cause: error });
  }
}

/**
 * The rootfs source for the container manager. Only fixed names are created below `targetDir`,
 * a directory the manager has just made for this container, so no path here comes from a request.
 */
export function infraRootfs(): RootfsSource {
  return {
    name: INFRA_IMAGE_NAME,
    async prepare(targetDir) {
      for (const dir of DIRS) await mkdir(join(targetDir, dir), { recursive: true, mode: 0o755 });
      for (const file of FILES) await writeFile(join(targetDir, file), '', { mode: 0o644 });
    },
  };
}

/** The Binds entry that puts catatonit into the infra's rootfs, read-only. */
export function infraBind(catatonit = CATATONIT_PATH): string {
  return `${catatonit}:${INFRA_BINARY}:ro`;
}
