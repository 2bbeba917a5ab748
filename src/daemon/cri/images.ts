// ImageService: ListImages, ImageStatus, PullImage, RemoveImage, ImageFsInfo over the daemon's image
// store and puller, the same ones `docker pull`/`docker images` use (DESIGN.md §7). A CRI pull is
// a registry pull through images/pull/, so image.postPull fires for it as for the Docker API.
//
// What the kubelet expects, as containerd's CRI plugin answers:
// - Image.id is the config digest ("sha256:<hex>"); PullImage's image_ref is that same id.
// - repo_tags and repo_digests are fully qualified ("docker.io/library/busybox:latest"), where the
//   store keeps Docker's familiar form ("busybox:latest").
// - ImageStatus of an unknown image answers an empty image, not NOT_FOUND; RemoveImage of an
//   unknown image succeeds (idempotence). RemoveImage by any one name removes the image with all
//   its names, as containerd does (Docker's untag-one-name rule is the Docker API's).

import { toCriImage, toImageInfo } from './image-fields.ts';
import { imageFsUsageMeter } from './image-fs-usage.ts';
import { credentialsFromAuthConfig } from './image-auth.ts';
import { CriError, invalidField } from './status.ts';
import type { CriHandlerModule } from './handlers.ts';
import { isImageError } from '../images/image-errors.ts';
import type { ImageRecord, ImageStore } from '../images/image-store.ts';
import { SILENT_PROGRESS } from '../images/pull/pull-progress.ts';
import * as grpc from '@grpc/grpc-js';
import { join } from 'node:path';

/** The store's image for a CRI reference (tag, digest reference, id), or undefined. */
function findImage(images: ImageStore, reference: string): ImageRecord | undefined {
  if (reference.trim() === '') return undefined;
  return images.resolve(reference);
}

export const imageHandlers: CriHandlerModule = (deps) => {
  const measureImageFs = imageFsUsageMeter(join(deps.settings.dataRoot, 'images'));
  return {
    async ListImages(request) {
      const wanted = request.filter?.image?.image ?? '';
      const records = wanted === '' ? deps.images.list() : [findImage(deps.images, wanted)].filter((image) => image !== undefined);
      return { images: records.map(toCriImage) };
    },

    async ImageStatus(request) {
      const reference = request.image?.image ?? '';
      if (reference === '') throw invalidField('image.image', 'is empty: name the image by tag, digest reference or id');
      const image = findImage(deps.images, reference);
      if (!image) return {}; // the CRI's "not present": no image, no error
      return { image: toCriImage(image), info: request.verbose ? toImageInfo(image) : {} };
    },

    async PullImage(request, context) {
      const reference = request.image?.image ?? '';
      if (reference === '') throw invalidField('image.image', 'is empty: name the image to pull');
      const puller = deps.puller;
      if (!puller) throw new CriError(grpc.status.FAILED_PRECONDITION, 'this daemon was started without registry pulls (no content store)');
      const credentials = credentialsFromAuthConfig(request.auth);
      // A reference the parser refuses names the request field, as every INVALID_ARGUMENT does.
      const resolved = await puller.resolve({ reference, ...(credentials ? { credentials } : {}), signal: context.signal }).catch((error: unknown) => {
        throw isImageError(error, 'ERR_IMAGE_BAD_REFERENCE') ? invalidField('image.image', (error as Error).message) : error;
      });
      const { image } = await puller.complete(resolved, SILENT_PROGRESS, context.signal);
      return { image_ref: image.Id };
    },

    async RemoveImage(request) {
      const reference = request.image?.image ?? '';
      if (reference === '') throw invalidField('image.image', 'is empty: name the image to remove');
      const image = findImage(deps.images, reference);
      if (!image) return {};
      // By id with force: every name goes. An image a container still uses is only untagged (its
      // tree stays under the container's rootfs), which is what the store does for a forced remove.
      // A concurrent RemoveImage that got there first is success too (idempotence).
      try {
        await deps.images.remove(image.Id, { force: true, isInUse: (imageId) => deps.containers.isImageInUse(imageId) });
      } catch (error) {
        if (!isImageError(error, 'ERR_IMAGE_NOT_FOUND')) throw error;
      }
      return {};
    },

    async ImageFsInfo() {
      return { image_filesystems: [await measureImageFs()], container_filesystems: [] };
    },
  };
};
