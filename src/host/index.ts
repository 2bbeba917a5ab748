// The host library's public API. Embedders (the daemon) import from here only.

export { PluginHost, UnknownPluginError, type PluginHostOptions, type ReconcileResult } from './plugin-host.ts';
export { DEFAULT_PARKED_RETRY } from './park-retry.ts';
export type { StateChange } from './plugin-state.ts';
export { HookdError, isHookdError, type HookdErrorCode, type HookdErrorDetails } from './errors.ts';
export { HOOKS, HOST_PROTOCOL_VERSIONS, hookByProtoEnum, hookSpec, isHookName } from './hooks.ts';
export type { CombineMode, FailurePolicy, HookName, HookSpec } from './hooks.ts';
export { loadManifests, parseManifest } from './manifest.ts';
// The one ordering rule of OCI prestart hooks, for embedders that add their own (the daemon's network hook).
export { sortOciHooks } from './oci-hooks.ts';
export type { HookInputs } from './generated/hook-contracts.ts';
export type { HandleHttpOptions } from './handle-http.ts';
// Everything in types.ts but dispatch's wire-level HookInput and InvokeResult (internal).
export type {
  AttachSpec, CallOptions, ForwardedHttpRequest, ForwardedHttpResponse, HandleHttpCall, HandleHttpReply, HealthCheckSpec,
  HookInvoker, HookOutcome, HookOverride, HookSubscription, HttpHeader, HttpPhase, InvokeOptions, InvokeOutcome, LaunchSpec,
  MergeOutcome, OciHooksOutcome, OwnedOciHook, PluginHandle, PluginManifest, PluginState, PluginStatus, ProvenanceEntry,
  RestartPolicy, RouteChanges, RouteRef, RoutesOutcome, SkippedPlugin, TlsSpec, UnionOutcome,
} from './types.ts';
