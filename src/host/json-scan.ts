// A small scanner over the bytes of a JSON text, for the narrowed reply diff (reply-narrow.ts): it
// tracks only what the narrowing needs (which objects and arrays are open at a byte, the key each
// open container sits under, and whether the byte is inside a string) and validates nothing; the
// text it scans is the host's own JSON.stringify output, or a part of a reply that JSON.parse
// checks afterwards. Works on UTF-8 bytes: every byte it looks at (" \ { } [ ] , :) is ASCII, and
// no byte of a multi-byte UTF-8 sequence is below 0x80, so they are never mistaken for one.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/** Where a scan stopped: inside a string (and right after its backslash) or not. */
export interface StringState {
  readonly isInString: boolean;
  readonly isEscaped: boolean;
}

/** The state after a structural byte: not inside a string. */
export const OUTSIDE_STRINGS: StringState = { isInString: false, isEscaped: false };

/** The containers open at the end of a scanned prefix, outermost first. */
export interface OpenContainers extends StringState {
  /** Byte offset of each open container's `{` or `[`. */
  readonly starts: number[];
  readonly isArray: boolean[];
  /**
   * For each open container, the byte range of the key (with its quotes) it is the value of in
   * its parent object; [-1, -1] for the root and for an element of an array.
   */
  readonly keyStarts: number[];
  readonly keyEnds: number[];
  /**
   * For each open object, the byte offset of the key (its opening quote) of the member being read
   * at the end of the prefix; -1 before its first key, and for arrays.
   */
  readonly memberStarts: number[];
}

/**
 * The containers open just before byte `end` of `bytes`, scanning from byte 0; undefined when more
 * than `maxOpen` are open at some point (the caller falls back to its full path).
 */
export function scanOpenContainers(bytes: Uint8Array, end: number, maxOpen: number): OpenContainers | undefined {
  const starts: number[] = [];
  const isArray: boolean[] = [];
  const keyStarts: number[] = [];
  const keyEnds: number[] = [];
  const memberStarts: number[] = [];
  let isInString = false;
  let isEscaped = false;
  let stringStart = -1;
  let isKeyString = false;
  let isExpectingKey = false;
  // The last key read: the key of the member being read when a container opens in an object (a
  // nested object's keys overwrite it, but the parent reads its next member's key before any
  // container of its own can open again).
  let lastKeyStart = -1;
  let lastKeyEnd = -1;
  for (let i = 0; i < end; i += 1) {
    const byte = bytes[i] as number;
    if (isInString) {
      if (isEscaped) isEscaped = false;
      else if (byte === BACKSLASH) isEscaped = true;
      else if (byte === QUOTE) {
        isInString = false;
        if (isKeyString) {
          lastKeyStart = stringStart;
          lastKeyEnd = i + 1;
        }
      }
      continue;
    }
    switch (byte) {
      case QUOTE:
        isInString = true;
        stringStart = i;
        isKeyString = isExpectingKey;
        if (isExpectingKey) memberStarts[starts.length - 1] = i;
        isExpectingKey = false;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY: {
        if (starts.length >= maxOpen) return undefined;
        const inObject = starts.length > 0 && isArray[starts.length - 1] === false;
        starts.push(i);
        isArray.push(byte === OPEN_ARRAY);
        keyStarts.push(inObject ? lastKeyStart : -1);
        keyEnds.push(inObject ? lastKeyEnd : -1);
        memberStarts.push(-1);
        isExpectingKey = byte === OPEN_OBJECT;
        break;
      }
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        starts.pop();
        isArray.pop();
        keyStarts.pop();
        keyEnds.pop();
        memberStarts.pop();
        isExpectingKey = false;
        break;
      case COMMA:
        isExpectingKey = starts.length > 0 && isArray[starts.length - 1] === false;
        break;
      default:
        break; // ':' whitespace, and the bytes of numbers, true, false, null
    }
  }
  return { starts, isArray, keyStarts, keyEnds, memberStarts, isInString, isEscaped };
}

/**
 * The byte just past the end of the container that is `levels` levels out from the scan position
 * (1 = the innermost open container), scanning `bytes` from `from` in the string state the scan
 * of the prefix ended in; -1 when the text ends first. Each level is the next closing bracket at
 * that level, which findMemberBoundary finds when no member boundary is wanted.
 */
export function findContainerEnd(bytes: Uint8Array, from: number, state: StringState, levels: number): number {
  let position = from;
  let current = state;
  for (let level = 0; level < levels; level += 1) {
    const close = findMemberBoundary(bytes, position, current, Number.POSITIVE_INFINITY);
    if (close === undefined) return -1;
    position = close.position + 1;
    current = OUTSIDE_STRINGS;
  }
  return position;
}

/** Where a run of an object's members may end: a `,` or the container's closing bracket, both at its own level. */
export interface MemberBoundary {
  readonly position: number;
  /** The boundary is the container's closing bracket (`}`, or `]` when scanning an array). */
  readonly isObjectEnd: boolean;
}

/**
 * The first boundary between members of the object being read at `from` (scanning in `state`,
 * at the object's own level, not inside one of its values' containers) that lies at or after
 * `atOrAfter`, or the object's `}` if that comes first; undefined when the text ends first.
 */
export function findMemberBoundary(bytes: Uint8Array, from: number, state: StringState, atOrAfter: number): MemberBoundary | undefined {
  let isInString = state.isInString;
  let isEscaped = state.isEscaped;
  let nested = 0;
  for (let i = from; i < bytes.length; i += 1) {
    const byte = bytes[i] as number;
    if (isInString) {
      if (isEscaped) isEscaped = false;
      else if (byte === BACKSLASH) isEscaped = true;
      else if (byte === QUOTE) isInString = false;
    } else if (byte === QUOTE) {
      isInString = true;
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      nested += 1;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (nested === 0) return { position: i, isObjectEnd: true };
      nested -= 1;
    } else if (byte === COMMA && nested === 0 && i >= atOrAfter) {
      return { position: i, isObjectEnd: false };
    }
  }
  return undefined;
}
