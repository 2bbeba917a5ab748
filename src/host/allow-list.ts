// Allow-lists: the paths a plugin may change (manifest `allowedPaths`). Pure.
//
// Matching rules (docs/hooks-and-merge.md "Allow-lists"):
// - A pattern is written in the path syntax of json-paths.ts: `HostConfig.Memory`, `Env[*]`,
//   `Labels[com.example.*]`, `HostConfig.*`, or `$` for the whole document.
// - Segments match one for one and in kind: a dotted segment `.Name` matches only a struct field,
//   a bracketed segment `[k]` only a map key or a keyed-array entry.
// - Inside a segment `*` matches any run of characters (also none, also dots); everything else
//   matches itself, case-sensitively.
// - A pattern allows the path it matches and everything below it: `HostConfig` allows
//   `HostConfig.Memory`, `Labels[a.*]` allows `Labels[a.b]`. It does not allow what is above it:
//   `Labels[*]` does not allow replacing or removing `Labels` as a whole.
// - No list (undefined) allows everything; an empty list allows nothing.

import { parsePath, writtenSegments, type PathSegment, type WrittenSegment } from './json-paths.ts';

export interface AllowList {
  readonly patterns: readonly string[];
  allows(segments: readonly PathSegment[]): boolean;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 's');
}

interface CompiledSegment {
  readonly bracketed: boolean;
  readonly name: RegExp;
}

/** Throws a TypeError naming the bad pattern; manifest.ts turns it into ERR_MANIFEST_INVALID. */
export function compileAllowList(patterns: readonly string[]): AllowList {
  const compiled: CompiledSegment[][] = patterns.map((pattern) =>
    parsePath(pattern).map((segment: WrittenSegment) => ({ bracketed: segment.bracketed, name: globToRegExp(segment.name) })));
  return {
    patterns,
    allows(segments) {
      const written = writtenSegments(segments);
      return compiled.some((pattern) =>
        pattern.length <= written.length &&
        pattern.every((p, i) => {
          const w = written[i] as WrittenSegment;
          return p.bracketed === w.bracketed && p.name.test(w.name);
        }));
    },
  };
}
