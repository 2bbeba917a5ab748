// Editing "KEY=VALUE" lists (a create config's Env, an OCI hook's env, any string array) in place.
// Docker's rules: the variable name is everything before the first "="; a later entry overrides an
// earlier one of the same name; an entry without "=" names a variable with no value given.

/** A string array, or a document whose `Env` field is one (created on first set). */
export type EnvTarget = string[] | { Env?: string[] | null; [key: string]: unknown };

function nameOf(entry: string): string {
  const equals = entry.indexOf('=');
  return equals === -1 ? entry : entry.slice(0, equals);
}

function listOf(target: EnvTarget, create: boolean): string[] | undefined {
  if (Array.isArray(target)) return target;
  if (!Array.isArray(target.Env)) {
    if (!create) return undefined;
    target.Env = [];
  }
  return target.Env as string[];
}

/** The value of `name` (the last entry wins), "" for an entry without "=", undefined if absent. */
export function getEnv(target: EnvTarget, name: string): string | undefined {
  const list = listOf(target, false) ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const entry = list[i] as string;
    if (nameOf(entry) === name) {
      const equals = entry.indexOf('=');
      return equals === -1 ? '' : entry.slice(equals + 1);
    }
  }
  return undefined;
}

export function hasEnv(target: EnvTarget, name: string): boolean {
  return getEnv(target, name) !== undefined;
}

/**
 * Sets `name=value`: replaces the first entry of that name in place (so the list's order is kept)
 * and drops later duplicates, or appends. Creates `Env` on a document that has none.
 */
export function setEnv(target: EnvTarget, name: string, value: string): void {
  const list = listOf(target, true) as string[];
  const entry = `${name}=${value}`;
  const first = list.findIndex((item) => nameOf(item) === name);
  if (first === -1) {
    list.push(entry);
    return;
  }
  list[first] = entry;
  for (let i = list.length - 1; i > first; i--) {
    if (nameOf(list[i] as string) === name) list.splice(i, 1);
  }
}

/** Removes every entry of `name`. Returns whether one was there. */
export function unsetEnv(target: EnvTarget, name: string): boolean {
  const list = listOf(target, false);
  if (!list) return false;
  const before = list.length;
  for (let i = list.length - 1; i >= 0; i--) {
    if (nameOf(list[i] as string) === name) list.splice(i, 1);
  }
  return list.length !== before;
}

/** The list as a record (later entries win), for reading many variables at once. */
export function envToRecord(target: EnvTarget): Record<string, string> {
  const record: Record<string, string> = {};
  for (const entry of listOf(target, false) ?? []) {
    const equals = entry.indexOf('=');
    record[nameOf(entry)] = equals === -1 ? '' : entry.slice(equals + 1);
  }
  return record;
}
