// definePlugin: the one call a plugin author makes. It checks the definition early (a typo in a
// hook name fails at start-up, not silently as "never called") and adds `.serve()`.
import type { HookHandlers, HookKey, HookPreferences } from './hook-types.ts';
import type { Logger } from './logger.ts';
import { bindingFor, HOOK_BINDINGS, isHookKey } from './hook-table.ts';
import { servePlugin, type ServeOptions, type ServingPlugin } from './serve.ts';

type Awaitable<T> = T | Promise<T>;

export interface ConfigureContext {
  /** The name the operator gave the plugin in its manifest. */
  pluginName: string;
  /** The protocol version the host chose. */
  protocolVersion: string;
  hostName: string;
  hostVersion: string;
  log: Logger;
}

export interface PluginSpec<TConfig = unknown> {
  name: string;
  version: string;
  hooks: HookHandlers<TConfig>;
  /** Suggested timeout and failure policy per hook; the operator's manifest overrides them. */
  hookOptions?: Partial<Record<HookKey, HookPreferences>>;
  /**
   * Receives the manifest's `config` (parsed JSON; null when the manifest has none) once after the
   * handshake and again after every restart or redial. Throw to refuse it (the host marks the
   * plugin failed with your message). What you return becomes `ctx.pluginConfig` in every handler;
   * return nothing to use the raw config as it is.
   */
  configure?(config: unknown, ctx: ConfigureContext): Awaitable<TConfig | void>;
  /** Called when the host asks the plugin to stop (or on SIGTERM/SIGINT), before it exits. */
  shutdown?(ctx: { reason: string; log: Logger }): Awaitable<void>;
}

export interface Plugin<TConfig = unknown> extends PluginSpec<TConfig> {
  /** Serves the plugin as the hookd host expects (see servePlugin). */
  serve(options?: ServeOptions): Promise<ServingPlugin>;
}

export function definePlugin<TConfig = unknown>(spec: PluginSpec<TConfig>): Plugin<TConfig> {
  validateSpec(spec as PluginSpec);
  const plugin: Plugin<TConfig> = {
    ...spec,
    serve: (options) => servePlugin(plugin as Plugin, options),
  };
  return plugin;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/i;

function validateSpec(spec: PluginSpec): void {
  if (typeof spec.name !== 'string' || !NAME_PATTERN.test(spec.name)) {
    throw new TypeError(`definePlugin: name must be letters, digits, ".", "_" or "-", got ${JSON.stringify(spec.name)}`);
  }
  if (typeof spec.version !== 'string' || spec.version === '') {
    throw new TypeError(`definePlugin(${spec.name}): version must be a non-empty string`);
  }
  const known = HOOK_BINDINGS.map((binding) => binding.key).join(', ');
  for (const [key, handler] of Object.entries(spec.hooks ?? {})) {
    if (!isHookKey(key)) throw new TypeError(`definePlugin(${spec.name}): unknown hook "${key}"; the hooks are: ${known}`);
    if (typeof handler !== 'function') throw new TypeError(`definePlugin(${spec.name}): hooks.${key} must be a function`);
  }
  for (const key of Object.keys(spec.hookOptions ?? {})) {
    if (!isHookKey(key) || typeof spec.hooks?.[key] !== 'function') {
      throw new TypeError(`definePlugin(${spec.name}): hookOptions.${key} is given but hooks.${key} is not implemented`);
    }
    if (bindingFor(key).protoEnum === undefined) {
      throw new TypeError(`definePlugin(${spec.name}): hookOptions.${key} has no effect: ${key} is not a hook point (set options on apiUpdateHandler)`);
    }
  }
}
