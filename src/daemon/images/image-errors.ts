// Image store failures carry a stable `code` and the HTTP `status` Docker answers with; the API's
// describeError() reads `status`, so handlers can let these through unchanged.

export type ImageErrorCode =
  | 'ERR_IMAGE_NOT_FOUND' // 404: no image matches the reference (or an id prefix is ambiguous)
  | 'ERR_IMAGE_IN_USE' // 409: remove refused: a container uses it, or an id has several tags (force overrides)
  | 'ERR_IMAGE_BAD_REFERENCE' // 400: "name:tag" is not a valid reference
  | 'ERR_IMAGE_BAD_CHANGE' // 400: an import --change instruction is unknown or malformed
  | 'ERR_IMAGE_BAD_ARCHIVE'; // 400: not a tar (or gzip tar), path traversal, or a docker-save tarball without a usable manifest

const STATUS: Record<ImageErrorCode, number> = {
  ERR_IMAGE_NOT_FOUND: 404,
  ERR_IMAGE_IN_USE: 409,
  ERR_IMAGE_BAD_REFERENCE: 400,
  ERR_IMAGE_BAD_CHANGE: 400,
  ERR_IMAGE_BAD_ARCHIVE: 400,
};

export class ImageError extends Error {
  readonly code: ImageErrorCode;
  readonly status: number;

  constructor(code: ImageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageError';
    this.code = code;
    this.status = STATUS[code];
  }
}

export function isImageError(error: unknown, code?: ImageErrorCode): error is ImageError {
  return error instanceof ImageError && (code === undefined || error.code === code);
}
