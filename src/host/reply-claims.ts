// A merge hook's reply turned into what mergeGroup needs: the claims, computed from only the part
// of the reply that differs from the bytes the plugin was sent (reply-narrow.ts), or, whenever
// anything is unusual, the whole decoded document as before (reply-decode.ts), which mergeGroup
// diffs itself. Both give the same claims, document, errors and provenance: the fast path answers
// only when it can prove the full path would find exactly its claims and no error, and leaves
// every error to the full path, so messages never differ.
//
// Per changed reply the fast path costs a prefix/suffix comparison of the bytes (native), a scan of
// the prefix, JSON.parse and the diff of one container (the Env array for a plugin adding a
// variable); the full path is JSON.parse of the whole reply and the diff of the whole document.

import { diffDocuments, type Claim } from './document-diff.ts';
import type { HookSpec } from './hooks.ts';
import { isMapAt, isPlainObject, type PathSegment } from './json-paths.ts';
import { bytesView, decodeReplyDocument } from './reply-decode.ts';
import { MAX_REPLY_DEPTH, MAX_REPLY_ENTRIES, replyDepthProblem } from './reply-limits.ts';
import { isJsonFaithful, narrowReply } from './reply-narrow.ts';

/** The document one order group was sent: its value and, when they are its JSON.stringify, its bytes. */
export class SentDocument {
  #isNarrowable: boolean | undefined;

  /**
   * `stringified`: the bytes sent, when they are JSON.stringify(value); otherwise undefined.
   * `isKnownFaithful`: the value is known to pass isJsonFaithful (resplicedBytes made the bytes).
   */
  constructor(readonly value: unknown, readonly stringified: Buffer | undefined, private readonly isKnownFaithful = false) {}

  /**
   * Whether replies may be narrowed against the bytes: they are JSON.stringify(value) and the value
   * survives the round trip exactly (reply-narrow.ts isJsonFaithful). Walked once per group, on its
   * first changed reply, so a group of no-op replies never pays for it.
   */
  get isNarrowable(): boolean {
    this.#isNarrowable ??= this.stringified !== undefined && (this.isKnownFaithful || isJsonFaithful(this.value, MAX_REPLY_DEPTH));
    return this.#isNarrowable;
  }
}

/** The array a reply was narrowed to: its byte range in the bytes sent, and its path. */
export interface ArrayPart {
  readonly start: number;
  readonly end: number;
  readonly segments: readonly PathSegment[];
}

/**
 * A reply as mergeGroup takes it: the claims already found (and the array they all lie in, when
 * the reply was narrowed to one), or the whole document to diff.
 */
export type DecodedReply = { readonly claims: Claim[]; readonly arrayPart?: ArrayPart } | { readonly output: unknown };

/**
 * The reply of `plugin` to `spec`'s merge hook against the document it was sent. Throws what
 * decodeReplyDocument throws (ERR_HOOK_BAD_REPLY naming plugin and field).
 */
export function decodeReplyClaims(spec: HookSpec, plugin: string, reply: unknown, sent: SentDocument): DecodedReply {
  return narrowedDiff(spec, plugin, reply, sent) ?? { output: decodeReplyDocument(spec, plugin, reply, sent.value) };
}

/** narrowedDiff's claims alone (the tests compare them with the full path's). */
export function narrowedClaims(spec: HookSpec, plugin: string, reply: unknown, sent: SentDocument): Claim[] | undefined {
  return narrowedDiff(spec, plugin, reply, sent)?.claims;
}

/** The reply's bytes when it has the usual shape (a JsonDocument with bytes); otherwise undefined. */
function replyBytes(spec: HookSpec, reply: unknown): Buffer | undefined {
  const replyField = spec.document?.replyField;
  if (replyField === undefined || !isPlainObject(reply)) return undefined;
  const document = reply[replyField];
  if (!isPlainObject(document)) return undefined;
  return bytesView(document.json);
}

/**
 * The claims of the reply, found by diffing only the part that holds its edit (an array, or a run
 * of members of one object); undefined whenever that is not certain to equal the full path's
 * answer (then the caller takes it).
 *
 * Why every whole-reply check of decodeReplyDocument holds when this answers:
 * - valid JSON: reply-narrow.ts's argument, with JSON.parse of the part's reply text;
 * - byte size and entry count: replies longer than MAX_REPLY_ENTRIES bytes take the full path, and
 *   a text of at most that many characters cannot exceed either limit (each value takes a character);
 * - depth: the input nests at most MAX_REPLY_DEPTH (isJsonFaithful), so outside the part the reply
 *   does too, and the part's text is scanned from the depth of the containers around it;
 * - same JSON kind as the input: the root's bracket is in the common prefix.
 * And the claims: outside the part the reply's bytes are the input's, which parse to values the
 * diff finds equal to the input's (isJsonFaithful), so the full diff's claims are those inside the
 * part. For an array, diffDocuments from its path finds them with the same rules. For members, it
 * diffs the object made of the input's members in the run (their values taken from the input)
 * against the reply's members: the keys the full diff would visit there, in the same order, as no
 * member of the run may share its key with a member outside it (JSON.parse would keep one of them).
 */
function narrowedDiff(spec: HookSpec, plugin: string, reply: unknown, sent: SentDocument): { claims: Claim[]; arrayPart?: ArrayPart } | undefined {
  const bytes = replyBytes(spec, reply);
  if (bytes === undefined || bytes.byteLength > MAX_REPLY_ENTRIES || sent.stringified === undefined) return undefined;
  const narrowed = narrowReply(sent.stringified, bytes, MAX_REPLY_DEPTH);
  // The bytes first: a reply they cannot narrow (Go's key order) does not pay for the walk of isNarrowable.
  if (narrowed === undefined || !sent.isNarrowable) return undefined;
  if (narrowed === 'identical') return { claims: [] };
  const replyText = narrowed.kind === 'members' ? `{${narrowed.replyText}}` : narrowed.replyText;
  if (replyDepthProblem(replyText, narrowed.enclosingDepth) !== undefined) return undefined;
  let after: unknown;
  try {
    after = JSON.parse(replyText);
  } catch {
    return undefined; // not JSON: the full path reports it with the whole reply's parse error
  }
  const segments: PathSegment[] = [];
  let container = sent.value;
  for (const keyText of narrowed.keyTexts) {
    const key = JSON.parse(keyText) as string; // a key of the host's own JSON.stringify output
    if (!isPlainObject(container) || !Object.hasOwn(container, key)) return undefined;
    segments.push({ kind: isMapAt(segments) ? 'key' : 'field', name: key });
    container = container[key];
  }
  if (narrowed.kind === 'array') {
    if (!Array.isArray(after) || !Array.isArray(container)) return undefined;
    return {
      claims: diffDocuments(container, after, plugin, segments),
      arrayPart: { start: narrowed.inputStart, end: narrowed.inputEnd, segments },
    };
  }
  const before = membersBefore(container, narrowed.inputText, after);
  return before === undefined ? undefined : { claims: diffDocuments(before, after, plugin, segments) };
}

/**
 * The JSON.stringify bytes of `merged` (a group's merge result), made from the bytes the group was
 * sent by re-encoding only the array `part` that every applied claim lies in; undefined when that
 * array is not where the part's path says. Exact: `sent.stringified` is JSON.stringify of the sent
 * document, whose values all pass isJsonFaithful (no toJSON, so each value's JSON is a function of
 * the value alone), and the merge changed nothing outside that array (copy-on-write copies keep
 * every key's position), so the whole document's JSON is the sent bytes around the array with the
 * array's new JSON in their place. The result passes isJsonFaithful too: the array's entries are
 * the input's or values JSON.parse made, no deeper than the reply's depth check allowed.
 */
export function resplicedBytes(sent: SentDocument, part: ArrayPart, merged: unknown): Buffer | undefined {
  const bytes = sent.stringified;
  if (bytes === undefined) return undefined;
  let value = merged;
  for (const segment of part.segments) {
    if (!isPlainObject(value) || !Object.hasOwn(value, segment.name)) return undefined;
    value = value[segment.name];
  }
  if (!Array.isArray(value)) return undefined;
  return Buffer.concat([bytes.subarray(0, part.start), Buffer.from(JSON.stringify(value)), bytes.subarray(part.end)]);
}

/**
 * The array part every reply that may have changed the document was narrowed to, if it is the same
 * one for all (several plugins of a group adding to Env), and so the only place the group's merge
 * can have changed; undefined otherwise (a reply diffed whole, or parts in two places).
 */
export function sharedArrayPart(replies: ReadonlyArray<{ readonly plugin: string; readonly decoded: DecodedReply }>, dropped: ReadonlySet<string>): ArrayPart | undefined {
  let shared: ArrayPart | undefined;
  for (const { plugin, decoded } of replies) {
    if (dropped.has(plugin)) continue;
    if (!('claims' in decoded)) {
      if (decoded.output === undefined) continue;
      return undefined;
    }
    if (decoded.claims.length === 0) continue;
    const part = decoded.arrayPart;
    if (part === undefined || (shared !== undefined && (shared.start !== part.start || shared.end !== part.end))) return undefined;
    shared = part;
  }
  return shared;
}

/**
 * The input's members that the run replaced, as an object in the input's order with the input's
 * values; undefined when the reply's run is not a non-empty member list, or names a key that a
 * member outside the run has, or a key is `__proto__` (kept simple: the full path takes those).
 */
function membersBefore(object: unknown, inputText: string, after: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(object) || !isPlainObject(after)) return undefined;
  const afterKeys = Object.keys(after);
  if (afterKeys.length === 0) return undefined;
  let keys: string[];
  try {
    keys = Object.keys(JSON.parse(`{${inputText}}`) as Record<string, unknown>);
  } catch {
    return undefined; // not reached: a run of the input's own members is JSON
  }
  const before: Record<string, unknown> = {};
  for (const key of keys) {
    if (key === '__proto__' || !Object.hasOwn(object, key)) return undefined;
    before[key] = object[key];
  }
  for (const key of afterKeys) {
    if (key === '__proto__' || (!Object.hasOwn(before, key) && Object.hasOwn(object, key))) return undefined;
  }
  return before;
}
