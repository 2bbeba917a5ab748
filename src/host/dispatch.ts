// Dispatch: run one hook point over the plugins (docs/hooks-and-merge.md §2-§5). One
// generic path for every hook, driven by its HookSpec (hooks.ts):
//
//   select participants (dispatch-policy.ts)   enabled + subscribed; required plugins fail closed
//   for each order group, ascending:
//     call every plugin of the group in parallel on the same input (dispatch-call.ts)
//     judge failures by policy; decode replies: a changed document is diffed only where its
//       bytes differ from those sent (reply-claims.ts), else whole (reply-decode.ts)
//     combine: merge → mergeGroup; the next group sees the result (merge.ts), sent as its
//              JSON.stringify, or as the previous bytes with the one changed array re-encoded
//              when the replies were all narrowed to it (reply-claims.ts resplicedBytes)
//              oci-hooks → gathered, then sortOciHooks; routes → combineRoutes;
//              snapshotters → unionSnapshotters; notify → nothing to combine
//   return InvokeResult

import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { callWithDeadline } from './dispatch-call.ts';
import {
  asCallError, groupByOrder, judgeFailure, selectParticipants, type Participant,
} from './dispatch-policy.ts';
import { HookdError } from './errors.ts';
import { hookSpec, type FailurePolicy, type HookName, type HookSpec } from './hooks.ts';
import {
  appendProvenance, mergeGroup, unionSnapshotters, validateSnapshotters, type GroupReply,
} from './merge.ts';
import { sortOciHooks, validateOciHooks } from './oci-hooks.ts';
import {
  decodeReplyClaims, resplicedBytes, SentDocument, sharedArrayPart, type DecodedReply,
} from './reply-claims.ts';
import { buildRequest, readInputDocument } from './reply-decode.ts';
import { combineRoutes, validateRouteReply, type RouteReply } from './routes.ts';
import type {
  HookInput, InvokeOptions, InvokeResult, OwnedOciHook, PluginHandle, ProvenanceEntry, RouteRef, SkippedPlugin,
} from './types.ts';

export type DispatchOptions = InvokeOptions & { logger?: Logger };

interface CallOutcome {
  readonly participant: Participant;
  readonly reply?: unknown;
  readonly error?: HookdError;
}

/** What the groups have produced so far; one field per combine mode. */
interface Accumulated {
  document: unknown;
  /** The bytes sent to the next group; re-encoded from `document` only when a later group needs them. */
  documentBytes: Buffer | undefined;
  /** `document` changed since `documentBytes` were encoded (no JSON.stringify after the last group). */
  isBytesStale: boolean;
  /** `documentBytes` are JSON.stringify(document), not the caller's raw bytes (reply-claims.ts narrows against them). */
  isBytesStringified: boolean;
  /**
   * When the last group changed only one array that its replies were narrowed to: the new bytes
   * from the old ones with that array re-encoded (reply-claims.ts resplicedBytes), instead of a
   * JSON.stringify of the whole document for the next group.
   */
  resplice: (() => Buffer | undefined) | undefined;
  /** `document` is known to pass isJsonFaithful (its bytes came from resplice). */
  isDocumentFaithful: boolean;
  provenance: ProvenanceEntry[];
  ociHooks: OwnedOciHook[];
  routeReplies: RouteReply[];
  snapshotters: Array<{ plugin: string; snapshotters: string[] }>;
}

interface GroupOutcome {
  readonly outcomes: CallOutcome[];
  /** The failure the hook reports, when one call of the group was fatal. */
  readonly firstFatal?: HookdError;
}

class Skips {
  readonly list: SkippedPlugin[] = [];
  constructor(private readonly hook: HookName, private readonly requestId: string, private readonly logger?: Logger) {}

  add(error: HookdError, plugin: string): void {
    this.list.push({ plugin, code: error.code, message: error.message });
    this.logger?.warn({ plugin, hook: this.hook, requestId: this.requestId, code: error.code }, `skipping plugin "${plugin}" (failure policy ignore): ${error.message}`);
  }
}

/**
 * Calls one group of two or more in parallel. The first fatal failure aborts the calls still in
 * flight (their results would be thrown away), so a failing hook fails as soon as it can;
 * `firstFatal` is that failure, the one the hook reports. Failures that happen because the group
 * or the caller aborted are not judged: they are consequences, not causes.
 */
async function callGroup(group: readonly Participant[], spec: HookSpec, request: object, options: DispatchOptions): Promise<GroupOutcome> {
  // A group of one (callAlone) has no other call to abort when its call fails, so it needs no
  // controller of its own: the call gets the caller's signal, if any (an AbortController, and
  // AbortSignal.any with a caller's signal, per group was a measurable share of the host's own
  // time: docs/performance.md §5.3).
  const groupAbort = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, groupAbort.signal]) : groupAbort.signal;
  // Each call of the group has one listener on this signal at a time (the ready wait's, the slot
  // wait's and the gRPC call's follow each other), so Node's default of 10 listeners would warn on
  // every request with more than ten plugins in one group. Below that setMaxListeners is skipped:
  // it was a visible share of a small group's dispatch (docs/performance.md §5.3).
  if (group.length >= 10) setMaxListeners(group.length + 10, signal);
  const startedAt = Date.now();
  let firstFatal: HookdError | undefined;
  const settled = await Promise.allSettled(group.map(async (participant) => {
    const deadline = Math.min(startedAt + participant.timeoutMs, options.deadline ?? Number.POSITIVE_INFINITY);
    try {
      return await callWithDeadline({
        handle: participant.handle, rpc: spec.rpc, request, hook: spec.name, deadline, timeoutMs: deadline - startedAt, signal,
      });
    } catch (error) {
      const failure = asCallError(error, participant.name, spec.name);
      if (!signal.aborted && firstFatal === undefined) {
        const verdict = judgeFailure(participant, failure, spec.name);
        if (verdict.fatal) {
          firstFatal = verdict.error;
          groupAbort.abort(new Error(`plugin "${participant.name}" failed ${spec.name}`));
        }
      }
      throw failure;
    }
  }));
  const outcomes = settled.map((result, i): CallOutcome => {
    const participant = group[i] as Participant;
    return result.status === 'fulfilled'
      ? { participant, reply: result.value }
      : { participant, error: result.reason as HookdError };
  });
  return firstFatal === undefined ? { outcomes } : { outcomes, firstFatal };
}

/**
 * callGroup for a group of one, the common case: the same outcome without what only a group needs
 * (Promise.allSettled, its per-call closure and the outcomes' second pass). There is no other call
 * to abort, so a fatal failure is only recorded; the call gets the caller's signal, if any. Not
 * async: the caller awaits the plugin's call itself, so the reply reaches dispatch in one
 * microtask turn instead of three (an async function's returned promise adopts another in two).
 */
function callAlone(participant: Participant, spec: HookSpec, request: object, options: DispatchOptions): Promise<unknown> {
  const startedAt = Date.now();
  const deadline = Math.min(startedAt + participant.timeoutMs, options.deadline ?? Number.POSITIVE_INFINITY);
  return callWithDeadline({
    handle: participant.handle, rpc: spec.rpc, request, hook: spec.name, deadline, timeoutMs: deadline - startedAt, signal: options.signal,
  });
}

/** The outcome of callAlone's call when it rejected with `error`. */
function aloneFailure(participant: Participant, spec: HookSpec, error: unknown, options: DispatchOptions): GroupOutcome {
  const failure = asCallError(error, participant.name, spec.name);
  const outcomes = [{ participant, error: failure }];
  if (options.signal?.aborted === true) return { outcomes };
  const verdict = judgeFailure(participant, failure, spec.name);
  return verdict.fatal ? { outcomes, firstFatal: verdict.error } : { outcomes };
}

function checkNotAborted(spec: HookSpec, options: DispatchOptions, next: Participant | undefined): void {
  const plugin = next?.name ?? '(none)';
  if (options.signal?.aborted) {
    const reason: unknown = options.signal.reason;
    throw new HookdError('ERR_HOOK_ABORTED', { plugin, hook: spec.name, reason: reason instanceof Error ? reason.message : 'the caller aborted' });
  }
  if (options.deadline !== undefined && Date.now() >= options.deadline) {
    throw new HookdError('ERR_HOOK_ABORTED', { plugin, hook: spec.name, reason: "the caller's deadline passed" });
  }
}

const NONE_DROPPED: ReadonlySet<string> = new Set();

/** mergeGroup's view of a decoded reply: an object literal per shape (spreads of `decoded` cost a copy each). */
function groupReply(participant: Participant, decoded: DecodedReply): GroupReply {
  const plugin = participant.name;
  const { allowedPaths } = participant.handle.manifest;
  if ('claims' in decoded) return allowedPaths ? { plugin, claims: decoded.claims, allowedPaths } : { plugin, claims: decoded.claims };
  return allowedPaths ? { plugin, output: decoded.output, allowedPaths } : { plugin, output: decoded.output };
}

/**
 * Folds one group's successful replies into the accumulated result. Throws a fatal failure;
 * records a skip for a plugin whose reply is bad under policy ignore.
 */
function combineGroup(spec: HookSpec, group: readonly Participant[], replies: Map<Participant, unknown>, acc: Accumulated, skips: Skips): void {
  const order = group[0]?.order ?? 0;
  const decodeOrSkip = <T>(participant: Participant, decode: () => T): T | undefined => {
    try {
      return decode();
    } catch (error) {
      const verdict = judgeFailure(participant, asCallError(error, participant.name, spec.name), spec.name);
      if (verdict.fatal) throw verdict.error;
      skips.add(verdict.error, participant.name);
      return undefined;
    }
  };

  switch (spec.combine) {
    case 'merge': {
      const groupReplies: GroupReply[] = [];
      const decodedReplies: Array<{ plugin: string; decoded: DecodedReply }> = [];
      // What this group was sent: a changed reply is diffed in the part that differs from these bytes.
      const sent = new SentDocument(acc.document, acc.isBytesStringified ? acc.documentBytes : undefined, acc.isDocumentFaithful);
      for (const [participant, reply] of replies) {
        const decoded = decodeOrSkip(participant, () => decodeReplyClaims(spec, participant.name, reply, sent));
        if (decoded === undefined) continue;
        decodedReplies.push({ plugin: participant.name, decoded });
        groupReplies.push(groupReply(participant, decoded));
      }
      // Asked only for a plugin whose reply breaks its allow-list; the last of a name wins, as a Map's would.
      const policyFor = (plugin: string): FailurePolicy => group.findLast((participant) => participant.name === plugin)?.policy ?? 'fail';
      const merged = mergeGroup(acc.document, groupReplies, { hook: spec.name, order, policyFor });
      for (const { plugin, error } of merged.dropped) skips.add(error, plugin);
      if (merged.claims.length > 0) {
        acc.document = merged.document;
        acc.isBytesStale = true;
        const dropped = merged.dropped.length === 0 ? NONE_DROPPED : new Set(merged.dropped.map(({ plugin }) => plugin));
        const part = sharedArrayPart(decodedReplies, dropped);
        acc.resplice = part === undefined ? undefined : () => resplicedBytes(sent, part, merged.document);
        acc.provenance = appendProvenance(acc.provenance, merged.claims);
      }
      return;
    }
    case 'oci-hooks':
      for (const [participant, reply] of replies) {
        const hooks = decodeOrSkip(participant, () => validateOciHooks(participant.name, (reply as { hooks?: unknown } | undefined)?.hooks));
        if (hooks) acc.ociHooks.push(...hooks);
      }
      return;
    case 'routes':
      for (const [participant, reply] of replies) {
        const checked = decodeOrSkip(participant, () => validateRouteReply(participant.name, order, reply));
        if (checked) acc.routeReplies.push(checked);
      }
      return;
    case 'snapshotters':
      for (const [participant, reply] of replies) {
        const names = decodeOrSkip(participant, () => validateSnapshotters(participant.name, reply));
        if (names) acc.snapshotters.push({ plugin: participant.name, snapshotters: names });
      }
      return;
    case 'notify':
      return;
  }
}

/**
 * Runs `hook` over `plugins` and combines the replies (docs/hooks-and-merge.md). Resolves with the
 * combined result, including which plugins were called and which were skipped under policy
 * ignore. Rejects with a HookdError: the failure of a plugin whose policy is fail (naming plugin
 * and hook), ERR_PLUGIN_REQUIRED_UNAVAILABLE, ERR_MERGE_CONFLICT, ERR_ROUTE_CONFLICT,
 * ERR_HOOK_ABORTED (the caller's signal or deadline), or ERR_HOOK_BAD_INPUT (a caller bug).
 */
export async function dispatchHook(plugins: readonly PluginHandle[], hook: HookName, input: HookInput, options: DispatchOptions = {}): Promise<InvokeResult> {
  const spec = hookSpec(hook);
  const requestId = options.requestId ?? randomUUID();
  const skips = new Skips(hook, requestId, options.logger);
  const inputDocument = spec.combine === 'merge' ? readInputDocument(spec, input) : undefined;
  const acc: Accumulated = {
    document: inputDocument?.value, documentBytes: inputDocument?.bytes, isBytesStale: false, isBytesStringified: inputDocument?.isStringified ?? false,
    resplice: undefined, isDocumentFaithful: false,
    provenance: [], ociHooks: [], routeReplies: [], snapshotters: [],
  };
  const called: string[] = [];

  checkNotAborted(spec, options, undefined);
  const { participants, unavailable } = selectParticipants(plugins, spec);
  for (const { participant, error } of unavailable) {
    const verdict = judgeFailure(participant, error, hook);
    if (verdict.fatal) throw verdict.error;
    skips.add(verdict.error, participant.name);
  }

  for (const group of groupByOrder(participants)) {
    checkNotAborted(spec, options, group[0]);
    if (acc.isBytesStale) {
      const spliced = acc.resplice?.();
      acc.documentBytes = spliced ?? Buffer.from(JSON.stringify(acc.document));
      acc.isDocumentFaithful = spliced !== undefined;
      acc.resplice = undefined;
      acc.isBytesStale = false;
      acc.isBytesStringified = true;
    }
    const request = buildRequest(spec, input, requestId, acc.documentBytes);
    for (const participant of group) called.push(participant.name);
    let groupOutcome: GroupOutcome;
    if (group.length === 1) {
      const participant = group[0]!;
      try {
        groupOutcome = { outcomes: [{ participant, reply: await callAlone(participant, spec, request, options) }] };
      } catch (error) {
        groupOutcome = aloneFailure(participant, spec, error, options);
      }
    } else {
      groupOutcome = await callGroup(group, spec, request, options);
    }
    const { outcomes, firstFatal } = groupOutcome;

    if (options.signal?.aborted) checkNotAborted(spec, options, group[0]);
    if (firstFatal) throw firstFatal;
    const replies = new Map<Participant, unknown>();
    for (const outcome of outcomes) {
      if (outcome.error) {
        const verdict = judgeFailure(outcome.participant, outcome.error, hook);
        if (verdict.fatal) throw verdict.error;
        skips.add(verdict.error, outcome.participant.name);
      } else {
        replies.set(outcome.participant, outcome.reply);
      }
    }
    combineGroup(spec, group, replies, acc, skips);
  }

  const result: InvokeResult = { hook, requestId, called, skipped: skips.list, changed: false, provenance: acc.provenance };
  switch (spec.combine) {
    case 'merge':
      result.document = acc.document;
      result.changed = acc.provenance.length > 0;
      break;
    case 'oci-hooks':
      result.ociHooks = sortOciHooks(acc.ociHooks);
      result.changed = result.ociHooks.length > 0;
      break;
    case 'routes': {
      const defaults = (input.fields?.routes ?? []) as RouteRef[];
      result.routes = combineRoutes(acc.routeReplies, defaults);
      result.changed = result.routes.add.length + result.routes.remove.length + result.routes.wrap.length > 0;
      break;
    }
    case 'snapshotters': {
      const unpacked = input.fields?.snapshotter;
      result.snapshotters = unionSnapshotters(acc.snapshotters, typeof unpacked === 'string' ? unpacked : undefined);
      result.changed = result.snapshotters.length > 0;
      break;
    }
    case 'notify':
      break;
  }
  return result;
}
