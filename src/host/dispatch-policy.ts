// Who is called for a hook, with which timeout, and what a failure does (docs/hooks-and-merge.md
// "Timeouts", "Failure policy", "Required plugins"). Pure decisions over manifests, subscriptions
// and plugin states; dispatch.ts does the calling.

import { HookdError, isHookdError } from './errors.ts';
import { hookSpec, type FailurePolicy, type HookName, type HookSpec } from './hooks.ts';
import type { HookSubscription, PluginHandle, PluginManifest, PluginState } from './types.ts';

/** One plugin taking part in one dispatch, with its effective settings for this hook. */
export interface Participant {
  readonly handle: PluginHandle;
  readonly name: string;
  readonly order: number;
  readonly timeoutMs: number;
  readonly policy: FailurePolicy;
  readonly required: boolean;
}

/** States in which a plugin serves calls (types.ts PluginState). */
export function isServing(state: PluginState): boolean {
  return state === 'ready' || state === 'degraded';
}

/**
 * States in which a plugin is called anyway: starting or restarting, its calls wait for it to be
 * ready within their deadline (ready-wait.ts) instead of failing at once.
 */
export function isCallable(state: PluginState): boolean {
  return isServing(state) || state === 'starting' || state === 'restarting';
}

/**
 * Per-call timeout, first that applies:
 * 1. the manifest's `hooks.<hook>.timeoutMs` (the operator's word for this hook);
 * 2. the plugin's own Describe suggestion for the hook, but never above the manifest's `timeoutMs`;
 * 3. the hook's default (`default_timeout_ms` of its hook_contract in the proto), never above the
 *    manifest's `timeoutMs`; 0 (every hook today) means:
 * 4. the manifest's `timeoutMs` (default 2000 ms).
 * The caller's deadline caps the result again at call time.
 */
export function effectiveTimeoutMs(manifest: PluginManifest, hook: HookName, subscription?: HookSubscription): number {
  const override = manifest.hooks[hook]?.timeoutMs;
  if (override !== undefined) return override;
  const suggested = subscription?.timeoutMs || hookSpec(hook).defaultTimeoutMs;
  return suggested ? Math.min(suggested, manifest.timeoutMs) : manifest.timeoutMs;
}

/**
 * Failure policy, first that is set: manifest `hooks.<hook>.failurePolicy`, manifest
 * `failurePolicy`, the plugin's Describe suggestion for the hook, the hook's default (hooks.ts).
 * The operator's manifest always beats the plugin's own preference.
 */
export function effectivePolicy(manifest: PluginManifest, spec: HookSpec, subscription?: HookSubscription): FailurePolicy {
  return manifest.hooks[spec.name]?.failurePolicy ?? manifest.failurePolicy ?? subscription?.failurePolicy ?? spec.defaultFailurePolicy;
}

function requiredUnavailable(handle: PluginHandle, hook: HookName, reason?: string): HookdError {
  return new HookdError('ERR_PLUGIN_REQUIRED_UNAVAILABLE', { plugin: handle.name, hook, state: handle.state, reason });
}

export interface Selection {
  /** Plugins to call, sorted by order, then name. */
  readonly participants: Participant[];
  /** Subscribed plugins that are not serving; not called, each subject to its failure policy. */
  readonly unavailable: Array<{ participant: Participant; error: HookdError }>;
}

/**
 * Picks the plugins to call for a hook. Disabled plugins are never called. A plugin is called when
 * its Describe subscription lists the hook.
 *
 * Required plugins fail closed before anything is called (ERR_PLUGIN_REQUIRED_UNAVAILABLE):
 * - a subscribed required plugin that is not ready/degraded;
 * - a required plugin whose subscription is unknown (not serving and no subscription known,
 *   e.g. still starting or parked before its first Describe): it fails closed for every hook,
 *   or, when its manifest lists `hooks`, for those hooks only. We cannot know whether it would
 *   have wanted this hook, and "required" means the operator prefers refusing to guessing.
 * A required plugin whose subscription is known (the supervisor keeps the last Describe across
 * restarts) fails closed only for the hooks it subscribed to.
 */
export function selectParticipants(plugins: readonly PluginHandle[], spec: HookSpec): Selection {
  const participants: Participant[] = [];
  const unavailable: Array<{ participant: Participant; error: HookdError }> = [];
  const closed: HookdError[] = [];
  for (const handle of plugins) {
    const { manifest } = handle;
    if (!manifest.enabled) continue;
    const subscriptions = handle.subscriptions();
    const subscription = subscriptions.get(spec.name);
    const serving = isServing(handle.state);
    if (!subscription) {
      const listed = Object.keys(manifest.hooks);
      const unknown = !serving && subscriptions.size === 0;
      if (manifest.required && unknown && (listed.length === 0 || listed.includes(spec.name))) {
        closed.push(requiredUnavailable(handle, spec.name, 'its subscription is not known yet'));
      }
      continue;
    }
    const participant: Participant = {
      handle,
      name: handle.name,
      order: manifest.order,
      timeoutMs: effectiveTimeoutMs(manifest, spec.name, subscription),
      policy: effectivePolicy(manifest, spec, subscription),
      required: manifest.required,
    };
    if (isCallable(handle.state)) {
      participants.push(participant);
    } else if (manifest.required) {
      closed.push(requiredUnavailable(handle, spec.name));
    } else {
      unavailable.push({ participant, error: new HookdError('ERR_PLUGIN_UNAVAILABLE', { plugin: handle.name, hook: spec.name, state: handle.state }) });
    }
  }
  closed.sort((a, b) => ((a.plugin ?? '') < (b.plugin ?? '') ? -1 : 1));
  if (closed[0]) throw closed[0];
  participants.sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { participants, unavailable };
}

/**
 * Participants grouped by order, ascending, each group in the participants' order. One pass when
 * they come sorted by order, as selectParticipants returns them (the Map, spread and sort below
 * were a visible share of a one-plugin hook's own time); any other order is grouped and sorted.
 */
export function groupByOrder(participants: readonly Participant[]): Participant[][] {
  const runs: Participant[][] = [];
  let last: Participant[] | undefined;
  for (const participant of participants) {
    if (last !== undefined && last[0]!.order === participant.order) {
      last.push(participant);
      continue;
    }
    if (last !== undefined && last[0]!.order > participant.order) return groupAnyOrder(participants);
    last = [participant];
    runs.push(last);
  }
  return runs;
}

function groupAnyOrder(participants: readonly Participant[]): Participant[][] {
  const groups = new Map<number, Participant[]>();
  for (const participant of participants) {
    const group = groups.get(participant.order);
    if (group) group.push(participant);
    else groups.set(participant.order, [participant]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
}

/** Anything a call rejected with, as a HookdError naming the plugin and hook. */
export function asCallError(error: unknown, plugin: string, hook: HookName): HookdError {
  if (isHookdError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new HookdError('ERR_HOOK_TRANSPORT', { plugin, hook, reason }, { cause: error });
}

/**
 * What one failed call does to the dispatch: `fatal` fails the hook with `error`, otherwise the
 * plugin is skipped. A required plugin that could not give its verdict (unavailable, unreachable,
 * timed out) fails closed whatever its policy; its deliberate answers (rejections, bad replies)
 * follow the policy like anyone's. Aborts caused by the caller never reach here: dispatch fails
 * the whole hook for those before judging any plugin.
 */
export function judgeFailure(participant: Participant, error: HookdError, hook: HookName): { fatal: boolean; error: HookdError } {
  if (participant.required) {
    if (error.code === 'ERR_PLUGIN_UNAVAILABLE' || error.code === 'ERR_HOOK_TRANSPORT') {
      return { fatal: true, error: new HookdError('ERR_PLUGIN_REQUIRED_UNAVAILABLE', { plugin: participant.name, hook, state: participant.handle.state, reason: error.message }, { cause: error }) };
    }
    if (error.code === 'ERR_HOOK_TIMEOUT') return { fatal: true, error };
  }
  return { fatal: participant.policy === 'fail', error };
}
