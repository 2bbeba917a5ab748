// Volume routes: list, create (volume.preCreate runs inside the manager), inspect, remove.

import { parseFilters } from '../containers/inspect-view.ts';
import { ANONYMOUS_LABEL } from '../volumes/volume-manager.ts';
import type { VolumeRecord } from '../volumes/volume-record.ts';
import { checkEngineBody } from '../validation/engine-schema/body-schema.ts';
import { parseJsonObject } from './request-body.ts';
import type { RouteDeps } from './route-deps.ts';
import { emptyResponse, jsonResponse, type RouteSpec } from './route-table.ts';

export function volumeRoutes(deps: RouteDeps): RouteSpec[] {
  const { volumes } = deps;
  return [
    {
      method: 'GET', path: '/volumes', handler: async (ctx) =>
        jsonResponse(200, { Volumes: volumes.list(parseFilters(ctx.query.get('filters'))).map(toVolumeJson), Warnings: [] }),
    },
    {
      method: 'POST', path: '/volumes/create', handler: async (ctx) =>
        jsonResponse(201, toVolumeJson(await volumes.create(checkedVolumeConfig(ctx.body)))),
    },
    {
      // docker volume prune: unused anonymous volumes, or every unused volume with the filter all=true
      // (Docker ≥ 23 semantics, so a prune never takes named data by surprise).
      method: 'POST', path: '/volumes/prune', handler: async (ctx) => {
        const filters = parseFilters(ctx.query.get('filters'));
        const all = (filters.all ?? []).some((v) => v === 'true' || v === '1');
        const labels = [...(filters.label ?? []), ...(all ? [] : [ANONYMOUS_LABEL])];
        const unused = volumes.list({ dangling: ['true'], label: labels });
        for (const volume of unused) await volumes.remove(volume.Name);
        return jsonResponse(200, { VolumesDeleted: unused.map((v) => v.Name), SpaceReclaimed: 0 });
      },
    },
    { method: 'GET', path: '/volumes/{name}', handler: async (ctx) => jsonResponse(200, toVolumeJson(volumes.get(ctx.params.name as string))) },
    {
      method: 'DELETE', path: '/volumes/{name}', handler: async (ctx) => {
        await volumes.remove(ctx.params.name as string);
        return emptyResponse(204);
      },
    },
  ];
}

export function toVolumeJson(volume: VolumeRecord): Record<string, unknown> {
  return { ...volume, Status: {}, UsageData: null };
}

function checkedVolumeConfig(body: Buffer): Record<string, unknown> {
  const config = parseJsonObject(body, 'volume config', true);
  checkEngineBody('VolumeCreate', config, 'volume config');
  return config;
}
