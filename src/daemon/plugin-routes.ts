// The daemon's own plugin routes, added to the default table (so API plugins see them too):
//   GET /hookd/plugins   every manifest in force with its plugin's status, and the last reload.
//   POST /hookd/plugins/{name}/restart   stop the plugin and start it again from its manifest
//                        (a parked plugin comes back at once); answers its new status.
// `hookd plugins` and `hookd plugins restart NAME` use these; operators can curl them.

import type { PluginManifest, PluginStatus } from '../host/index.ts';
import { ApiError, notFound } from './api/errors.ts';
import { jsonResponse, type RouteSpec } from './api/route-table.ts';
import type { ReloadReport } from './reload.ts';

export interface PluginListing {
  name: string;
  /** The manifest file it came from. */
  file: string;
  enabled: boolean;
  order: number;
  /** Supervision state; "disabled" for a manifest with `enabled: false`. */
  state: PluginStatus['state'] | 'disabled';
  kind?: PluginStatus['kind'];
  version?: string;
  hooks: string[];
  pid?: number;
  restarts: number;
  lastError?: PluginStatus['lastError'];
  since?: string;
}

export interface PluginRoutesSource {
  manifests(): readonly PluginManifest[];
  status(): PluginStatus[];
  lastReload(): ReloadReport | undefined;
  /** Restarts one plugin; rejects with an error whose code is ERR_PLUGIN_UNKNOWN for a name not supervised. */
  restart?(name: string): Promise<PluginStatus>;
}

export function listPlugins(source: PluginRoutesSource): PluginListing[] {
  const statuses = new Map(source.status().map((status) => [status.name, status]));
  return source.manifests().map((manifest) => {
    const status = statuses.get(manifest.name);
    const listing: PluginListing = {
      name: manifest.name, file: manifest.file, enabled: manifest.enabled, order: manifest.order,
      state: status?.state ?? (manifest.enabled ? 'stopped' : 'disabled'),
      hooks: status?.hooks ?? [], restarts: status?.restarts ?? 0,
    };
    if (status) {
      listing.kind = status.kind;
      listing.since = status.since;
      if (status.version !== undefined) listing.version = status.version;
      if (status.pid !== undefined) listing.pid = status.pid;
      if (status.lastError !== undefined) listing.lastError = status.lastError;
    }
    return listing;
  });
}

export function pluginRoutes(source: PluginRoutesSource): RouteSpec[] {
  return [
    { method: 'GET', path: '/hookd/plugins', handler: async () => jsonResponse(200, { Plugins: listPlugins(source), LastReload: source.lastReload() ?? null }) },
    {
      method: 'POST', path: '/hookd/plugins/{name}/restart', handler: async (ctx) => {
        if (!source.restart) throw new ApiError(501, 'this daemon cannot restart plugins');
        try {
          return jsonResponse(200, await source.restart(ctx.params.name as string));
        } catch (error) {
          if ((error as { code?: string }).code === 'ERR_PLUGIN_UNKNOWN') throw notFound((error as Error).message);
          throw error;
        }
      },
    },
  ];
}
