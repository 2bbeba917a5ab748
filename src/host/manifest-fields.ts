// Typed readers for manifest fields. Each reader either returns the value or throws
// ERR_MANIFEST_INVALID naming the file and the dotted field, with what was expected and what was
// found: `manifest /etc/hookd/plugins.d/quota.json: field "restart.maxFailures" must be a positive
// integer, got "x"`.

import { HookdError } from './errors.ts';

export type JsonObject = Record<string, unknown>;

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export class ManifestFields {
  constructor(readonly file: string) {}

  /** The error for `field` (dotted path; undefined for the document itself). */
  invalid(field: string | undefined, reason: string, cause?: unknown): HookdError {
    return new HookdError('ERR_MANIFEST_INVALID', { file: this.file, ...(field === undefined ? {} : { field }), reason }, cause === undefined ? {} : { cause });
  }

  private expected(field: string, what: string, value: unknown): HookdError {
    return this.invalid(field, `must be ${what}, got ${describeValue(value)}`);
  }

  isObject(value: unknown): value is JsonObject {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  object(field: string, value: unknown): JsonObject {
    if (!this.isObject(value)) throw this.expected(field, 'an object', value);
    return value;
  }

  /** Refuses keys that are not in `known`, so a typo ("timeoutMS") cannot pass silently. */
  onlyKnownKeys(object: JsonObject, known: readonly string[], prefix: string): void {
    for (const key of Object.keys(object)) {
      if (!known.includes(key)) {
        throw this.invalid(`${prefix}${key}`, `is not a known field (known: ${known.join(', ')})`);
      }
    }
  }

  string(field: string, value: unknown, options: { nonEmpty?: boolean } = {}): string {
    if (typeof value !== 'string' || (options.nonEmpty && value === '')) {
      throw this.expected(field, options.nonEmpty ? 'a non-empty string' : 'a string', value);
    }
    return value;
  }

  boolean(field: string, value: unknown, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw this.expected(field, 'true or false', value);
    return value;
  }

  /** An integer in [min, max]; `fallback` when absent. */
  integer(field: string, value: unknown, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw this.expected(field, 'an integer', value);
    if (value < min || value > max) {
      const range = min === 1 && max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `an integer from ${min} to ${max}`;
      throw this.expected(field, range, value);
    }
    return value;
  }

  /** A positive integer of milliseconds, at most `max`. */
  positiveInteger(field: string, value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
    if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)) {
      throw this.expected(field, 'a positive integer', value);
    }
    return this.integer(field, value, fallback, 1, max);
  }

  oneOf<T extends string>(field: string, value: unknown, choices: readonly T[]): T {
    if (typeof value !== 'string' || !choices.includes(value as T)) {
      throw this.expected(field, `one of ${choices.map((c) => `"${c}"`).join(', ')}`, value);
    }
    return value as T;
  }

  stringArray(field: string, value: unknown): string[] {
    if (!Array.isArray(value)) throw this.expected(field, 'an array of strings', value);
    return value.map((item, i) => this.string(`${field}[${i}]`, item));
  }

  stringMap(field: string, value: unknown): Record<string, string> {
    const object = this.object(field, value);
    const out: Record<string, string> = {};
    for (const [key, item] of Object.entries(object)) out[key] = this.string(`${field}.${key}`, item);
    return out;
  }
}
