// Image store failures carry a stable `code` and are domain errors (../errors.ts): the code picks
// the kind, and only the API layer turns the kind into the HTTP status Docker answers with, so
// handlers can let these through unchanged.

import { DomainError, type DomainErrorKind } from '../errors.ts';

export type ImageErrorCode =
  | 'ERR_IMAGE_NOT_FOUND' // 404: no image matches the reference (or an id prefix is ambiguous)
  | 'ERR_IMAGE_IN_USE' // 409: remove refused: a container uses it, or an id has several tags (force overrides)
  | 'ERR_IMAGE_BAD_REFERENCE' // 400: "name:tag" is not a valid reference
  | 'ERR_IMAGE_BAD_CHANGE' // 400: an import --change instruction is unknown or malformed
  | 'ERR_IMAGE_BAD_ARCHIVE' // 400: not a tar (or gzip tar), path traversal, or a docker-save tarball without a usable manifest
  | 'ERR_IMAGE_BAD_FILTER'; // 400: an image prune filter that is unknown or malformed

const KIND: Record<ImageErrorCode, DomainErrorKind> = {
  ERR_IMAGE_NOT_FOUND: 'not-found',
  ERR_IMAGE_IN_USE: 'conflict',
  ERR_IMAGE_BAD_REFERENCE: 'invalid-parameter',
  ERR_IMAGE_BAD_CHANGE: 'invalid-parameter',
  ERR_IMAGE_BAD_ARCHIVE: 'invalid-parameter',
  ERR_IMAGE_BAD_FILTER: 'invalid-parameter',
};

export class ImageError extends DomainError {
  readonly code: ImageErrorCode;

  constructor(code: ImageErrorCode, message: string, options?: { cause?: unknown }) {
    super(KIND[code], message, options);
    this.name = 'ImageError';
    this.code = code;
  }
}

export function isImageError(error: unknown, code?: ImageErrorCode): error is ImageError {
  return error instanceof ImageError && (code === undefined || error.code === code);
}
