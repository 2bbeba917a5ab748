// Shapes shared by the host's parts (manifest → supervisor → dispatch → merge) and by embedders
// such as the daemon. Behaviour lives in the files named after each step; this file only names
// things.

import type { HookCombines, HookInputs } from './generated/hook-contracts.ts';
import type { FailurePolicy, HookName } from './hooks.ts';

// ─── Manifests (docs/configuration.md is the user-facing reference) ────────────────────────────

export interface LaunchSpec {
  /** Executable to run; resolved against PATH like a shell would. */
  command: string;
  args: string[];
  /** Extra environment, added to the daemon's own environment and the HOOKD_* variables. */
  env: Record<string, string>;
  /** Working directory; defaults to the manifest file's directory. */
  cwd: string;
}

export interface TlsSpec {
  /** PEM file of the CA that signs the plugin's server certificate; enables mutual TLS with cert+key. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Name to verify in the plugin's certificate; defaults to the address's host. */
  serverName?: string;
}

export interface AttachSpec {
  /** `unix:///abs/path.sock` or `host:port` (TCP, which requires `tls`). */
  address: string;
  tls?: TlsSpec;
}

export interface RestartPolicy {
  /** Consecutive failed starts/crashes before the plugin is parked as failed. */
  maxFailures: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** A plugin that stays ready this long has its failure count reset. */
  resetAfterMs: number;
}

export interface HealthCheckSpec {
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failed checks before a ready plugin is marked degraded and then restarted. */
  failureThreshold: number;
}

export interface HookOverride {
  timeoutMs?: number;
  failurePolicy?: FailurePolicy;
}

export interface PluginManifest {
  name: string;
  /** Absolute path of the file the manifest came from ("<inline>" when built in code). */
  file: string;
  launch?: LaunchSpec;
  attach?: AttachSpec;
  /** Groups run in ascending order; same order = parallel on the same input. */
  order: number;
  /** Per-call timeout for every hook unless overridden per hook. */
  timeoutMs: number;
  /** How long Describe may take to first succeed after launch or dial. */
  startTimeoutMs: number;
  /** Overrides the hook's default failure policy for every hook of this plugin. */
  failurePolicy?: FailurePolicy;
  /** A required plugin that is down makes its hooks fail closed, whatever the policy. */
  required: boolean;
  /** JSON paths this plugin may change (docs/hooks-and-merge.md "Allow-lists"); undefined = any. */
  allowedPaths?: string[];
  /** Opaque value passed to the plugin in Configure. */
  config: unknown;
  restart: RestartPolicy;
  health: HealthCheckSpec;
  /** Most calls in flight to this plugin at once; the rest wait (within their deadline). */
  maxInFlight: number;
  hooks: Partial<Record<HookName, HookOverride>>;
  /** When false the manifest is loaded but the plugin is neither started nor called. */
  enabled: boolean;
}

// ─── Supervision ───────────────────────────────────────────────────────────────────────────────

/**
 * starting → ready → degraded / restarting → failed / stopped. Changed only through the
 * supervisor's guarded transitionTo(). Calls are served in `ready` and `degraded`.
 */
export type PluginState = 'starting' | 'ready' | 'degraded' | 'restarting' | 'failed' | 'stopping' | 'stopped';

/** What Describe told us, per hook. */
export interface HookSubscription {
  hook: HookName;
  timeoutMs?: number;
  failurePolicy?: FailurePolicy;
}

export interface PluginStatus {
  name: string;
  kind: 'launched' | 'attached';
  state: PluginState;
  /** From Describe, once known. */
  version?: string;
  protocolVersion?: string;
  hooks: HookName[];
  pid?: number;
  restarts: number;
  /** Consecutive failures counted towards crash-loop parking. */
  consecutiveFailures: number;
  lastError?: { code: string; message: string; at: string };
  since: string;
}

/** What dispatch needs from a supervised plugin. Implemented by the supervisor. */
export interface PluginHandle {
  readonly name: string;
  readonly manifest: PluginManifest;
  readonly state: PluginState;
  /** The hooks the plugin subscribed to in Describe (empty until ready once). */
  subscriptions(): ReadonlyMap<HookName, HookSubscription>;
  /**
   * Calls one RPC of hookd.v1.Plugin. Resolves with the decoded reply. Rejects with a HookdError:
   * ERR_PLUGIN_UNAVAILABLE (not ready), ERR_HOOK_TIMEOUT (deadline), ERR_HOOK_REJECTED (the plugin
   * returned an error status), ERR_HOOK_TRANSPORT (connection failure), ERR_HOOK_ABORTED (signal).
   * Waits for a free slot when maxInFlight calls are already running; the wait counts against the
   * deadline. Transport failures also tell the supervisor the plugin may be unhealthy.
   */
  call(rpc: string, request: object, options: CallOptions): Promise<unknown>;
  status(): PluginStatus;
  /**
   * True when call() always settles by options.deadline and when options.signal aborts, on its
   * own (the supervisor does). Dispatch then skips its own guard timer; a handle that does not
   * say so is guarded.
   */
  readonly enforcesDeadline?: boolean;
}

export interface CallOptions {
  /** Epoch ms after which the call is abandoned. */
  deadline: number;
  /**
   * The budget the caller gave this call (the plugin's timeout, capped by the caller's deadline),
   * for messages: a timeout says "within 500 ms", not the few ms fewer left when a later step began.
   */
  timeoutMs?: number;
  hook: HookName;
  signal?: AbortSignal;
}

// ─── Dispatch results ──────────────────────────────────────────────────────────────────────────

/** One claim recorded by the merge: `plugin` set `path` (in order group `order`). */
export interface ProvenanceEntry {
  path: string;
  plugin: string;
  order: number;
  action: 'set' | 'remove';
  /** Set when a later group overrode an earlier group's claim on the same path. */
  overrode?: string;
}

export interface OwnedOciHook {
  plugin: string;
  priority: number;
  path: string;
  args: string[];
  env: string[];
  timeoutSeconds?: number;
}

export interface RouteRef {
  method: string;
  path: string;
}

export interface RouteChanges {
  /** Routes served by a plugin through HandleHttp. */
  add: Array<RouteRef & { plugin: string }>;
  remove: Array<RouteRef & { plugin: string }>;
  wrap: Array<RouteRef & { plugin: string; before: boolean; after: boolean }>;
}

export interface SkippedPlugin {
  plugin: string;
  /** The error that the failure policy turned into a skip. */
  code: string;
  message: string;
}

export interface InvokeOptions {
  /** Correlates every plugin call of one daemon operation. Generated when absent. */
  requestId?: string;
  /** The caller's own deadline (epoch ms); no plugin call runs past it. */
  deadline?: number;
  signal?: AbortSignal;
}

/**
 * Dispatch's wire-level input (dispatch.ts): the document and the other request fields by proto
 * field name. Internal to the host: embedders pass HookInputs[hook] to invoke(), which hook-io.ts
 * turns into this.
 */
export interface HookInput {
  /** merge hooks: the document to send (JSON value), or raw bytes for hooks whose spec says raw. */
  document?: unknown;
  rawDocument?: Buffer;
  /** Other request fields, by proto field name (container_id, env, rootfs, ...). */
  fields?: Record<string, unknown>;
}

/** Dispatch's combined result, every combine mode's field optional; embedders get HookOutcome. */
export interface InvokeResult {
  hook: HookName;
  requestId: string;
  /** Plugins that were called, in order of their groups. */
  called: string[];
  skipped: SkippedPlugin[];
  /** merge hooks: the merged document; read-only, sharing with the input as MergeOutcome.document says. */
  document?: unknown;
  changed: boolean;
  provenance: ProvenanceEntry[];
  ociHooks?: OwnedOciHook[];
  routes?: RouteChanges;
  snapshotters?: string[];
}

// ─── The embedder API: typed per hook ──────────────────────────────────────────────────────────

/** What every invocation reports, whatever the hook. */
export interface InvokeOutcome<H extends HookName = HookName> {
  hook: H;
  requestId: string;
  /** Plugins that were called, in order of their groups. */
  called: string[];
  skipped: SkippedPlugin[];
}

/** COMBINE_MERGE hooks. */
export interface MergeOutcome<H extends HookName = HookName> extends InvokeOutcome<H> {
  /**
   * The merged document (the input itself when nobody changed it). Otherwise it shares every
   * object and array that no claim changed with the input (the merge copies only the containers
   * on a claim's path: document-diff.ts applyClaims), so treat both the input and the result as
   * read-only once invoke() was called; copy what you need to edit. For a raw document
   * (container.preUpdate) whose bytes are not JSON and that no plugin replaced: undefined.
   */
  document: unknown;
  changed: boolean;
  /** Who changed what (docs/hooks-and-merge.md §10). */
  provenance: ProvenanceEntry[];
}

/** COMBINE_ORDERED_LIST hooks (container.preStart): every plugin's OCI hooks, sorted. */
export interface OciHooksOutcome<H extends HookName = HookName> extends InvokeOutcome<H> {
  ociHooks: OwnedOciHook[];
  changed: boolean;
}

/** COMBINE_ROUTES hooks (api.updateHandler). */
export interface RoutesOutcome<H extends HookName = HookName> extends InvokeOutcome<H> {
  routes: RouteChanges;
  changed: boolean;
}

/** COMBINE_UNION hooks (image.postPull): the extra snapshotters, without the one unpacked into. */
export interface UnionOutcome<H extends HookName = HookName> extends InvokeOutcome<H> {
  snapshotters: string[];
  changed: boolean;
}

interface OutcomeByCombine<H extends HookName> {
  COMBINE_MERGE: MergeOutcome<H>;
  COMBINE_ORDERED_LIST: OciHooksOutcome<H>;
  COMBINE_ROUTES: RoutesOutcome<H>;
  COMBINE_UNION: UnionOutcome<H>;
  COMBINE_NOTIFY: InvokeOutcome<H>;
}

/** What invoke(hook, ...) resolves with: the shape of the hook's combine mode (from the proto). */
export type HookOutcome<H extends HookName> = OutcomeByCombine<H>[HookCombines[H]];

/** What an embedder (the daemon) calls to run a hook point. Implemented by PluginHost. */
export interface HookInvoker {
  /** Runs `hook` with its typed input (HookInputs, generated from the hook's request message). */
  invoke<H extends HookName>(hook: H, input: HookInputs[H], options?: InvokeOptions): Promise<HookOutcome<H>>;
}

// ─── HandleHttp (routes that api.updateHandler plugins added or wrapped) ───────────────────────
// The shapes mirror proto hookd.v1 HandleHttpRequest / HandleHttpResponse field for field.

export type HttpPhase = 'HTTP_PHASE_SERVE' | 'HTTP_PHASE_BEFORE' | 'HTTP_PHASE_AFTER';

export interface HttpHeader {
  name: string;
  value: string;
}

/** proto HttpRequest. */
export interface ForwardedHttpRequest {
  method: string;
  /** As received, without the /v1.NN prefix. */
  path: string;
  /** Raw query string without "?". */
  query: string;
  headers: HttpHeader[];
  body: Buffer;
  route_path: string;
  path_params: Record<string, string>;
}

/** proto HttpResponse. */
export interface ForwardedHttpResponse {
  status: number;
  headers: HttpHeader[];
  body: Buffer;
}

/** proto HandleHttpRequest. */
export interface HandleHttpCall {
  phase: HttpPhase;
  request: ForwardedHttpRequest;
  /** HTTP_PHASE_AFTER only: the daemon's answer. */
  response?: ForwardedHttpResponse;
}

/** proto HandleHttpResponse: both unset = continue unchanged. */
export interface HandleHttpReply {
  request?: ForwardedHttpRequest;
  response?: ForwardedHttpResponse;
}
