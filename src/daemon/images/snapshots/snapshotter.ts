// A snapshotter turns an image's unpacked tree (the committed, read-only snapshot every
// container of that image shares) into one container's writable root filesystem, and takes it
// away again. `overlayfs` mounts the image tree as the lower layer under a per-container upper
// dir, so creating a container costs the same for any image size; `copy` copies the tree (the
// fallback where overlayfs cannot mount, e.g. without root or on a filesystem it refuses).

export type SnapshotterName = 'overlayfs' | 'copy';

export interface Snapshotter {
  readonly name: SnapshotterName;
  /** Makes `targetDir` (created) the container's rootfs over the image tree `imageDir`. */
  prepare(imageDir: string, targetDir: string): Promise<void>;
  /** Undoes prepare's mount, if any (idempotent); the caller then removes the container dir. */
  release(targetDir: string): Promise<void>;
  /** After a restart or reboot: mounts again what a live container needs and is not mounted. */
  ensure(imageDir: string, targetDir: string): Promise<void>;
}

export const SNAPSHOTTERS: readonly SnapshotterName[] = ['overlayfs', 'copy'];
