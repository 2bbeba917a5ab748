// Narrowing a changed reply by its bytes, before any parsing (reply-claims.ts uses it). SDKs
// re-serialise the document in the input's key order, so a reply is usually the bytes the host
// sent with one local edit: a common prefix, a changed middle, a common suffix. The narrowing finds
// the smallest container around the edit whose path from the root is object keys only, so that
// only that container of the reply needs JSON.parse and the diff.
//
// Why the reply is then valid JSON exactly when the container's reply text is (the argument the
// fast path rests on): the input bytes are the host's own JSON.stringify output, a valid JSON
// text. The reply is input[0, start) + replyText + input[end, n): the part before `start` is in
// the common prefix and the part from `end` on is in the common suffix, both the input's own bytes,
// and `input[start, end)` is one complete value (an object or an array) in the input. JSON's
// grammar is context-free: replacing one complete value by another complete value (`replyText`,
// checked by JSON.parse on its own) leaves a valid text, which JSON.parse reads into the input's
// value with that one subtree replaced. Both boundaries sit on ASCII bytes of the input, so
// decoding the pieces as UTF-8 gives the same characters as decoding the whole reply.

import { findContainerEnd, scanOpenContainers } from './json-scan.ts';

/** Where a reply differs from the input, as one container of the input replaced. */
export interface NarrowedReply {
  /** The keys from the root to the container, each the JSON text of the key (with quotes). */
  readonly keyTexts: readonly string[];
  /** The container's text in the reply: it replaces `input[start, end)`. */
  readonly replyText: string;
  /** How many containers enclose it (its parents): the reply's depth outside it is the input's. */
  readonly enclosingDepth: number;
  readonly isArray: boolean;
}

/**
 * The length of the common prefix of `a` and `b`, at most `limit`, by binary search over native
 * range comparisons (Buffer.compare is a memcmp; a JS loop over every byte is what this avoids).
 */
export function commonPrefixLength(a: Buffer, b: Buffer, limit: number): number {
  let equal = 0; // a[0, equal) equals b[0, equal); the answer lies in [equal, high]
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
  let equal = 0;
  let high = limit;
  while (equal < high) {
    const middle = (equal + high + 1) >>> 1;
    if (a.compare(b, b.length - middle, b.length - equal, a.length - middle, a.length - equal) === 0) equal = middle;
    else high = middle - 1;
  }
  return equal;
}

/**
 * How `reply` differs from `input` (the host's JSON.stringify bytes of the document it sent):
 * 'identical', one container replaced, or undefined when the edit is not inside a container below
 * the root (an edit of a top-level member, a reply with other whitespace or key order, a deeper
 * nesting than `maxDepth`): the caller then takes its full path. A keyed or atomic array is never
 * entered: it is the container replaced as a whole, as the diff compares it.
 */
export function narrowReply(input: Buffer, reply: Buffer, maxDepth: number): NarrowedReply | 'identical' | undefined {
  const inputLength = input.length;
  const replyLength = reply.length;
  const shorter = Math.min(inputLength, replyLength);
  const prefix = commonPrefixLength(input, reply, shorter);
  if (prefix === inputLength && prefix === replyLength) return 'identical';
  // Prefix and suffix may not overlap: the edit is input[prefix, inputLength - suffix).
  const suffix = commonSuffixLength(input, reply, shorter - prefix);
  const editEnd = inputLength - suffix;
  const open = scanOpenContainers(input, prefix, maxDepth);
  if (open === undefined || open.starts.length === 0) return undefined;
  const firstArray = open.isArray.indexOf(true);
  let level = firstArray === -1 ? open.starts.length - 1 : firstArray;
  if (level === 0) return undefined;
  let end = findContainerEnd(input, prefix, open, open.starts.length - level);
  // The edit runs past the container's end: try its parent (an object, as every container above
  // the first array is), up to but not including the root.
  while (end !== -1 && editEnd > end) {
    level -= 1;
    if (level === 0) return undefined;
    end = findContainerEnd(input, end, { isInString: false, isEscaped: false }, 1);
  }
  if (end === -1) return undefined;
  const keyTexts: string[] = [];
  for (let k = 1; k <= level; k += 1) {
    const keyStart = open.keyStarts[k] as number;
    if (keyStart < 0) return undefined; // not reached: every container above the first array is an object's member
    keyTexts.push(input.toString('utf8', keyStart, open.keyEnds[k] as number));
  }
  return {
    keyTexts,
    replyText: reply.toString('utf8', open.starts[level] as number, end + replyLength - inputLength),
    enclosingDepth: level,
    isArray: open.isArray[level] as boolean,
  };
}

/**
 * Whether JSON.parse(JSON.stringify(value)) is `value` again as the diff sees it, nesting no deeper
 * than `maxDepth`: strings, finite numbers, booleans, null, arrays without holes and objects of the
 * plain prototypes, none with a toJSON method. Only then do
 * the input's bytes stand for the input's value, so that bytes the reply left alone are values the
 * diff finds unchanged (a Date, an undefined member or a NaN would each be a claim on the full
 * path). Iterative, so a caller's deep document cannot overflow the stack; for...in also visits
 * inherited enumerable keys, which only makes the answer stricter.
 */
export function isJsonFaithful(root: unknown, maxDepth: number): boolean {
  const pending: unknown[] = [root];
  const depths: number[] = [0];
  while (pending.length > 0) {
    const value = pending.pop();
    const depth = depths.pop() as number;
    const type = typeof value;
    if (type === 'string' || type === 'boolean' || value === null) continue;
    if (type === 'number') {
      if (!Number.isFinite(value)) return false;
      continue;
    }
    // A toJSON method (own, or non-enumerable) decides what JSON.stringify writes instead.
    if (type !== 'object' || depth >= maxDepth || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) return false;
      for (let i = 0; i < value.length; i += 1) {
        pending.push(value[i]);
        depths.push(depth + 1);
      }
      continue;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return false;
    for (const key in value as Record<string, unknown>) {
      pending.push((value as Record<string, unknown>)[key]);
      depths.push(depth + 1);
    }
  }
  return true;
}
