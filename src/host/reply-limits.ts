// Limits on a plugin's reply document, checked while decoding it so that a reply which would
// break the merge itself (JSON nested 100,000 deep overflows the recursive diff; an Env of
// 200,000 entries makes it crawl) is that plugin's bad reply (ERR_HOOK_BAD_REPLY naming it,
// judged by its failure policy) and never a 500 naming no one. Documented in
// docs/hooks-and-merge.md "Reply limits"; the byte limit is MAX_REPLY_DOCUMENT_BYTES in
// reply-decode.ts.

/** Deepest nesting of arrays/objects in a reply document. Docker's bodies nest about 6 levels. */
export const MAX_REPLY_DEPTH = 64;

/** Most values (object members plus array elements, at every level) in a reply document. */
export const MAX_REPLY_ENTRIES = 100_000;

/**
 * The reason `text` nests deeper than MAX_REPLY_DEPTH, or undefined. A character scan before
 * JSON.parse, so no recursion ever sees the document; brackets inside strings do not count.
 * `enclosingDepth`: how many containers enclose `text` when it is one value cut out of a reply
 * (reply-claims.ts); the byte in the message is then counted from the start of `text`.
 */
export function replyDepthProblem(text: string, enclosingDepth = 0): string | undefined {
  let depth = enclosingDepth;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i += 1;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > MAX_REPLY_DEPTH) return `nests deeper than ${MAX_REPLY_DEPTH} levels (at byte ${i})`;
    } else if (char === 0x7d || char === 0x5d) {
      depth -= 1;
    }
  }
  return undefined;
}

/**
 * replyDepthProblem(bytes.toString('utf8')), scanning the UTF-8 bytes rather than the decoded
 * text: about twice as fast (a Uint8Array load against charCodeAt), and the whole reply of the full
 * path is scanned on every changed reply. The answer is the same: every structural character is
 * ASCII and decodes from the one byte that is the same character, while no byte of a multi-byte
 * sequence (nor the U+FFFD of an invalid one) is ASCII, so both scans meet the same quotes,
 * backslashes and brackets in the same order; the character after a backslash is skipped by both
 * (a non-ASCII one is ignored either way). Only the message's offset counts characters, so it is
 * taken from the text when the bytes nest too deep.
 */
export function replyBytesDepthProblem(bytes: Uint8Array, text: () => string): string | undefined {
  let depth = 0;
  const length = bytes.length;
  for (let i = 0; i < length; i += 1) {
    const byte = bytes[i] as number;
    if (byte === 0x22) {
      // A string: to its closing quote, stepping over the byte after each backslash.
      for (i += 1; i < length; i += 1) {
        const inner = bytes[i] as number;
        if (inner === 0x5c) i += 1;
        else if (inner === 0x22) break;
      }
    } else if (byte === 0x7b || byte === 0x5b) {
      depth += 1;
      if (depth > MAX_REPLY_DEPTH) return replyDepthProblem(text());
    } else if (byte === 0x7d || byte === 0x5d) {
      depth -= 1;
    }
  }
  return undefined;
}

/** The reason a parsed reply has more than MAX_REPLY_ENTRIES values, or undefined. Iterative. */
export function replySizeProblem(value: unknown): string | undefined {
  let entries = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next === null || typeof next !== 'object') continue;
    const children = Array.isArray(next) ? next : Object.values(next as Record<string, unknown>);
    entries += children.length;
    if (entries > MAX_REPLY_ENTRIES) return `has more than ${MAX_REPLY_ENTRIES} values (arrays and objects counted at every level)`;
    for (const child of children) if (child !== null && typeof child === 'object') pending.push(child);
  }
  return undefined;
}
