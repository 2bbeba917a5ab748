// The two halves of the document merge: diff a plugin's reply against the input it saw into
// claims, and apply a set of claims to a document. Pure; documents are plain JSON values.
//
// Diff rules (docs/hooks-and-merge.md "How a reply becomes claims"):
// - Objects (structs and maps) are compared key by key: a key whose value differs is a set-claim
//   on that key's path (recursing when both sides are objects), a key that vanished is a
//   remove-claim. A null or absent object on the input side counts as `{}`, so two plugins that
//   each add a different label to a config without Labels do not collide.
// - Keyed arrays (json-paths.ts KEYED_ARRAYS: Env, Label, Binds, Mounts) are compared entry by
//   entry by key; reordering entries is not a change. An array whose elements cannot all be keyed,
//   or that repeats a key, is compared as one atomic value.
// - Every other value, arrays included, is atomic: deep-equal or a set-claim on its path.

import {
  formatPath, indexKeyedArray, isMapAt, isPlainObject, keyedArrayAt, type PathSegment,
} from './json-paths.ts';

export interface Claim {
  readonly plugin: string;
  readonly segments: readonly PathSegment[];
  /** Display form, e.g. `HostConfig.Binds[/data]`. */
  readonly path: string;
  /** Canonical identity of the path; a claim's ancestors' ids are prefixes of its id. */
  readonly id: string;
  readonly action: 'set' | 'remove';
  /** For `set`: the value the plugin wants at the path. */
  readonly value?: unknown;
}

/** A segment's part of a claim id: its kind's initial and its name as a JSON string (so ids are prefix-free). */
export function segmentId(segment: PathSegment): string {
  const initial = segment.kind === 'field' ? 'f' : segment.kind === 'key' ? 'k' : 'e';
  return isJsonVerbatim(segment.name) ? `${initial}"${segment.name}"` : initial + JSON.stringify(segment.name);
}

/**
 * Whether JSON.stringify(name) is the name between quotes: no quote, backslash, control character
 * or surrogate (JSON.stringify escapes a lone one; any is sent to it). Most names are, and the loop
 * is cheaper than the call.
 */
function isJsonVerbatim(name: string): boolean {
  for (let i = 0; i < name.length; i += 1) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return false;
  }
  return true;
}

export function pathId(segments: readonly PathSegment[]): string {
  let id = '';
  for (const segment of segments) id += segmentId(segment);
  return id;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

/**
 * The claims that turn `before` into `after`, in `after`'s order (which fixes Env append order).
 * `at`: the path of `before` and `after` in their document when they are a part of it (the
 * narrowed diff of reply-claims.ts); the claims are exactly those the whole documents' diff
 * finds inside that part.
 */
export function diffDocuments(before: unknown, after: unknown, plugin: string, at: readonly PathSegment[] = []): Claim[] {
  const claims: Claim[] = [];
  diffValue(claims, plugin, before, after, at.slice());
  return claims;
}

/** A claim with its display path and id, which are built only here, for a path that differs. */
function addClaim(claims: Claim[], plugin: string, segments: PathSegment[], action: Claim['action'], value?: unknown): void {
  const path = formatPath(segments);
  const id = pathId(segments);
  claims.push(action === 'set' ? { plugin, segments, path, id, action, value } : { plugin, segments, path, id, action });
}

/**
 * diffDocuments' walk. A module function rather than a closure per diff, and keys by index rather
 * than Object.entries (an array per member): the walk runs over every member of a reply that takes
 * the full path (a Go plugin's reply, whose key order differs from the input's).
 */
function diffValue(claims: Claim[], plugin: string, b: unknown, a: unknown, segments: PathSegment[]): void {
  const countBefore = claims.length;
  if (isPlainObject(a) && (isPlainObject(b) || b == null)) {
    const from: Record<string, unknown> = isPlainObject(b) ? b : {};
    // childSegment(segments, key) for every key, with the map-or-struct question asked once.
    const kind = isMapAt(segments) ? 'key' : 'field';
    const keys = Object.keys(a);
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i] as string;
      const value = a[key];
      const isKept = Object.hasOwn(from, key);
      // The same value (every unchanged string, number, boolean and null) gives no claim: skip
      // the recursion and its path array, which is most keys of a reply.
      if (isKept && from[key] === value) continue;
      diffValue(claims, plugin, isKept ? from[key] : undefined, value, [...segments, { kind, name: key }]);
    }
    for (const key of Object.keys(from)) {
      if (!Object.hasOwn(a, key)) addClaim(claims, plugin, [...segments, { kind, name: key }], 'remove');
    }
    if (b == null && claims.length === countBefore) addClaim(claims, plugin, segments, 'set', a);
    return;
  }
  if (Array.isArray(a) && (Array.isArray(b) || b == null)) {
    const keyOf = keyedArrayAt(segments);
    const from = keyOf && indexKeyedArray(Array.isArray(b) ? b : [], keyOf);
    const to = from && keyOf && indexKeyedArray(a, keyOf);
    if (from && to) {
      for (const [key, value] of to) {
        if (!from.has(key) || !deepEqual(from.get(key), value)) addClaim(claims, plugin, [...segments, { kind: 'entry', name: key }], 'set', value);
      }
      for (const key of from.keys()) {
        if (!to.has(key)) addClaim(claims, plugin, [...segments, { kind: 'entry', name: key }], 'remove');
      }
      if (b == null && claims.length === countBefore) addClaim(claims, plugin, segments, 'set', a);
      return;
    }
  }
  if (!deepEqual(b, a)) addClaim(claims, plugin, segments, 'set', a);
}

type Container = Record<string, unknown> | unknown[];

/** The child of `parent` named by segments[index]; segments[0, index) is the parent's path. */
function readChild(parent: Container, segments: readonly PathSegment[], index: number): unknown {
  const segment = segments[index] as PathSegment;
  if (segment.kind === 'entry') {
    const keyOf = keyedArrayAt(segments.slice(0, index));
    return Array.isArray(parent) && keyOf ? parent.find((element) => keyOf(element) === segment.name) : undefined;
  }
  if (Array.isArray(parent)) return undefined;
  // An absent "__proto__" must read as absent, not as the prototype.
  return segment.name === '__proto__' && !Object.hasOwn(parent, '__proto__') ? undefined : parent[segment.name];
}

/** Sets (or removes) the child of `parent` named by segments[index]; segments[0, index) is the parent's path. */
function writeChild(parent: Container, segments: readonly PathSegment[], index: number, value: unknown, remove: boolean): void {
  const segment = segments[index] as PathSegment;
  if (segment.kind === 'entry') {
    if (!Array.isArray(parent)) return;
    const keyOf = keyedArrayAt(segments.slice(0, index));
    const at = keyOf ? parent.findIndex((element) => keyOf(element) === segment.name) : -1;
    if (remove) {
      if (at >= 0) parent.splice(at, 1);
    } else if (at >= 0) {
      parent[at] = value;
    } else {
      parent.push(value); // new entries go last, in the order the claims are applied
    }
    return;
  }
  if (Array.isArray(parent)) return;
  if (remove) delete parent[segment.name];
  else setMember(parent, segment.name, value);
}

/**
 * Sets `object[key]` as an own data member. A "__proto__" member (from JSON.parse, or a plugin's
 * reply) is a key like any other: assignment would set the object's prototype instead.
 */
function setMember(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

function isContainerFor(value: unknown, next: PathSegment): value is Container {
  return next.kind === 'entry' ? Array.isArray(value) : isPlainObject(value);
}

/**
 * A deep copy of a JSON document, as structuredClone makes it, for what documents are made of: plain
 * objects, arrays and primitives are copied here (structuredClone serialises and deserialises, and
 * was the largest single step of a merge: docs/performance.md §5.3); any other object (a Date an
 * embedder put in a document) is still copied by structuredClone. Documents are trees (they were
 * JSON text or have been JSON.stringify'd before a merge), so shared or cyclic references do not occur.
 */
export function cloneDocument(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i += 1) copy[i] = cloneDocument(value[i]);
    return copy;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    setMember(copy, key, cloneDocument((value as Record<string, unknown>)[key]));
  }
  return copy;
}

/** Objects with at most this many keys are copied member by member rather than by spread (copyContainer). */
const MEMBERWISE_COPY_KEYS = 16;

/**
 * A copy of one container on a claim's path: its own members, sharing their values; `__proto__`
 * from JSON.parse stays an own key (assignment would set the prototype); an object of another
 * prototype (a Date an embedder put in a document) is copied whole by structuredClone, as
 * cloneDocument does.
 *
 * A small object is copied member by member into `{}`, not by spread: V8 gives a spread copy a map
 * of its own, outside the shared transition tree, so every key a claim then adds to it (a new
 * label, GenericParams entry or field: what a Go reply to preCreateEndpoint does) allocated a new
 * map, about 0.8 µs and old-space garbage per key. A large object is spread (a member-wise copy of
 * 25 keys costs more than that), and keys added to it pay as before. All give the same members in
 * the same order.
 */
function copyContainer(value: Container): Container {
  if (Array.isArray(value)) return value.slice();
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  // Object.assign copies what spread copies (own enumerable keys, symbols too, in the same order)
  // but by assignment, which for a `__proto__` key would set the prototype: spread defines it.
  if (Object.keys(value).length > MEMBERWISE_COPY_KEYS || Object.hasOwn(value, '__proto__')) return { ...value };
  return Object.assign({}, value);
}

/**
 * Applies claims in the given order and returns the new document; `document` is not modified.
 * Copy-on-write: only the containers on a claim's path are copied (once per apply, however many
 * claims pass through them); every other subtree of the result is the input's own object, shared
 * (the contract of MergeOutcome.document in types.ts: treat both as read-only). A claim's value is
 * copied, so the result shares nothing with a plugin's reply. Containers that a claim needs but
 * that are null or absent (a new label on a config without Labels) are created. The caller
 * guarantees the claims do not overlap (merge.ts rejects that as a conflict).
 *
 * Before copy-on-write the whole input was deep-copied first, whatever the size of the change:
 * 17 µs self time per changed reply on the 2 KB create config (CPU profile of bench row env-1).
 */
export function applyClaims(document: unknown, claims: readonly Claim[]): unknown {
  // Containers made by this apply (copies and new ones): written in place by later claims.
  const owned = new Set<Container>();
  const writable = (value: Container): Container => {
    if (owned.has(value)) return value;
    const copy = copyContainer(value);
    owned.add(copy);
    return copy;
  };
  const created = (next: PathSegment): Container => {
    const container: Container = next.kind === 'entry' ? [] : {};
    owned.add(container);
    return container;
  };
  let root: unknown = document;
  for (const claim of claims) {
    const { segments } = claim;
    const first = segments[0];
    if (first === undefined) {
      root = claim.action === 'set' ? cloneDocument(claim.value) : undefined;
      if (typeof root === 'object' && root !== null) owned.add(root as Container);
      continue;
    }
    root = isContainerFor(root, first) ? writable(root) : created(first);
    let parent = root as Container;
    for (let i = 0; i < segments.length - 1; i += 1) {
      const next = segments[i + 1] as PathSegment;
      const child = readChild(parent, segments, i);
      const writableChild = isContainerFor(child, next) ? writable(child) : created(next);
      if (writableChild !== child) writeChild(parent, segments, i, writableChild, false);
      parent = writableChild;
    }
    writeChild(parent, segments, segments.length - 1, cloneDocument(claim.value), claim.action === 'remove');
  }
  return root;
}
