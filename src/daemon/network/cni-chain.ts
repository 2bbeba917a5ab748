// A network configuration list (conflist) run as libcni runs one: ADD calls each plugin in order,
// giving each the previous plugin's result as `prevResult`; DEL calls them in reverse order with
// the cached ADD result as `prevResult`; CHECK like ADD with the cached result. Each plugin gets the
// list's `name` and `cniVersion`, and only the `runtimeConfig` keys its `capabilities` declare.

import { execPlugin, type CniInvocation } from './cni-exec.ts';

export interface CniPluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [field: string]: unknown;
}

export interface ConfList {
  cniVersion: string;
  name: string;
  plugins: CniPluginConf[];
  [field: string]: unknown;
}

/** What one attachment passes to the list besides the list itself. */
export interface AttachmentParams {
  containerId: string;
  netns: string;
  ifName: string;
  args: Array<[string, string]>;
  runtimeConfig: Record<string, unknown>;
}

/** The CNI result (spec 1.0): interfaces, ips with an index into interfaces, routes, dns. */
export interface CniResult {
  cniVersion?: string;
  interfaces?: Array<{ name: string; mac?: string; sandbox?: string }>;
  ips?: Array<{ address: string; gateway?: string; interface?: number }>;
  routes?: Array<{ dst: string; gw?: string }>;
  dns?: Record<string, unknown>;
  [field: string]: unknown;
}

/** The config one plugin of the list receives on stdin. */
export function pluginConfig(list: ConfList, plugin: CniPluginConf, runtimeConfig: Record<string, unknown>, prevResult?: CniResult): Record<string, unknown> {
  const { capabilities = {}, ...rest } = plugin;
  const config: Record<string, unknown> = { ...rest, cniVersion: list.cniVersion, name: list.name };
  const wanted = Object.fromEntries(Object.entries(runtimeConfig).filter(([key]) => capabilities[key] === true));
  if (Object.keys(wanted).length > 0) config.runtimeConfig = wanted;
  if (prevResult !== undefined) config.prevResult = prevResult;
  return config;
}

function invocation(command: CniInvocation['command'], params: AttachmentParams, pluginPath: string[]): CniInvocation {
  return { command, containerId: params.containerId, netns: params.netns, ifName: params.ifName, args: params.args, pluginPath };
}

/**
 * ADD through the whole list. On a failure part-way the whole list is deleted again (reverse
 * order; DEL is idempotent by the spec, and the failing plugin may have made half of its part)
 * before the error is thrown, so nothing is left half made.
 */
export async function addNetworkList(list: ConfList, params: AttachmentParams, pluginPath: string[]): Promise<CniResult> {
  let result: CniResult | undefined;
  try {
    for (const plugin of list.plugins) {
      const out = await execPlugin(plugin.type, pluginConfig(list, plugin, params.runtimeConfig, result), invocation('ADD', params, pluginPath));
      if (out !== undefined) result = out as CniResult;
    }
  } catch (error) {
    await delPlugins(list, [...list.plugins], params, pluginPath, result).catch(() => undefined); // best effort; the ADD error is the one to report
    throw error;
  }
  return result ?? {};
}

/** DEL through the whole list in reverse; every plugin is called even if an earlier one fails. */
export async function delNetworkList(list: ConfList, params: AttachmentParams, pluginPath: string[], cached?: CniResult): Promise<void> {
  await delPlugins(list, [...list.plugins], params, pluginPath, cached);
}

async function delPlugins(list: ConfList, plugins: CniPluginConf[], params: AttachmentParams, pluginPath: string[], prevResult?: CniResult): Promise<void> {
  let first: unknown;
  for (const plugin of plugins.reverse()) {
    try {
      await execPlugin(plugin.type, pluginConfig(list, plugin, params.runtimeConfig, prevResult), invocation('DEL', params, pluginPath));
    } catch (error) {
      first ??= error;
    }
  }
  if (first !== undefined) throw first;
}

/** CHECK with the cached result: resolves if every plugin agrees the attachment is as ADD left it. */
export async function checkNetworkList(list: ConfList, params: AttachmentParams, pluginPath: string[], cached: CniResult): Promise<void> {
  for (const plugin of list.plugins) {
    await execPlugin(plugin.type, pluginConfig(list, plugin, params.runtimeConfig, cached), invocation('CHECK', params, pluginPath));
  }
}
