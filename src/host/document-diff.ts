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

export function segmentId(segment: PathSegment): string {
  return `${segment.kind[0]}${JSON.stringify(segment.name)}`;
}

export function pathId(segments: readonly PathSegment[]): string {
  return segments.map(segmentId).join('');
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
  const claim = (segments: PathSegment[], action: Claim['action'], value?: unknown): void => {
    claims.push({ plugin, segments, path: formatPath(segments), id: pathId(segments), action, ...(action === 'set' ? { value } : {}) });
  };

  const diffValue = (b: unknown, a: unknown, segments: PathSegment[]): void => {
    const countBefore = claims.length;
    if (isPlainObject(a) && (isPlainObject(b) || b == null)) {
      const from = isPlainObject(b) ? b : {};
      // childSegment(segments, key) for every key, with the map-or-struct question asked once.
      const kind = isMapAt(segments) ? 'key' : 'field';
      for (const [key, value] of Object.entries(a)) {
        const isKept = Object.hasOwn(from, key);
        // The same value (every unchanged string, number, boolean and null) gives no claim: skip
        // the recursion and its path array, which is most keys of a reply.
        if (isKept && from[key] === value) continue;
        diffValue(isKept ? from[key] : undefined, value, [...segments, { kind, name: key }]);
      }
      for (const key of Object.keys(from)) {
        if (!Object.hasOwn(a, key)) claim([...segments, { kind, name: key }], 'remove');
      }
      if (b == null && claims.length === countBefore) claim(segments, 'set', a);
      return;
    }
    const keyOf = keyedArrayAt(segments);
    if (keyOf && Array.isArray(a) && (Array.isArray(b) || b == null)) {
      const from = indexKeyedArray(Array.isArray(b) ? b : [], keyOf);
      const to = indexKeyedArray(a, keyOf);
      if (from && to) {
        for (const [key, value] of to) {
          if (!from.has(key) || !deepEqual(from.get(key), value)) claim([...segments, { kind: 'entry', name: key }], 'set', value);
        }
        for (const key of from.keys()) {
          if (!to.has(key)) claim([...segments, { kind: 'entry', name: key }], 'remove');
        }
        if (b == null && claims.length === countBefore) claim(segments, 'set', a);
        return;
      }
    }
    if (!deepEqual(b, a)) claim(segments, 'set', a);
  };

  diffValue(before, after, [...at]);
  return claims;
}

type Container = Record<string, unknown> | unknown[];

function readChild(parent: Container, segment: PathSegment, parentPath: readonly PathSegment[]): unknown {
  if (segment.kind === 'entry') {
    const keyOf = keyedArrayAt(parentPath);
    return Array.isArray(parent) && keyOf ? parent.find((element) => keyOf(element) === segment.name) : undefined;
  }
  return Array.isArray(parent) ? undefined : parent[segment.name];
}

function writeChild(parent: Container, segment: PathSegment, parentPath: readonly PathSegment[], value: unknown, remove: boolean): void {
  if (segment.kind === 'entry') {
    if (!Array.isArray(parent)) return;
    const keyOf = keyedArrayAt(parentPath);
    const index = keyOf ? parent.findIndex((element) => keyOf(element) === segment.name) : -1;
    if (remove) {
      if (index >= 0) parent.splice(index, 1);
    } else if (index >= 0) {
      parent[index] = value;
    } else {
      parent.push(value); // new entries go last, in the order the claims are applied
    }
    return;
  }
  if (Array.isArray(parent)) return;
  if (remove) delete parent[segment.name];
  else parent[segment.name] = value;
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
    const item = cloneDocument((value as Record<string, unknown>)[key]);
    // "__proto__" from JSON.parse is an own key; plain assignment would set the prototype instead.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, writable: true, enumerable: true, configurable: true });
    else copy[key] = item;
  }
  return copy;
}

/**
 * A copy of one container on a claim's path: its own members, sharing their values. Spread
 * defines own properties, so a `__proto__` key from JSON.parse stays an own key (assignment would
 * set the prototype); an object of another prototype (a Date an embedder put in a document) is
 * copied whole by structuredClone, as cloneDocument does.
 */
function copyContainer(value: Container): Container {
  if (Array.isArray(value)) return value.slice();
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  return { ...value };
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
      const segment = segments[i] as PathSegment;
      const next = segments[i + 1] as PathSegment;
      const parentPath = segments.slice(0, i);
      const child = readChild(parent, segment, parentPath);
      const writableChild = isContainerFor(child, next) ? writable(child) : created(next);
      if (writableChild !== child) writeChild(parent, segment, parentPath, writableChild, false);
      parent = writableChild;
    }
    const last = segments[segments.length - 1] as PathSegment;
    writeChild(parent, last, segments.slice(0, -1), cloneDocument(claim.value), claim.action === 'remove');
  }
  return root;
}
