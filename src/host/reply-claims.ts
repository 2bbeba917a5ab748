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
import { decodeReplyDocument } from './reply-decode.ts';
import { MAX_REPLY_DEPTH, MAX_REPLY_ENTRIES, replyDepthProblem } from './reply-limits.ts';
import { isJsonFaithful, narrowReply } from './reply-narrow.ts';

/** The document one order group was sent: its value and, when they are its JSON.stringify, its bytes. */
export class SentDocument {
  #isNarrowable: boolean | undefined;

  /** `stringified`: the bytes sent, when they are JSON.stringify(value); otherwise undefined. */
  constructor(readonly value: unknown, readonly stringified: Buffer | undefined) {}

  /**
   * Whether replies may be narrowed against the bytes: they are JSON.stringify(value) and the value
   * survives the round trip exactly (reply-narrow.ts isJsonFaithful). Walked once per group, on its
   * first changed reply, so a group of no-op replies never pays for it.
   */
  get isNarrowable(): boolean {
    this.#isNarrowable ??= this.stringified !== undefined && isJsonFaithful(this.value, MAX_REPLY_DEPTH);
    return this.#isNarrowable;
  }
}

/** A reply as mergeGroup takes it: the claims already found, or the whole document to diff. */
export type DecodedReply = { readonly claims: Claim[] } | { readonly output: unknown };

/**
 * The reply of `plugin` to `spec`'s merge hook against the document it was sent. Throws what
 * decodeReplyDocument throws (ERR_HOOK_BAD_REPLY naming plugin and field).
 */
export function decodeReplyClaims(spec: HookSpec, plugin: string, reply: unknown, sent: SentDocument): DecodedReply {
  const claims = narrowedClaims(spec, plugin, reply, sent);
  return claims === undefined ? { output: decodeReplyDocument(spec, plugin, reply, sent.value) } : { claims };
}

/** The reply's bytes when it has the usual shape (a JsonDocument with bytes); otherwise undefined. */
function replyBytes(spec: HookSpec, reply: unknown): Buffer | undefined {
  const replyField = spec.document?.replyField;
  if (replyField === undefined || !isPlainObject(reply)) return undefined;
  const document = reply[replyField];
  if (!isPlainObject(document)) return undefined;
  const raw = document.json;
  return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
}

/**
 * The claims of the reply, found by diffing only the container that holds its edit; undefined
 * whenever that is not certain to equal the full path's answer (then the caller takes it).
 *
 * Why every whole-reply check of decodeReplyDocument holds when this answers:
 * - valid JSON: reply-narrow.ts's argument, with JSON.parse of the container's reply text;
 * - byte size and entry count: replies longer than MAX_REPLY_ENTRIES bytes take the full path, and
 *   a text of at most that many characters cannot exceed either limit (each value takes a character);
 * - depth: the input nests at most MAX_REPLY_DEPTH (isJsonFaithful), so outside the container the
 *   reply does too, and the container's text is scanned from the depth of its parents;
 * - same JSON kind as the input: the root's bracket is in the common prefix.
 * And the claims: outside the container the reply's bytes are the input's, which parse to values
 * the diff finds equal to the input's (isJsonFaithful), so the full diff's claims are those inside
 * the container, which diffDocuments finds from its path with the same rules.
 */
export function narrowedClaims(spec: HookSpec, plugin: string, reply: unknown, sent: SentDocument): Claim[] | undefined {
  const bytes = replyBytes(spec, reply);
  if (bytes === undefined || bytes.byteLength > MAX_REPLY_ENTRIES || sent.stringified === undefined || !sent.isNarrowable) return undefined;
  const narrowed = narrowReply(sent.stringified, bytes, MAX_REPLY_DEPTH);
  if (narrowed === undefined) return undefined;
  if (narrowed === 'identical') return [];
  if (replyDepthProblem(narrowed.replyText, narrowed.enclosingDepth) !== undefined) return undefined;
  let after: unknown;
  try {
    after = JSON.parse(narrowed.replyText);
  } catch {
    return undefined; // not JSON: the full path reports it with the whole reply's parse error
  }
  if (Array.isArray(after) !== narrowed.isArray || !(isPlainObject(after) || Array.isArray(after))) return undefined;
  const segments: PathSegment[] = [];
  let before = sent.value;
  for (const keyText of narrowed.keyTexts) {
    const key = JSON.parse(keyText) as string; // a key of the host's own JSON.stringify output
    if (!isPlainObject(before) || !Object.hasOwn(before, key)) return undefined;
    segments.push({ kind: isMapAt(segments) ? 'key' : 'field', name: key });
    before = before[key];
  }
  if (Array.isArray(before) !== narrowed.isArray || before === null || typeof before !== 'object') return undefined;
  return diffDocuments(before, after, plugin, segments);
}
