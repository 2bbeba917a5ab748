// Decoding JSON request bodies, with errors that say what is wrong and where (an invalid-parameter
// domain error, a 400 over HTTP). Neutral ground: the API layer decodes the client's body with it,
// and the managers decode a body a hook rewrote (container.preUpdate) without importing api/.

import { badRequest } from '../errors.ts';

/**
 * Deepest nesting of arrays and objects a JSON body may have. Docker's bodies nest at most ~6
 * levels (HostConfig.Mounts[0].VolumeOptions.DriverConfig.Options); the limit is checked by a
 * scan before JSON.parse, so nothing recursive (parse, hooks, merge, clone) sees a 10,000-deep
 * document and overflows the stack.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Parses a JSON body. `what` names the document in the message ("create config"). An empty body
 * is `emptyValue` when given (Docker accepts an empty body on several POSTs), else a 400.
 */
export function parseJsonBody(body: Buffer | string, what: string, emptyValue?: unknown): unknown {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') {
    if (emptyValue !== undefined) return emptyValue;
    throw badRequest(`${what}: the request body is empty; a JSON object is required`);
  }
  const depth = jsonDepthExceeding(text, MAX_JSON_DEPTH);
  if (depth !== undefined) throw badRequest(`${what}: JSON nested deeper than ${MAX_JSON_DEPTH} levels (at character ${depth}); Docker's bodies nest a few levels`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`${what}: malformed JSON: ${describeJsonError(error as Error, text)}`);
  }
}

/** V8's message plus the line and column of the offending character, and the text around it. */
export function describeJsonError(error: Error, text: string): string {
  const reason = error.message.replace(/\s*\(line \d+ column \d+\)$/, '');
  const match = /position (\d+)/.exec(error.message);
  const position = match ? Number(match[1]) : text.length;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  const near = text.slice(Math.max(0, position - 10), position + 10).replace(/\s+/g, ' ');
  return `${reason} (line ${line}, column ${column}, near ${JSON.stringify(near)})`;
}

/** Parses a JSON body that must be an object. */
export function parseJsonObject(body: Buffer | string, what: string, allowEmpty = false): Record<string, unknown> {
  const value = parseJsonBody(body, what, allowEmpty ? {} : undefined);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(`${what}: expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

/**
 * The position where `text` first nests deeper than `limit` arrays/objects, or undefined.
 * Brackets inside strings do not count; malformed JSON is left for JSON.parse to describe.
 */
export function jsonDepthExceeding(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > limit) return i;
    } else if (char === 0x7d || char === 0x5d) {
      depth -= 1;
    }
  }
  return undefined;
}
