// Failures of an in-root file operation. Each names the root and the path inside it (as the
// container would see it, "/etc/profile.d"), and keeps the system error as `cause` and `errno`.

export type RootfsErrorCode =
  | 'ERR_ROOTFS_NOT_FOUND' // a component of the path, or the entry itself, does not exist
  | 'ERR_ROOTFS_NOT_A_DIRECTORY' // a component that must be a directory is a file, device, ...
  | 'ERR_ROOTFS_NOT_A_FILE' // readFile met a directory, FIFO, socket or device (never opened: a FIFO would hang the daemon)
  | 'ERR_ROOTFS_TOO_MANY_LINKS' // more than 40 symlinks followed (a loop), or an entry that keeps changing under a walk
  | 'ERR_ROOTFS_BAD_PATH' // the path names the root itself where an entry is needed, or ends in "." / ".."
  | 'ERR_ROOTFS_TOO_LARGE' // readFile met a file larger than the caller's maxBytes
  | 'ERR_ROOTFS_CLOSED' // the RootDir was closed
  | 'ERR_ROOTFS_TOOL_MISSING' // an operation Node cannot do itself needs a tool that is not installed (setfattr: package "attr")
  | 'ERR_ROOTFS_BAD_XATTR' // an xattr name or value Linux cannot hold (empty, no namespace, NUL, too long)
  | 'ERR_ROOTFS_IO'; // any other system error (see errno)

export class RootfsError extends Error {
  readonly code: RootfsErrorCode;
  /** The system error code (ENOENT, EEXIST, ELOOP, ...) when one caused this. */
  readonly errno: string | undefined;

  constructor(code: RootfsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RootfsError';
    this.code = code;
    this.errno = (options?.cause as NodeJS.ErrnoException | undefined)?.code;
  }
}

export function isRootfsError(error: unknown, code?: RootfsErrorCode): error is RootfsError {
  return error instanceof RootfsError && (code === undefined || error.code === code);
}

/** Wraps a system error of `op` on `/inner` of `root`; ENOENT and ENOTDIR get their own codes. */
export function systemError(op: string, root: string, inner: string, cause: unknown): RootfsError {
  if (cause instanceof RootfsError) return cause;
  const errno = (cause as NodeJS.ErrnoException).code;
  const code: RootfsErrorCode = errno === 'ENOENT' ? 'ERR_ROOTFS_NOT_FOUND' : errno === 'ENOTDIR' ? 'ERR_ROOTFS_NOT_A_DIRECTORY' : 'ERR_ROOTFS_IO';
  return new RootfsError(code, `${op} ${inner} inside ${root}: ${(cause as Error).message.replace(/, \w+ '\/proc\/self\/fd\/[^']*'/, '')}`, { cause });
}
