// The seam between the daemon and its local image store (implemented in images/*.ts). Images
// come from `docker import` (a rootfs tarball) and `docker load` (a `docker save` tarball); a
// registry pull comes later. Each image's root filesystem is kept unpacked, and a container's
// rootfs is prepared from it (a copy, so containers never change their image).

import type { Readable } from 'node:stream';

/** What GET /images/{name}/json shows, in Docker's field names, plus where the rootfs lives. */
export interface ImageRecord {
  Id: string; // "sha256:<hex>"
  RepoTags: string[];
  Created: string; // RFC 3339
  Size: number;
  Architecture: string;
  Os: string;
  Comment: string;
  Config: ImageConfig;
  /** Host directory holding the unpacked root filesystem (not part of Docker's JSON). */
  rootfsDir: string;
}

export interface ImageConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  StopSignal?: string;
}

export interface ImportOptions {
  /** "name:tag" (tag defaults to "latest"); optional. */
  repoTag?: string;
  /** Dockerfile-like instructions from `docker import --change` ("CMD ["/bin/sh"]", "ENV A=b"). */
  changes?: string[];
  message?: string;
}

export interface ImageStore {
  importRootfs(tarball: Readable, options: ImportOptions): Promise<ImageRecord>;
  /** Loads every image in a `docker save` tarball; returns them in order. */
  load(tarball: Readable): Promise<ImageRecord[]>;
  list(): ImageRecord[];
  /** By id, id prefix, "name:tag", or "name" (= name:latest). */
  resolve(reference: string): ImageRecord | undefined;
  tag(reference: string, repoTag: string): Promise<void>;
  /** Removes a tag, or the image when no tag is left; refuses (409) when a container uses it unless forced. */
  remove(reference: string, options: { force: boolean; isInUse: (imageId: string) => boolean }): Promise<{ untagged: string[]; deleted: string[] }>;
  /** Copies the image's rootfs into `targetDir` (created), preserving modes and links. */
  prepareRootfs(image: ImageRecord, targetDir: string): Promise<void>;
}
