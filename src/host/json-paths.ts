// The path syntax of the merge (docs/hooks-and-merge.md "Paths"): how a place in a JSON document is
// named in claims, provenance, conflict messages and allow-lists, and which objects are maps and
// which arrays are keyed collections. Pure; no I/O.
//
//   HostConfig.Memory                       a field of a struct object
//   Labels[com.example.team]                a key of a map object
//   Env[PATH]   HostConfig.Binds[/data]     an entry of a keyed array (by variable / container path)
//   NetworkingConfig.EndpointsConfig[bridge].IPAMConfig.IPv4Address
//   $                                       the whole document
//
// Inside brackets a key is written verbatim except that `\` and `]` are escaped with `\`.

/** One step into a document. `entry` is an element of a keyed array, named by its key. */
export type PathSegment =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly name: string }
  | { readonly kind: 'entry'; readonly name: string };

/**
 * Objects whose keys are data, not schema: their keys are written `[key]`. Matched by the name of
 * the field that holds the object, at any depth, in every hook's document (ContainerCreateConfig,
 * UpdateConfig, VolumeCreateConfig, the endpoint). Every other object is a struct.
 */
export const MAP_FIELDS: ReadonlySet<string> = new Set([
  'Labels', 'SpecAnnotation', 'Annotations', 'DriverOpts', 'GenericParams', 'Sysctls',
  'StorageOpt', 'DiskQuota', 'Tmpfs', 'ExposedPorts', 'Volumes', 'EndpointsConfig', 'PortBindings',
]);

/** Maps identified by their parent too, because their own name ("Config") is also a struct's. */
const MAP_FIELD_PATHS: ReadonlyArray<readonly [string, string]> = [['LogConfig', 'Config']];

/** How the elements of a keyed array are keyed; undefined for an element that has no key. */
type KeyOf = (element: unknown) => string | undefined;

/** "K=V" strings keyed by K ("K" alone, as in an update's Env removal, is keyed by K too). */
const keyOfAssignment: KeyOf = (element) => {
  if (typeof element !== 'string' || element.length === 0) return undefined;
  const equals = element.indexOf('=');
  return equals === -1 ? element : element.slice(0, equals); // element.split('=', 1)[0], without the array
};

/** Binds "src:/dst[:opts]" or "/dst" (anonymous volume) keyed by the container path /dst. */
const keyOfBind: KeyOf = (element) => {
  if (typeof element !== 'string' || element.length === 0) return undefined;
  const parts = element.split(':');
  return parts.length === 1 ? parts[0] : parts[1] || undefined;
};

/** Mounts [{Type, Source, Target, ...}] keyed by Target. */
const keyOfMount: KeyOf = (element) =>
  isPlainObject(element) && typeof element.Target === 'string' && element.Target !== '' ? element.Target : undefined;

/** Arrays merged entry by entry, by the name of the field holding them; all others are atomic. */
const KEYED_ARRAYS: ReadonlyMap<string, KeyOf> = new Map([
  ['Env', keyOfAssignment],
  ['Label', keyOfAssignment], // UpdateConfig.Label: ["k=v"]
  ['Binds', keyOfBind],
  ['Mounts', keyOfMount],
]);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The struct field name a value sits under; map keys are data and never make a map or keyed array. */
function lastFieldName(segments: readonly PathSegment[]): string | undefined {
  const last = segments.at(-1);
  return last?.kind === 'field' ? last.name : undefined;
}

/** Whether the object found at `segments` is a map (its keys become `[key]` segments). */
export function isMapAt(segments: readonly PathSegment[]): boolean {
  const name = lastFieldName(segments);
  if (name === undefined) return false;
  if (MAP_FIELDS.has(name)) return true;
  const parent = segments.length >= 2 ? segments[segments.length - 2] : undefined;
  return MAP_FIELD_PATHS.some(([p, n]) => n === name && parent?.kind === 'field' && parent.name === p);
}

/** The key function of the array found at `segments`, if it is a keyed collection. */
export function keyedArrayAt(segments: readonly PathSegment[]): KeyOf | undefined {
  const name = lastFieldName(segments);
  return name === undefined ? undefined : KEYED_ARRAYS.get(name);
}

/**
 * The elements of a keyed array by key, or undefined when the array cannot be keyed (an element
 * without a key, or a key that appears twice): such an array is compared as one atomic value.
 */
export function indexKeyedArray(array: readonly unknown[], keyOf: KeyOf): Map<string, unknown> | undefined {
  const byKey = new Map<string, unknown>();
  for (const element of array) {
    const key = keyOf(element);
    if (key === undefined || byKey.has(key)) return undefined;
    byKey.set(key, element);
  }
  return byKey;
}

export function keyOfEntry(segments: readonly PathSegment[], element: unknown): string | undefined {
  return keyedArrayAt(segments)?.(element);
}

/** The segment for `key` of the object at `parent`: a struct field, or a map key. */
export function childSegment(parent: readonly PathSegment[], key: string): PathSegment {
  return isMapAt(parent) ? { kind: 'key', name: key } : { kind: 'field', name: key };
}

/** Struct field names written with a dot; any other name is written in brackets. */
const PLAIN_FIELD = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function escapeKey(name: string): string {
  // Most keys have nothing to escape; skip the replace (and its callback) for those.
  if (!name.includes('\\') && !name.includes(']')) return name;
  return name.replace(/[\\\]]/g, (c) => `\\${c}`);
}

/** The display form of a path: `HostConfig.Binds[/data]`; `$` for the whole document. */
export function formatPath(segments: readonly PathSegment[]): string {
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

/** The written form of each segment, as formatPath prints it (for allow-list matching). */
export function writtenSegments(segments: readonly PathSegment[]): WrittenSegment[] {
  return segments.map((segment) => ({
    bracketed: !(segment.kind === 'field' && PLAIN_FIELD.test(segment.name)),
    name: segment.name,
  }));
}

/** A parsed pattern or path segment: `.name` (field) or `[name]` (key or entry). */
export interface WrittenSegment {
  readonly bracketed: boolean;
  readonly name: string;
}

/**
 * Parses the display form back into segments (used for allow-list patterns). Throws a TypeError
 * with the reason when the text is not a path; the caller names the manifest field.
 */
export function parsePath(text: string): WrittenSegment[] {
  if (text === '$') return [];
  if (text === '') throw new TypeError('a path may not be empty');
  const segments: WrittenSegment[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '[') {
      let name = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw new TypeError(`unterminated "[" in "${text}"`);
        const d = text[i] as string;
        if (d === '\\' && i + 1 < text.length) { name += text[i + 1]; i += 2; continue; }
        if (d === ']') { i += 1; break; }
        name += d;
        i += 1;
      }
      if (name === '') throw new TypeError(`empty "[]" in "${text}"`);
      segments.push({ bracketed: true, name });
      continue;
    }
    if (c === '.') {
      if (segments.length === 0) throw new TypeError(`"${text}" may not start with "."`);
      i += 1;
    } else if (segments.length > 0) {
      throw new TypeError(`expected "." or "[" at offset ${i} of "${text}"`);
    }
    let name = '';
    while (i < text.length && text[i] !== '.' && text[i] !== '[') {
      if (text[i] === ']') throw new TypeError(`unexpected "]" at offset ${i} of "${text}"`);
      name += text[i];
      i += 1;
    }
    if (name === '') throw new TypeError(`empty field name in "${text}"`);
    segments.push({ bracketed: false, name });
  }
  return segments;
}
