// Narrowing a changed reply by its bytes, before any parsing (reply-claims.ts uses it). SDKs
// re-serialise the document in the input's key order, so a reply is usually the bytes the host
// sent with one local edit: a common prefix, a changed middle, a common suffix. The narrowing finds
// the smallest part of the document around the edit that the diff can take on its own: a run of
// members of one object (the object's path from the root is object keys only), or a whole array
// (a keyed or atomic array is compared whole, so the narrowing never enters one), so that only that
// part of the reply needs JSON.parse and the diff.
//
// Why the reply is then valid JSON exactly when that part of it is (the argument the fast path
// rests on): the input bytes are the host's own JSON.stringify output, a valid compact JSON text.
// The reply is input[0, start) + replyText + input[end, n): the part before `start` is in the
// common prefix and the part from `end` on is in the common suffix, both the input's own bytes.
// - An array: input[start, end) is one complete value; JSON's grammar is context-free, so another
//   complete value there (`replyText`, checked by JSON.parse on its own) leaves a valid text.
// - Members: input[start, end) is a run of members of one object, preceded by its `{` or a `,` and
//   followed by a `,` or its `}`; a non-empty member list there (`{replyText}` parses to an object
//   with at least one key) leaves a valid text.
// JSON.parse then reads the reply into the input's value with that part replaced. Every boundary
// sits on an ASCII byte of the input, so decoding the pieces as UTF-8 gives the same characters as
// decoding the whole reply.

import {
  findContainerEnd, findMemberBoundary, OUTSIDE_STRINGS, scanOpenContainers, type OpenContainers, type StringState,
} from './json-scan.ts';

/** Where a reply differs from the input: one array, or a run of one object's members, replaced. */
export interface NarrowedReply {
  /** The keys from the root to the array or object, each the JSON text of the key (with quotes). */
  readonly keyTexts: readonly string[];
  readonly kind: 'array' | 'members';
  /** The array's text in the reply, or its members' text (without the object's braces). */
  readonly replyText: string;
  /** For members: the input's text of the members replaced (their keys are the ones it may remove). */
  readonly inputText: string;
  /** How many containers enclose the array or the object: the reply's depth outside them is the input's. */
  readonly enclosingDepth: number;
  /** The byte range of the part in the input (for an array: from its `[` to just past its `]`). */
  readonly inputStart: number;
  readonly inputEnd: number;
}

/** How many bytes at each end are compared in JS before the binary search (commonPrefixLength). */
const PROBE_BYTES = 16;

/**
 * The length of the common prefix of `a` and `b`, at most `limit`, by binary search over native
 * range comparisons (Buffer.compare is a memcmp; a JS loop over every byte is what this avoids).
 */
export function commonPrefixLength(a: Buffer, b: Buffer, limit: number): number {
  // The first bytes in JS first: a reply in another key order (Go's json.Marshal) differs within
  // them, and each native compare costs more than this loop (a call through Buffer's checks).
  const probe = Math.min(limit, PROBE_BYTES);
  for (let i = 0; i < probe; i += 1) if (a[i] !== b[i]) return i;
  let equal = probe; // a[0, equal) equals b[0, equal); the answer lies in [equal, high]
  let high = limit;
  while (equal < high) {
    const middle = (equal + high + 1) >>> 1;
    if (a.compare(b, equal, middle, equal, middle) === 0) equal = middle;
    else high = middle - 1;
  }
  return equal;
}

/** The length of the common suffix of `a` and `b`, at most `limit`. */
export function commonSuffixLength(a: Buffer, b: Buffer, limit: number): number {
  const probe = Math.min(limit, PROBE_BYTES);
  for (let i = 1; i <= probe; i += 1) if (a[a.length - i] !== b[b.length - i]) return i - 1;
  let equal = probe;
  let high = limit;
  while (equal < high) {
    const middle = (equal + high + 1) >>> 1;
    if (a.compare(b, b.length - middle, b.length - equal, a.length - middle, a.length - equal) === 0) equal = middle;
    else high = middle - 1;
  }
  return equal;
}

/** How far a pure insertion or deletion is slid left at most (see narrowReply). */
const MAX_SLIDE = 16;

/**
 * How `reply` differs from `input` (the host's JSON.stringify bytes of the document it sent):
 * 'identical', one part replaced (NarrowedReply), or undefined when no part below the whole
 * document holds the edit, or the part is more than half the document (a reply with other
 * whitespace or key order mostly; a root that is an array; a nesting deeper than `maxDepth`): the
 * caller then takes its full path.
 */
export function narrowReply(input: Buffer, reply: Buffer, maxDepth: number): NarrowedReply | 'identical' | undefined {
  const inputLength = input.length;
  const replyLength = reply.length;
  const shorter = Math.min(inputLength, replyLength);
  const prefix = commonPrefixLength(input, reply, shorter);
  if (prefix === inputLength && prefix === replyLength) return 'identical';
  // Prefix and suffix may not overlap: the edit is input[editStart, editEnd).
  const suffix = commonSuffixLength(input, reply, shorter - prefix);
  let editEnd = inputLength - suffix;
  let editStart = prefix;
  // A pure deletion or insertion can sit further left just as well when the bytes before it repeat
  // at its end: a member deleted with its comma, `"Labels":{...},`, is found as `Labels":{...},"`
  // (the common prefix takes the quote of the next key), which would reach into the next member.
  // Slide it left while that holds (a few bytes at most); prefix and suffix stay common.
  if (prefix + suffix === shorter) {
    const block = inputLength > replyLength ? input : reply;
    const length = Math.abs(inputLength - replyLength);
    for (let slid = 0; slid < MAX_SLIDE && editStart > 0 && block[editStart - 1] === block[editStart + length - 1]; slid += 1) editStart -= 1;
    if (inputLength > replyLength) editEnd -= prefix - editStart;
    else editEnd = editStart;
  }
  // Every part narrowed() may return holds the edit, and a part of more than half the input is
  // refused there: a reply whose edit already is (another key order or spacing) stops here, before
  // the scans of the input.
  if ((editEnd - editStart) * 2 > inputLength) return undefined;
  const open = scanOpenContainers(input, editStart, maxDepth);
  if (open === undefined || open.starts.length === 0) return undefined;
  const firstArray = open.isArray.indexOf(true);
  let level = firstArray === -1 ? open.starts.length - 1 : firstArray;
  let from = editStart;
  let state: StringState = open;
  if (open.isArray[level] === true) {
    const end = findContainerEnd(input, editStart, open, open.starts.length - level);
    if (end === -1) return undefined;
    if (editEnd <= end) {
      return narrowed(input, reply, open, level, 'array', open.starts[level] as number, end);
    }
    // The edit runs past the array: look in the object holding it, from the array's end.
    level -= 1;
    from = end;
    state = OUTSIDE_STRINGS;
  }
  // Every container from `level` up is an object: find the members around the edit, going out one
  // object at a time while the edit runs past the object's end.
  while (level >= 0) {
    const boundary = findMemberBoundary(input, from, state, editEnd);
    if (boundary === undefined) return undefined;
    if (boundary.position >= editEnd) {
      const memberStart = open.memberStarts[level] as number;
      const start = memberStart === -1 ? (open.starts[level] as number) + 1 : memberStart;
      return narrowed(input, reply, open, level, 'members', start, boundary.position);
    }
    level -= 1;
    from = boundary.position + 1;
    state = OUTSIDE_STRINGS;
  }
  return undefined;
}

function narrowed(input: Buffer, reply: Buffer, open: OpenContainers, level: number, kind: NarrowedReply['kind'], start: number, end: number): NarrowedReply | undefined {
  // A part of more than half the input (a reply in another key order or spacing: Go's sorted
  // keys, json.dumps's spaces) saves little and costs a second scan and parse: the full path.
  if ((end - start) * 2 > input.length) return undefined;
  const keyTexts: string[] = [];
  for (let k = 1; k <= level; k += 1) {
    const keyStart = open.keyStarts[k] as number;
    if (keyStart < 0) return undefined; // not reached: every container above the first array is an object's member
    keyTexts.push(input.toString('utf8', keyStart, open.keyEnds[k] as number));
  }
  return {
    keyTexts,
    kind,
    replyText: reply.toString('utf8', start, end + reply.length - input.length),
    inputText: kind === 'members' ? input.toString('utf8', start, end) : '',
    enclosingDepth: level,
    inputStart: start,
    inputEnd: end,
  };
}

/**
 * Whether JSON.parse(JSON.stringify(value)) is `value` again as the diff sees it, nesting no deeper
 * than `maxDepth`: strings, finite numbers, booleans, null, arrays without holes and objects of the
 * plain prototypes, none with a toJSON method. Only then do
 * the input's bytes stand for the input's value, so that bytes the reply left alone are values the
 * diff finds unchanged (a Date, an undefined member or a NaN would each be a claim on the full
 * path). Recursive, but never deeper than `maxDepth` (MAX_REPLY_DEPTH, 64), so a caller's deep
 * document cannot overflow the stack (the walk was iterative with two stacks of its own, about
 * twice as slow on the 2 KB create config); for...in also visits inherited enumerable keys, which
 * only makes the answer stricter.
 */
export function isJsonFaithful(root: unknown, maxDepth: number): boolean {
  return isFaithfulAt(root, 0, maxDepth);
}

function isFaithfulAt(value: unknown, depth: number, maxDepth: number): boolean {
  const type = typeof value;
  if (type === 'string' || type === 'boolean' || value === null) return true;
  if (type === 'number') return Number.isFinite(value);
  // A toJSON method (own, or non-enumerable) decides what JSON.stringify writes instead.
  if (type !== 'object' || depth >= maxDepth || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i += 1) {
      if (!isFaithfulAt(value[i], depth + 1, maxDepth)) return false;
    }
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in value as Record<string, unknown>) {
    if (!isFaithfulAt((value as Record<string, unknown>)[key], depth + 1, maxDepth)) return false;
  }
  return true;
}
