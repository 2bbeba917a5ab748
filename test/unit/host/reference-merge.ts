// The merge's full path as it was before the reply-lean changes (main c555363, 2026-12-06): a
// frozen copy of decodeReplyDocument (reply-decode.ts), diffDocuments and applyClaims
// (document-diff.ts), formatPath (json-paths.ts), replyDepthProblem (reply-limits.ts) and
// mergeGroup, findConflict and appendProvenance (merge.ts), isJsonFaithful (reply-narrow.ts). The property tests hold the host's
// faster code to exactly its claims, documents, provenance and errors. Test code: do not "fix" it;
// a behaviour change of the host must change this file on purpose, in the same commit.

import { compileAllowList, type AllowList } from '../../../src/host/allow-list.ts';
import { HookdError } from '../../../src/host/errors.ts';
import type { FailurePolicy, HookName, HookSpec } from '../../../src/host/hooks.ts';
import {
  indexKeyedArray, isMapAt, isPlainObject, keyedArrayAt, type PathSegment,
} from '../../../src/host/json-paths.ts';
import { MAX_REPLY_DOCUMENT_BYTES } from '../../../src/host/reply-decode.ts';
import { MAX_REPLY_DEPTH, MAX_REPLY_ENTRIES, replySizeProblem } from '../../../src/host/reply-limits.ts';
import type { ProvenanceEntry } from '../../../src/host/types.ts';

const PLAIN_FIELD = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function escapeKey(name: string): string {
  if (!name.includes('\\') && !name.includes(']')) return name;
  return name.replace(/[\\\]]/g, (c) => `\\${c}`);
}

function formatPath(segments: readonly PathSegment[]): string {
  if (segments.length === 0) return '$';
  let out = '';
  for (const segment of segments) {
    if (segment.kind === 'field' && PLAIN_FIELD.test(segment.name)) {
      out += out === '' ? segment.name : `.${segment.name}`;
    } else {
      out += `[${escapeKey(segment.name)}]`;
    }
  }
  return out;
}

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

export interface Claim {
  readonly plugin: string;
  readonly segments: readonly PathSegment[];
  readonly path: string;
  readonly id: string;
  readonly action: 'set' | 'remove';
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

export function diffDocuments(before: unknown, after: unknown, plugin: string, at: readonly PathSegment[] = []): Claim[] {
  const claims: Claim[] = [];
  const claim = (segments: PathSegment[], action: Claim['action'], value?: unknown): void => {
    claims.push({ plugin, segments, path: formatPath(segments), id: pathId(segments), action, ...(action === 'set' ? { value } : {}) });
  };

  const diffValue = (b: unknown, a: unknown, segments: PathSegment[]): void => {
    const countBefore = claims.length;
    if (isPlainObject(a) && (isPlainObject(b) || b == null)) {
      const from = isPlainObject(b) ? b : {};
      const kind = isMapAt(segments) ? 'key' : 'field';
      for (const [key, value] of Object.entries(a)) {
        const isKept = Object.hasOwn(from, key);
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
  if (Array.isArray(parent)) return undefined;
  // An absent "__proto__" must read as absent, not as the prototype.
  return segment.name === '__proto__' && !Object.hasOwn(parent, '__proto__') ? undefined : parent[segment.name];
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
  // A "__proto__" member of a reply is a key like any other: assignment would set the prototype.
  else if (segment.name === '__proto__') Object.defineProperty(parent, '__proto__', { value, writable: true, enumerable: true, configurable: true });
  else parent[segment.name] = value;
}

function isContainerFor(value: unknown, next: PathSegment): value is Container {
  return next.kind === 'entry' ? Array.isArray(value) : isPlainObject(value);
}

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
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, writable: true, enumerable: true, configurable: true });
    else copy[key] = item;
  }
  return copy;
}

function copyContainer(value: Container): Container {
  if (Array.isArray(value)) return value.slice();
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  return { ...value };
}

export function applyClaims(document: unknown, claims: readonly Claim[]): unknown {
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

export interface GroupReply {
  readonly plugin: string;
  readonly output?: unknown;
  readonly claims?: readonly Claim[];
  readonly allowedPaths?: readonly string[];
}

export interface GroupContext {
  readonly hook: HookName;
  readonly order: number;
  readonly policyFor?: (plugin: string) => FailurePolicy;
}

export interface GroupMerge {
  readonly document: unknown;
  readonly claims: ProvenanceEntry[];
  readonly dropped: Array<{ plugin: string; error: HookdError }>;
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const compiledAllowLists = new WeakMap<readonly string[], { patterns: readonly string[]; allowList: AllowList }>();

function allowListFor(patterns: readonly string[]): AllowList {
  const cached = compiledAllowLists.get(patterns);
  if (cached && cached.patterns.length === patterns.length && cached.patterns.every((pattern, i) => pattern === patterns[i])) return cached.allowList;
  const allowList = compileAllowList(patterns);
  compiledAllowLists.set(patterns, { patterns: [...patterns], allowList });
  return allowList;
}

function agree(a: Claim, b: Claim): boolean {
  return a.action === b.action && (a.action === 'remove' || deepEqual(a.value, b.value));
}

function findConflict(claims: readonly Claim[]): { path: string; plugins: [string, string] } | undefined {
  const byId = new Map<string, Claim[]>();
  for (const claim of claims) {
    const list = byId.get(claim.id);
    if (list) list.push(claim);
    else byId.set(claim.id, [claim]);
  }
  const found: Array<{ path: string; plugins: [string, string] }> = [];
  const add = (path: string, a: string, b: string): void => {
    found.push({ path, plugins: compareNames(a, b) <= 0 ? [a, b] : [b, a] });
  };
  for (const group of byId.values()) {
    for (let i = 0; i < group.length; i += 1) {
      for (let j = i + 1; j < group.length; j += 1) {
        const a = group[i] as Claim;
        const b = group[j] as Claim;
        if (a.plugin !== b.plugin && !agree(a, b)) add(a.path, a.plugin, b.plugin);
      }
    }
  }
  for (const claim of claims) {
    let prefix = '';
    for (const segment of claim.segments.slice(0, -1)) {
      prefix += segmentId(segment);
      for (const outer of byId.get(prefix) ?? []) {
        if (outer.plugin !== claim.plugin) add(outer.path, outer.plugin, claim.plugin);
      }
    }
    if (claim.segments.length > 0) {
      for (const outer of byId.get('') ?? []) {
        if (outer.plugin !== claim.plugin) add(outer.path, outer.plugin, claim.plugin);
      }
    }
  }
  found.sort((x, y) => compareNames(x.path, y.path) || compareNames(x.plugins[0], y.plugins[0]) || compareNames(x.plugins[1], y.plugins[1]));
  return found[0];
}

export function mergeGroup(input: unknown, replies: readonly GroupReply[], context: GroupContext): GroupMerge {
  const sorted = [...replies].sort((a, b) => compareNames(a.plugin, b.plugin));
  const accepted: Claim[] = [];
  const dropped: Array<{ plugin: string; error: HookdError }> = [];
  for (const reply of sorted) {
    if (reply.claims === undefined && reply.output === undefined) continue;
    const claims = reply.claims ?? diffDocuments(input, reply.output, reply.plugin);
    if (reply.allowedPaths !== undefined && claims.length > 0) {
      const allowList = allowListFor(reply.allowedPaths);
      const outside = claims.find((claim) => !allowList.allows(claim.segments));
      if (outside) {
        const error = new HookdError('ERR_PATH_NOT_ALLOWED', {
          plugin: reply.plugin, hook: context.hook, path: outside.path,
          allowed: reply.allowedPaths.length > 0 ? reply.allowedPaths.join(', ') : 'nothing',
        });
        if (context.policyFor?.(reply.plugin) === 'ignore') {
          dropped.push({ plugin: reply.plugin, error });
          continue;
        }
        throw error;
      }
    }
    accepted.push(...claims);
  }
  const conflict = findConflict(accepted);
  if (conflict) {
    throw new HookdError('ERR_MERGE_CONFLICT', {
      plugin: conflict.plugins[0], other: conflict.plugins[1], hook: context.hook, path: conflict.path,
    });
  }
  return {
    document: accepted.length > 0 ? applyClaims(input, accepted) : input,
    claims: accepted.map((claim) => ({ path: claim.path, plugin: claim.plugin, order: context.order, action: claim.action })),
    dropped,
  };
}

function overlaps(a: string, b: string): boolean {
  if (a === b || a === '$' || b === '$') return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return long.startsWith(short) && (long[short.length] === '.' || long[short.length] === '[');
}

export function appendProvenance(history: readonly ProvenanceEntry[], claims: readonly ProvenanceEntry[]): ProvenanceEntry[] {
  const next = [...history];
  for (const claim of claims) {
    const earlier = history.filter((entry) => entry.order < claim.order && overlaps(entry.path, claim.path));
    if (earlier.length === 0) {
      next.push(claim);
      continue;
    }
    const latestOrder = Math.max(...earlier.map((entry) => entry.order));
    const owners = [...new Set(earlier.filter((entry) => entry.order === latestOrder).map((entry) => entry.plugin))].sort(compareNames);
    next.push({ ...claim, overrode: owners.join(',') });
  }
  return next;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return isPlainObject(value) ? 'object' : typeof value;
}

export function decodeReplyDocument(spec: HookSpec, plugin: string, reply: unknown, input: unknown): unknown {
  const replyField = spec.document?.replyField;
  if (replyField === undefined) return undefined;
  const field = `${replyField}.json`;
  const bad = (reason: string): HookdError => new HookdError('ERR_HOOK_BAD_REPLY', { plugin, hook: spec.name, field, reason });
  const document = isPlainObject(reply) ? reply[replyField] : undefined;
  if (document === undefined || document === null) return undefined;
  if (!isPlainObject(document)) throw bad('must be a JsonDocument message');
  const raw = document.json;
  let bytes: Buffer;
  if (raw instanceof Uint8Array) bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  else if (typeof raw === 'string') bytes = Buffer.from(raw, 'base64');
  else throw bad('must be bytes');
  if (bytes.byteLength > MAX_REPLY_DOCUMENT_BYTES) {
    throw bad(`is ${bytes.byteLength} bytes, more than the ${MAX_REPLY_DOCUMENT_BYTES} byte limit`);
  }
  const text = bytes.toString('utf8');
  const tooDeep = replyDepthProblem(text);
  if (tooDeep) throw bad(tooDeep);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HookdError('ERR_HOOK_BAD_REPLY', { plugin, hook: spec.name, field, reason: `is not JSON (${(error as Error).message}); leave the field unset to mean "unchanged"` }, { cause: error });
  }
  const tooLarge = text.length > MAX_REPLY_ENTRIES ? replySizeProblem(value) : undefined;
  if (tooLarge) throw bad(tooLarge);
  const expected = jsonKind(input);
  if ((expected === 'object' || expected === 'array') && jsonKind(value) !== expected) {
    throw bad(`must be a JSON ${expected} like the input, got ${jsonKind(value)}`);
  }
  return value;
}
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
