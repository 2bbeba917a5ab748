// The merge: how the replies of several plugins to one merge hook become one document
// (docs/hooks-and-merge.md §4-§5). Pure: no I/O, no logging, no clock; the same inputs
// always give the same document, the same claims and the same error.
//
//   mergeGroup          one order group: diff each reply (or take the claims dispatch's narrowed
//                       decode found, reply-claims.ts) → check allow-lists → find conflicts →
//                       apply (copy-on-write: document-diff.ts applyClaims)
//   appendProvenance    across groups: a later group's claim overrides an earlier one, recorded
//   mergeAcrossGroups   the whole pipeline over several groups (dispatch runs the same steps
//                       group by group, because each group's plugins must see the merged result)

import { compileAllowList, type AllowList } from './allow-list.ts';
import { applyClaims, deepEqual, diffDocuments, segmentId, type Claim } from './document-diff.ts';
import { HookdError } from './errors.ts';
import type { FailurePolicy, HookName } from './hooks.ts';
import type { ProvenanceEntry } from './types.ts';

export { sortOciHooks, validateOciHooks } from './oci-hooks.ts';
export { combineRoutes, validateRouteReply } from './routes.ts';

export interface GroupReply {
  readonly plugin: string;
  /** The whole document as the plugin wants it; undefined = unchanged. Not read when `claims` is set. */
  readonly output?: unknown;
  /**
   * The diff of the reply against the input, when the caller has already found it (dispatch's
   * narrowed decode, reply-claims.ts): exactly what diffDocuments(input, output) would return.
   */
  readonly claims?: readonly Claim[];
  /** The plugin's manifest allowedPaths; undefined = it may change anything. */
  readonly allowedPaths?: readonly string[];
}

export interface GroupContext {
  readonly hook: HookName;
  readonly order: number;
  /**
   * The failure policy of a plugin whose reply breaks its allow-list. With `ignore` the reply is
   * dropped (reported in `dropped`) and the others still merge; otherwise the merge throws.
   * Conflicts between plugins are never subject to a policy: they always throw.
   */
  readonly policyFor?: (plugin: string) => FailurePolicy;
}

export interface GroupMerge {
  readonly document: unknown;
  /** Every claim of the group, in plugin-name order; agreeing plugins are both recorded. */
  readonly claims: ProvenanceEntry[];
  readonly dropped: Array<{ plugin: string; error: HookdError }>;
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compiled allow-lists by the manifest's array, so a plugin's patterns are compiled once rather
 * than on every changed reply (parsing and one RegExp per segment: docs/performance.md §5.4). An
 * entry is used only while the array still holds the patterns it was compiled from.
 */
const compiledAllowLists = new WeakMap<readonly string[], { patterns: readonly string[]; allowList: AllowList }>();

function allowListFor(patterns: readonly string[]): AllowList {
  const cached = compiledAllowLists.get(patterns);
  if (cached && cached.patterns.length === patterns.length && cached.patterns.every((pattern, i) => pattern === patterns[i])) return cached.allowList;
  const allowList = compileAllowList(patterns);
  compiledAllowLists.set(patterns, { patterns: [...patterns], allowList });
  return allowList;
}

function agree(a: Claim, b: Claim): boolean {
  return a.action === b.action && (a.action === 'remove' || deepEqual(a.value, b.value));
}

/**
 * The conflict to report, if any: two plugins claiming one path with different results, or one
 * plugin claiming a path inside (or around) another plugin's claim (replacing or removing
 * HostConfig while another sets HostConfig.Memory). When several conflicts exist the one with the
 * smallest path, then plugin names, is reported, so the message never depends on timing.
 */
function findConflict(claims: readonly Claim[]): { path: string; plugins: [string, string] } | undefined {
  const byId = new Map<string, Claim[]>();
  for (const claim of claims) {
    const list = byId.get(claim.id);
    if (list) list.push(claim);
    else byId.set(claim.id, [claim]);
  }
  const found: Array<{ path: string; plugins: [string, string] }> = [];
  const add = (path: string, a: string, b: string): void => {
    found.push({ path, plugins: compareNames(a, b) <= 0 ? [a, b] : [b, a] });
  };
  for (const group of byId.values()) {
    for (let i = 0; i < group.length; i += 1) {
      for (let j = i + 1; j < group.length; j += 1) {
        const a = group[i] as Claim;
        const b = group[j] as Claim;
        if (a.plugin !== b.plugin && !agree(a, b)) add(a.path, a.plugin, b.plugin);
      }
    }
  }
  for (const claim of claims) {
    let prefix = '';
    for (const segment of claim.segments.slice(0, -1)) {
      prefix += segmentId(segment);
      for (const outer of byId.get(prefix) ?? []) {
        if (outer.plugin !== claim.plugin) add(outer.path, outer.plugin, claim.plugin);
      }
    }
    if (claim.segments.length > 0) {
      for (const outer of byId.get('') ?? []) {
        if (outer.plugin !== claim.plugin) add(outer.path, outer.plugin, claim.plugin);
      }
    }
  }
  found.sort((x, y) => compareNames(x.path, y.path) || compareNames(x.plugins[0], y.plugins[0]) || compareNames(x.plugins[1], y.plugins[1]));
  return found[0];
}

/**
 * Merges the replies of one order group. Every reply was computed from the same `input`. Throws
 * ERR_PATH_NOT_ALLOWED (a claim outside the plugin's allow-list, unless its policy is ignore) or
 * ERR_MERGE_CONFLICT. New keyed-array entries are appended after the input's entries in
 * plugin-name order, so the result is deterministic.
 */
export function mergeGroup(input: unknown, replies: readonly GroupReply[], context: GroupContext): GroupMerge {
  const sorted = replies.length > 1 ? [...replies].sort((a, b) => compareNames(a.plugin, b.plugin)) : replies;
  const accepted: Claim[] = [];
  const dropped: Array<{ plugin: string; error: HookdError }> = [];
  // Whether the accepted claims name more than one plugin: only then can two of them conflict
  // (findConflict pairs claims of different plugins), so a group of one skips the search.
  let isSeveralPlugins = false;
  for (const reply of sorted) {
    if (reply.claims === undefined && reply.output === undefined) continue;
    const claims = reply.claims ?? diffDocuments(input, reply.output, reply.plugin);
    if (reply.allowedPaths !== undefined && claims.length > 0) {
      const allowList = allowListFor(reply.allowedPaths);
      const outside = claims.find((claim) => !allowList.allows(claim.segments));
      if (outside) {
        const error = new HookdError('ERR_PATH_NOT_ALLOWED', {
          plugin: reply.plugin, hook: context.hook, path: outside.path,
          allowed: reply.allowedPaths.length > 0 ? reply.allowedPaths.join(', ') : 'nothing',
        });
        if (context.policyFor?.(reply.plugin) === 'ignore') {
          dropped.push({ plugin: reply.plugin, error });
          continue;
        }
        throw error;
      }
    }
    for (const claim of claims) {
      if (accepted.length > 0 && claim.plugin !== (accepted[0] as Claim).plugin) isSeveralPlugins = true;
      accepted.push(claim);
    }
  }
  const conflict = isSeveralPlugins ? findConflict(accepted) : undefined;
  if (conflict) {
    throw new HookdError('ERR_MERGE_CONFLICT', {
      plugin: conflict.plugins[0], other: conflict.plugins[1], hook: context.hook, path: conflict.path,
    });
  }
  return {
    document: accepted.length > 0 ? applyClaims(input, accepted) : input,
    claims: accepted.map((claim) => ({ path: claim.path, plugin: claim.plugin, order: context.order, action: claim.action })),
    dropped,
  };
}

function overlaps(a: string, b: string): boolean {
  if (a === b || a === '$' || b === '$') return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return long.startsWith(short) && (long[short.length] === '.' || long[short.length] === '[');
}

/**
 * The provenance after one more group: `history` (earlier groups) plus `claims`, where each claim
 * that touches a path an earlier group claimed (the same path, or one inside or around it) records
 * `overrode`: the plugin(s) of the latest such earlier group, sorted and comma-joined.
 */
export function appendProvenance(history: readonly ProvenanceEntry[], claims: readonly ProvenanceEntry[]): ProvenanceEntry[] {
  if (history.length === 0) return claims.slice(); // the first group: nothing earlier to override
  const next = [...history];
  for (const claim of claims) {
    const earlier = history.filter((entry) => entry.order < claim.order && overlaps(entry.path, claim.path));
    if (earlier.length === 0) {
      next.push(claim);
      continue;
    }
    const latestOrder = Math.max(...earlier.map((entry) => entry.order));
    const owners = [...new Set(earlier.filter((entry) => entry.order === latestOrder).map((entry) => entry.plugin))].sort(compareNames);
    next.push({ ...claim, overrode: owners.join(',') });
  }
  return next;
}

export interface GroupOfReplies {
  readonly order: number;
  /** Each reply was computed from the document as merged by all earlier groups. */
  readonly replies: readonly GroupReply[];
}

/** Runs mergeGroup over groups in ascending order, each on the previous result. */
export function mergeAcrossGroups(input: unknown, groups: readonly GroupOfReplies[], hook: HookName): { document: unknown; provenance: ProvenanceEntry[] } {
  let document = input;
  let provenance: ProvenanceEntry[] = [];
  for (const group of [...groups].sort((a, b) => a.order - b.order)) {
    const merged = mergeGroup(document, group.replies, { hook, order: group.order });
    document = merged.document;
    provenance = appendProvenance(provenance, merged.claims);
  }
  return { document, provenance };
}

/** image.postPull: one plugin's ImagePostPullResponse.snapshotters, checked to be names. */
export function validateSnapshotters(plugin: string, reply: unknown): string[] {
  const list: unknown = (reply as { snapshotters?: unknown } | undefined)?.snapshotters ?? [];
  if (!Array.isArray(list) || !list.every((name) => typeof name === 'string')) {
    throw new HookdError('ERR_HOOK_BAD_REPLY', { plugin, hook: 'image.postPull', field: 'snapshotters', reason: 'must be a list of strings' });
  }
  return list;
}

/**
 * image.postPull: the union of the snapshotters every plugin asked for, first seen first (replies
 * arrive in group order, then plugin-name order), without duplicates, empty names, or the
 * snapshotter the image is already unpacked into.
 */
export function unionSnapshotters(replies: ReadonlyArray<{ plugin: string; snapshotters: readonly string[] }>, alreadyUnpacked?: string): string[] {
  const union = new Set<string>();
  for (const reply of replies) {
    for (const name of reply.snapshotters) {
      if (name !== '' && name !== alreadyUnpacked) union.add(name);
    }
  }
  return [...union];
}
