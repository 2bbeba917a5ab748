// Typed readers for the daemon config file. Each reader returns the value or throws
// ERR_CONFIG_INVALID naming the file and the dotted field, what was expected and what was found:
// `config /etc/hookd/hookd.json: field "listen.tcp.port" must be an integer from 1 to 65535, got "x"`.
// Separate from the host's manifest readers on purpose: the daemon's config is not a manifest, and
// its errors must not say "manifest".

import { isAbsolute, resolve } from 'node:path';

export type JsonObject = Record<string, unknown>;

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG_INVALID';
  readonly file: string;
  readonly field: string | undefined;

  constructor(file: string, field: string | undefined, reason: string, options?: { cause?: unknown }) {
    super(`config ${file}: ${field === undefined ? '' : `field "${field}" `}${reason}`, options);
    this.name = 'ConfigError';
    this.file = file;
    this.field = field;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export class ConfigFields {
  /** `file` names the config in errors; `baseDir` is where relative paths resolve from. */
  constructor(readonly file: string, readonly baseDir: string) {}

  /** `field` undefined or "" = the document itself. */
  invalid(field: string | undefined, reason: string): ConfigError {
    return new ConfigError(this.file, field === '' ? undefined : field, reason);
  }

  #expected(field: string, what: string, value: unknown): ConfigError {
    return this.invalid(field, `must be ${what}, got ${describeValue(value)}`);
  }

  isObject(value: unknown): value is JsonObject {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }

  /** An object whose keys are all in `known` (a typo such as "pluginDir" is refused). */
  object(field: string, value: unknown, known: readonly string[]): JsonObject {
    if (!this.isObject(value)) throw this.#expected(field, 'an object', value);
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) throw this.invalid(`${field === '' ? '' : `${field}.`}${key}`, `is not a known field (known: ${known.join(', ')})`);
    }
    return value;
  }

  string(field: string, value: unknown): string {
    if (typeof value !== 'string' || value === '') throw this.#expected(field, 'a non-empty string', value);
    return value;
  }

  /** A path; relative paths resolve against the config file's directory. */
  path(field: string, value: unknown): string {
    const text = this.string(field, value);
    return isAbsolute(text) ? text : resolve(this.baseDir, text);
  }

  boolean(field: string, value: unknown): boolean {
    if (typeof value !== 'boolean') throw this.#expected(field, 'true or false', value);
    return value;
  }

  integer(field: string, value: unknown, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw this.#expected(field, `an integer from ${min} to ${max}`, value);
    }
    return value;
  }

  oneOf<T extends string>(field: string, value: unknown, choices: readonly T[]): T {
    if (typeof value !== 'string' || !choices.includes(value as T)) {
      throw this.#expected(field, `one of ${choices.map((choice) => `"${choice}"`).join(', ')}`, value);
    }
    return value as T;
  }

  /** A file mode written as an octal string ("0660"), so JSON's lack of octal numbers cannot mislead. */
  fileMode(field: string, value: unknown): number {
    if (typeof value !== 'string' || !/^0?[0-7]{3}$/.test(value)) throw this.#expected(field, 'an octal mode string such as "0660"', value);
    return Number.parseInt(value, 8);
  }
}
