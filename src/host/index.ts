// The host library's public API. Embedders (the daemon) import from here only.

export { PluginHost, UnknownPluginError, type PluginHostOptions, type ReconcileResult } from './plugin-host.ts';
export { DEFAULT_PARKED_RETRY } from './park-retry.ts';
export type { StateChange } from './plugin-state.ts';
export { HookdError, isHookdError, type HookdErrorCode, type HookdErrorDetails } from './errors.ts';
export { HOOKS, HOST_PROTOCOL_VERSIONS, hookByProtoEnum, hookSpec, isHookName } from './hooks.ts';
export type { CombineMode, FailurePolicy, HookName, HookSpec } from './hooks.ts';
export { loadManifests, parseManifest } from './manifest.ts';
export type * from './types.ts';
