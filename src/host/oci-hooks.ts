// container.preStart: the OCI prestart hooks plugins return, checked and put in run order. Pure.
// Order (docs/hooks-and-merge.md §6, PouchContainer's convention): higher priority runs earlier; equal
// priorities keep the order they were gathered in (group order, then plugin name, then the
// plugin's own order), unlike Pouch's unstable sort. The daemon merges in its own network hook
// at priority 0.

import { HookdError } from './errors.ts';
import type { OwnedOciHook } from './types.ts';

const HOOK: string = 'container.preStart';

function badReply(plugin: string, field: string, reason: string): HookdError {
  return new HookdError('ERR_HOOK_BAD_REPLY', { plugin, hook: HOOK, field, reason });
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Throws ERR_HOOK_BAD_REPLY naming the plugin and the field (`hooks[1].path`) of the first bad hook. */
function checkOciHook(hook: OwnedOciHook, field: string): void {
  const { plugin } = hook;
  if (!Number.isInteger(hook.priority) || hook.priority < -(2 ** 31) || hook.priority >= 2 ** 31) {
    throw badReply(plugin, `${field}.priority`, `must be a 32-bit integer, got ${JSON.stringify(hook.priority)}`);
  }
  if (typeof hook.path !== 'string' || !hook.path.startsWith('/')) {
    throw badReply(plugin, `${field}.path`, `must be an absolute path, got ${JSON.stringify(hook.path)}`);
  }
  if (!isStringArray(hook.args)) throw badReply(plugin, `${field}.args`, 'must be an array of strings');
  if (!isStringArray(hook.env)) throw badReply(plugin, `${field}.env`, 'must be an array of strings');
  const badEnv = hook.env.find((entry) => !entry.includes('=') || entry.startsWith('='));
  if (badEnv !== undefined) throw badReply(plugin, `${field}.env`, `entries must be "KEY=VALUE", got ${JSON.stringify(badEnv)}`);
  if (hook.timeoutSeconds !== undefined && (!Number.isInteger(hook.timeoutSeconds) || hook.timeoutSeconds < 0)) {
    throw badReply(plugin, `${field}.timeoutSeconds`, `must be an integer >= 0, got ${JSON.stringify(hook.timeoutSeconds)}`);
  }
}

/**
 * Turns one plugin's ContainerPreStartResponse.hooks (proto shape, snake_case) into owned hooks,
 * checking each. `timeout_seconds` 0 means "no timeout" and becomes an absent timeoutSeconds.
 */
export function validateOciHooks(plugin: string, hooks: unknown): OwnedOciHook[] {
  if (hooks === undefined || hooks === null) return [];
  if (!Array.isArray(hooks)) throw badReply(plugin, 'hooks', 'must be a list');
  return hooks.map((raw: unknown, i) => {
    if (typeof raw !== 'object' || raw === null) throw badReply(plugin, `hooks[${i}]`, 'must be an OciHook message');
    const wire = raw as Record<string, unknown>;
    const timeout = wire.timeout_seconds ?? 0;
    const hook: OwnedOciHook = {
      plugin,
      priority: (wire.priority ?? 0) as number,
      path: wire.path as string,
      args: (wire.args ?? []) as string[],
      env: (wire.env ?? []) as string[],
      ...(timeout === 0 ? {} : { timeoutSeconds: timeout as number }),
    };
    checkOciHook(hook, `hooks[${i}]`);
    return hook;
  });
}

/**
 * The run order of gathered hooks: stable, higher priority first. Checks every hook first and
 * throws ERR_HOOK_BAD_REPLY naming the plugin and field of the first bad one.
 */
export function sortOciHooks(hooks: readonly OwnedOciHook[]): OwnedOciHook[] {
  const seen = new Map<string, number>();
  for (const hook of hooks) {
    const index = seen.get(hook.plugin) ?? 0;
    seen.set(hook.plugin, index + 1);
    checkOciHook(hook, `hooks[${index}]`);
  }
  // Array.prototype.sort is stable (ES2019), so equal priorities keep their gathered order.
  return [...hooks].sort((a, b) => b.priority - a.priority);
}
