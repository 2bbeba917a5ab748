// Every failure the host reports is a HookdError with a stable `code`. Messages are built here and
// only here, so each code has one wording and one line saying when it happens. Tests assert on
// codes; operators read messages, which always name the plugin (and hook, path or file) at fault.

export type HookdErrorCode = keyof typeof MESSAGES;

export interface HookdErrorDetails {
  plugin?: string;
  hook?: string;
  /** A manifest file, a JSON path, a route: whatever else the message names. */
  [key: string]: unknown;
}

const MESSAGES = {
  // A manifest file is unreadable, not JSON, or has a field of the wrong type or value.
  ERR_MANIFEST_INVALID: (d: D) => `manifest ${d.file}: ${d.field ? `field "${d.field}" ` : ''}${d.reason}`,
  // A manifest or the plugins directory could be changed by someone other than root or the daemon's
  // user (owner, or group/other write bits on it or a directory above it): like sshd's StrictModes.
  ERR_MANIFEST_UNTRUSTED: (d: D) => `${d.kind} ${d.file} (${d.stat}) is refused: ${d.reason}. Anyone who can change it can make the daemon run a command as its user; fix: ${d.fix}`,
  // Two manifests declare the same plugin name.
  ERR_MANIFEST_DUPLICATE: (d: D) => `manifests ${d.file} and ${d.other} both declare plugin "${d.plugin}"`,
  // The plugin did not answer Describe within its start timeout.
  ERR_PLUGIN_START_TIMEOUT: (d: D) => `plugin "${d.plugin}" did not become ready within ${d.timeoutMs} ms (no successful Describe)${d.reason ? `: ${d.reason}` : ''}`,
  // The launched process exited (before ready, or later).
  ERR_PLUGIN_EXITED: (d: D) => `plugin "${d.plugin}" exited ${d.exit}${d.stderrTail ? `; last stderr: ${d.stderrTail}` : ''}`,
  // The launched process could not be spawned at all (no such file, not executable).
  ERR_PLUGIN_SPAWN_FAILED: (d: D) => `plugin "${d.plugin}" could not be started: ${d.reason}`,
  // Describe answered, but the plugin and host share no protocol version.
  ERR_PLUGIN_PROTOCOL_MISMATCH: (d: D) => `plugin "${d.plugin}" speaks protocol versions [${d.pluginVersions}] but the host speaks [${d.hostVersions}]`,
  // Describe's answer is unusable (unknown hook, empty name).
  ERR_PLUGIN_BAD_DESCRIBE: (d: D) => `plugin "${d.plugin}" answered Describe badly: ${d.reason}`,
  // Configure returned an error.
  ERR_PLUGIN_CONFIGURE_FAILED: (d: D) => `plugin "${d.plugin}" rejected its configuration: ${d.reason}`,
  // The plugin crashed or failed to start too often in a row and is parked.
  ERR_PLUGIN_CRASH_LOOP: (d: D) => `plugin "${d.plugin}" is parked after ${d.failures} failed starts in a row; last error: ${d.reason}`,
  // A hook needs a plugin that is not ready (starting, restarting, failed, stopped).
  ERR_PLUGIN_UNAVAILABLE: (d: D) => `plugin "${d.plugin}" is ${d.state} and cannot serve ${d.hook}${d.reason ? ` (${d.reason})` : ''}`,
  // A call names a plugin that no manifest in force declares (a reload removed it).
  ERR_PLUGIN_NOT_LOADED: (d: D) => `plugin "${d.plugin}" is not loaded and cannot serve ${d.hook}`,
  // Same, for a plugin the manifest marks required: its hooks fail closed whatever the policy.
  ERR_PLUGIN_REQUIRED_UNAVAILABLE: (d: D) => `required plugin "${d.plugin}" is ${d.state}, so ${d.hook} fails closed${d.reason ? ` (${d.reason})` : ''}`,
  // One call exceeded the plugin's timeout (or what was left of the caller's deadline).
  ERR_HOOK_TIMEOUT: (d: D) => `plugin "${d.plugin}" did not answer ${d.hook} within ${d.timeoutMs} ms`,
  // The caller's own deadline passed or it aborted before the call could be made.
  ERR_HOOK_ABORTED: (d: D) => `${d.hook} was abandoned before plugin "${d.plugin}" answered: ${d.reason}`,
  // The plugin returned a gRPC error on purpose: it refuses the operation.
  ERR_HOOK_REJECTED: (d: D) => `plugin "${d.plugin}" rejected ${d.hook}: ${d.reason}`,
  // The transport failed mid-call (connection reset, plugin died during the call).
  ERR_HOOK_TRANSPORT: (d: D) => `plugin "${d.plugin}" could not be reached for ${d.hook}: ${d.reason}`,
  // The reply is not usable: not JSON, wrong JSON type, too large, malformed OCI hook, bad route.
  ERR_HOOK_BAD_REPLY: (d: D) => `plugin "${d.plugin}" returned an invalid ${d.hook} reply${d.field ? ` (${d.field})` : ''}: ${d.reason}`,
  // Two plugins of one order group set the same path to different values.
  ERR_MERGE_CONFLICT: (d: D) => `plugins "${d.plugin}" and "${d.other}" both tried to set ${d.path}`,
  // A plugin changed a path outside its manifest's allowedPaths.
  ERR_PATH_NOT_ALLOWED: (d: D) => `plugin "${d.plugin}" may not change ${d.path} in ${d.hook} (allowed: ${d.allowed})`,
  // Two plugins claim the same HTTP route in UpdateHandler.
  ERR_ROUTE_CONFLICT: (d: D) => `plugins "${d.plugin}" and "${d.other}" both claim route ${d.route}`,
  // An input the host was asked to dispatch is not what the hook takes (a bug in the caller).
  ERR_HOOK_BAD_INPUT: (d: D) => `${d.hook}: bad input: ${d.reason}`,
} satisfies Record<string, (d: D) => string>;

type D = HookdErrorDetails;

export class HookdError extends Error {
  readonly code: HookdErrorCode;
  readonly plugin: string | undefined;
  readonly hook: string | undefined;
  readonly details: HookdErrorDetails;

  constructor(code: HookdErrorCode, details: HookdErrorDetails = {}, options: { cause?: unknown } = {}) {
    super(MESSAGES[code](details), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HookdError';
    this.code = code;
    this.plugin = details.plugin;
    this.hook = details.hook;
    this.details = details;
  }
}

export function isHookdError(error: unknown, code?: HookdErrorCode): error is HookdError {
  return error instanceof HookdError && (code === undefined || error.code === code);
}
