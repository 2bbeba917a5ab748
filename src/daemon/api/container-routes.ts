// Container routes (Docker Engine API): create, list, inspect, lifecycle, update, rename, remove,
// and hookd's provenance view. Streaming routes (wait, logs, attach) are in container-stream-routes.ts.

import { toInspect, toListEntry, parseFilters } from '../containers/inspect-view.ts';
import { badRequest, conflict } from './errors.ts';
import { refuseUnsupportedOptions } from '../containers/unsupported-options.ts';
import { checkEngineBody } from '../validation/engine-schema/body-schema.ts';
import { parseJsonObject } from './request-body.ts';
import { parseBooleanQuery, type RouteDeps } from './route-deps.ts';
import { emptyResponse, jsonResponse, type RouteContext, type RouteSpec } from './route-table.ts';
import { applyTerminalSize, parseTerminalSize } from './terminal-resize.ts';

export function containerRoutes(deps: RouteDeps): RouteSpec[] {
  const { containers } = deps;
  const name = (ctx: RouteContext): string => ctx.params.name as string;
  return [
    {
      method: 'POST', path: '/containers/create', handler: async (ctx) => {
        const body = parseJsonObject(ctx.body, 'create config');
        checkEngineBody('ContainerCreate', body, 'create config');
        refuseUnsupportedOptions(body, { canPublishPorts: deps.networks.settings.enabled });
        const record = await containers.create(body, ctx.query.get('name') ?? '');
        return jsonResponse(201, { Id: record.Id, Warnings: [] });
      },
    },
    {
      method: 'GET', path: '/containers/json', handler: async (ctx) => {
        const all = parseBooleanQuery(ctx.query.get('all'));
        const limit = Number(ctx.query.get('limit') ?? '0');
        let records = containers.list({ all: all || limit > 0, filters: parseFilters(ctx.query.get('filters')) });
        if (limit > 0) records = records.slice(0, limit);
        return jsonResponse(200, records.map(toListEntry));
      },
    },
    { method: 'GET', path: '/containers/{name}/json', handler: async (ctx) => jsonResponse(200, toInspect(containers.get(name(ctx)))) },
    {
      method: 'GET', path: '/containers/{name}/hookd/provenance', handler: async (ctx) => {
        const record = containers.get(name(ctx));
        return jsonResponse(200, { Id: record.Id, Name: record.Name, Provenance: record.HookdProvenance });
      },
    },
    {
      method: 'POST', path: '/containers/{name}/start', handler: async (ctx) => {
        await containers.start(name(ctx));
        return emptyResponse(204);
      },
    },
    {
      method: 'POST', path: '/containers/{name}/stop', handler: async (ctx) => {
        await containers.stop(name(ctx), timeoutOf(ctx));
        return emptyResponse(204);
      },
    },
    {
      method: 'POST', path: '/containers/{name}/restart', handler: async (ctx) => {
        await containers.restart(name(ctx), timeoutOf(ctx));
        return emptyResponse(204);
      },
    },
    {
      method: 'POST', path: '/containers/{name}/kill', handler: async (ctx) => {
        await containers.kill(name(ctx), ctx.query.get('signal') || 'SIGKILL');
        return emptyResponse(204);
      },
    },
    {
      // The raw body goes to container.preUpdate before anything decodes it.
      method: 'POST', path: '/containers/{name}/update', handler: async (ctx) => {
        await containers.update(name(ctx), ctx.body);
        return jsonResponse(200, { Warnings: [] });
      },
    },
    {
      method: 'POST', path: '/containers/{name}/rename', handler: async (ctx) => {
        const newName = ctx.query.get('name');
        if (!newName) throw badRequest('rename: the "name" query parameter is required');
        await containers.rename(name(ctx), newName);
        return emptyResponse(204);
      },
    },
    {
      method: 'DELETE', path: '/containers/{name}', handler: async (ctx) => {
        await containers.remove(name(ctx), { force: parseBooleanQuery(ctx.query.get('force')), removeVolumes: parseBooleanQuery(ctx.query.get('v')) });
        return emptyResponse(204);
      },
    },
    {
      // docker container prune: every container that is not running (label filters only).
      method: 'POST', path: '/containers/prune', handler: async (ctx) => {
        const filters = parseFilters(ctx.query.get('filters'));
        const stopped = containers.list({ all: true, filters: { label: filters.label ?? [] } }).filter((r) => !r.State.Running && !r.State.Restarting);
        for (const record of stopped) await containers.remove(record.Id, { force: false, removeVolumes: false });
        return jsonResponse(200, { ContainersDeleted: stopped.map((r) => r.Id), SpaceReclaimed: 0 });
      },
    },
    {
      method: 'POST', path: '/containers/{name}/resize', handler: async (ctx) => {
        const record = containers.get(name(ctx)); // 404 for unknown containers
        const size = parseTerminalSize(ctx.query);
        if (!record.State.Running) throw conflict(`Container ${record.Id} is not running`);
        // A container without Tty has no terminal: nothing to resize, as in Docker.
        // Under conmon the size goes through its ctl fifo; the process runtime's pty is found by pid.
        if (record.Config.Tty === true && !(await deps.runtime.resize?.(record.Id, record.hookd.stateDir, size))) {
          await applyTerminalSize(record.State.Pid, size, ctx.logger, { container: record.Id });
        }
        return emptyResponse(200);
      },
    },
  ];
}

function timeoutOf(ctx: RouteContext): number | undefined {
  const raw = ctx.query.get('t');
  if (raw === null || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds)) throw badRequest(`invalid t parameter: ${JSON.stringify(raw)} is not a whole number of seconds`);
  return seconds;
}
