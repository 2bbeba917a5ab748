// What the error channel carries at the end of an exec or attach, as the clients decode it
// (k8s.io/client-go tools/remotecommand errorDecoderV4): a metav1.Status in JSON. Success is
// {"status":"Success"}; a process that exited non-zero is a Failure with reason NonZeroExitCode
// and an ExitCode cause whose message is the code in decimal (the client parses it as a uint8 and
// turns it into `command terminated with exit code N`); anything else is an InternalError whose
// message the client shows as the error.

export interface RemoteCommandStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: 'NonZeroExitCode' | 'InternalError';
  details?: { causes: { reason?: 'ExitCode'; message: string }[] };
  code?: number;
}

export function successStatus(): RemoteCommandStatus {
  return { metadata: {}, status: 'Success' };
}

/** `exitCode` is clamped to 0-255: the wire carries a process' 8-bit status. */
export function exitCodeStatus(exitCode: number, command: string[]): RemoteCommandStatus {
  const code = Math.min(255, Math.max(0, Math.trunc(exitCode)));
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command ${JSON.stringify(command)} exited with ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function internalErrorStatus(message: string): RemoteCommandStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}

/**
 * The bytes for the error channel. Protocols v4 and v5 carry the JSON status always; v1-v3 carry
 * a failure's message as plain text and nothing on success.
 */
export function encodeStatus(status: RemoteCommandStatus, protocol: string): Buffer {
  if (protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io') return Buffer.from(JSON.stringify(status));
  return Buffer.from(status.status === 'Success' ? '' : status.message ?? 'error');
}
