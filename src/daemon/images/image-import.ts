// `docker import` (a rootfs tarball becomes a one-layer image) and `docker load` (a `docker save`
// tarball, its images and their layers), on top of the store's work dirs and commit step
// (LocalImageStore gives both through ImportSink). Both read an untrusted tarball: it is saved to
// the work dir first, then unpacked and applied through the in-root module (src/daemon/rootfs).

import { createHash } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ImageConfig, ImageRecord, ImportOptions } from './image-store.ts';
import { applyChanges } from './image-changes.ts';
import { ImageError } from './image-errors.ts';
import { normalizeRepoTag, requireRepoTag } from './image-reference.ts';
import { readDockerArchive } from './docker-archive.ts';
import { withRootDir } from '../rootfs/in-root.ts';
import { applyLayer, unpackTar } from './layer-apply.ts';
import { saveStream } from './tar-archive.ts';

/** The record fields an import or load decides; the store adds Id, RepoTags, Size and where the rootfs is. */
export type CommitFields = Omit<ImageRecord, 'Id' | 'RepoTags' | 'Size' | 'rootfsDir' | 'Config'> & { Config: ImageConfig };

/** What import and load need from the store. */
export interface ImportSink {
  /** True when an image with this hex id is stored (its content is not unpacked again). */
  has(hex: string): boolean;
  /** Runs `run` in a fresh work dir under the store, removed afterwards whatever happens. */
  inWorkDir<T>(run: (work: string) => Promise<T>): Promise<T>;
  /** Makes the unpacked tree image `hex` (or re-tags the existing one) and gives it `tags`. */
  commit(hex: string, unpacked: string, fields: CommitFields, tags: string[]): Promise<ImageRecord>;
}

const ARCHITECTURES: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

export async function importRootfs(sink: ImportSink, tarball: Readable, options: ImportOptions): Promise<ImageRecord> {
  // Validate what the caller said before reading a possibly large body.
  const repoTag = options.repoTag ? requireRepoTag(options.repoTag) : undefined;
  const config = applyChanges({}, options.changes ?? []);
  return sink.inWorkDir(async (work) => {
    const tarPath = join(work, 'rootfs.tar');
    const { sha256 } = await saveStream(tarball, tarPath);
    const base = { architecture: architecture(), os: 'linux', comment: options.message ?? '', config };
    // Deterministic id: the same tarball with the same changes is the same image (re-tagged).
    const hex = sha256Hex(JSON.stringify({ ...base, rootfs: { type: 'layers', diff_ids: [`sha256:${sha256}`] } }));
    const rootfs = join(work, 'rootfs');
    if (!sink.has(hex)) {
      await mkdir(rootfs);
      // Docker applies an imported tarball as a layer: whiteouts apply, every path stays in the root.
      await withRootDir(rootfs, (root) => applyLayer(root, { hostPath: tarPath }, 'the imported tarball'));
    }
    return sink.commit(hex, rootfs, {
      Created: new Date().toISOString(), Architecture: base.architecture, Os: base.os, Comment: base.comment, Config: config,
    }, repoTag ? [repoTag] : []);
  });
}

export async function loadArchive(sink: ImportSink, tarball: Readable): Promise<ImageRecord[]> {
  return sink.inWorkDir(async (work) => {
    const tarPath = join(work, 'archive.tar');
    await saveStream(tarball, tarPath);
    const archiveDir = join(work, 'archive');
    await mkdir(archiveDir);
    return withRootDir(archiveDir, async (archive) => {
      await unpackTar(archive, () => open(tarPath, 'r'), 'the loaded tarball');
      const loaded: ImageRecord[] = [];
      for (const [index, image] of (await readDockerArchive(archive)).entries()) {
        const tags = image.repoTags.map((tag) => {
          const normal = normalizeRepoTag(tag);
          if (!normal) throw new ImageError('ERR_IMAGE_BAD_ARCHIVE', `manifest.json entry ${index}: invalid RepoTag "${tag}"`);
          return normal;
        });
        const rootfs = join(work, `rootfs-${index}`);
        if (!sink.has(image.hex)) {
          await mkdir(rootfs);
          await withRootDir(rootfs, async (root) => {
            for (const [n, layer] of image.layers.entries()) {
              await applyLayer(root, { archive, path: layer }, `layer ${n + 1}/${image.layers.length} of image ${tags[0] ?? image.hex.slice(0, 12)}`);
            }
          });
        }
        loaded.push(await sink.commit(image.hex, rootfs, {
          Created: image.created, Architecture: image.architecture, Os: image.os, Comment: image.comment, Config: image.config,
        }, tags));
      }
      return loaded;
    });
  });
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function architecture(): string {
  return ARCHITECTURES[process.arch] ?? process.arch;
}
