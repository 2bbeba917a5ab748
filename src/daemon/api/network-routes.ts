// Network routes (Docker Engine API /networks): list, inspect, create, remove, connect,
// disconnect, prune. The manager validates; a bad request leaves no record behind.

import { parseFilters } from '../containers/inspect-view.ts';
import type { ContainerRecord } from '../containers/container-record.ts';
import type { NetworkRecord } from '../network/network-record.ts';
import { badRequest } from './errors.ts';
import { parseJsonObject } from './request-body.ts';
import type { RouteDeps } from './route-deps.ts';
import { emptyResponse, jsonResponse, type RouteSpec } from './route-table.ts';

export function networkRoutes(deps: RouteDeps): RouteSpec[] {
  const { networks, containers } = deps;
  const view = (record: NetworkRecord): Record<string, unknown> => toNetworkJson(record, containers.list({ all: true, filters: {} }));
  return [
    {
      method: 'GET', path: '/networks', handler: async (ctx) => {
        const filters = parseFilters(ctx.query.get('filters'));
        const matches = (values: string[] | undefined, test: (v: string) => boolean): boolean => !values || values.length === 0 || values.some(test);
        const listed = networks.list().filter((record) => matches(filters.name, (v) => record.Name.includes(v))
          && matches(filters.id, (v) => record.Id.startsWith(v))
          && matches(filters.driver, (v) => record.Driver === v)
          && matches(filters.type, (v) => (v === 'builtin') === ['bridge', 'host', 'none'].includes(record.Name))
          && matches(filters.label, (v) => { const [key = '', value] = v.split('='); return key in record.Labels && (value === undefined || record.Labels[key] === value); }));
        return jsonResponse(200, listed.map(view));
      },
    },
    {
      method: 'POST', path: '/networks/create', handler: async (ctx) => {
        const record = await networks.create(parseJsonObject(ctx.body, 'network config'));
        return jsonResponse(201, { Id: record.Id, Warning: '' });
      },
    },
    {
      method: 'POST', path: '/networks/prune', handler: async () => jsonResponse(200, { NetworksDeleted: await networks.prune() }),
    },
    { method: 'GET', path: '/networks/{id}', handler: async (ctx) => jsonResponse(200, view(networks.get(ctx.params.id as string))) },
    {
      method: 'DELETE', path: '/networks/{id}', handler: async (ctx) => {
        await networks.remove(ctx.params.id as string);
        return emptyResponse(204);
      },
    },
    {
      method: 'POST', path: '/networks/{id}/connect', handler: async (ctx) => {
        const network = networks.get(ctx.params.id as string);
        const body = parseJsonObject(ctx.body, 'network connect request');
        if (typeof body.Container !== 'string' || body.Container === '') throw badRequest('network connect request: Container is required');
        const endpointConfig = (body.EndpointConfig ?? {}) as Record<string, unknown>;
        await containers.connect(body.Container, network, endpointConfig);
        return emptyResponse(200);
      },
    },
    {
      method: 'POST', path: '/networks/{id}/disconnect', handler: async (ctx) => {
        const network = networks.get(ctx.params.id as string);
        const body = parseJsonObject(ctx.body, 'network disconnect request');
        if (typeof body.Container !== 'string' || body.Container === '') throw badRequest('network disconnect request: Container is required');
        await containers.disconnect(body.Container, network);
        return emptyResponse(200);
      },
    },
  ];
}

/** Docker's network JSON: the record without hookd's CNI list in the way, plus attached containers. */
function toNetworkJson(record: NetworkRecord, containers: ContainerRecord[]): Record<string, unknown> {
  const attached: Record<string, unknown> = {};
  for (const container of containers) {
    const endpoint = container.NetworkSettings.Networks[record.Name];
    if (!endpoint || !container.State.Running) continue;
    attached[container.Id] = {
      Name: container.Name.slice(1), EndpointID: endpoint.EndpointID, MacAddress: endpoint.MacAddress,
      IPv4Address: endpoint.IPAddress ? `${endpoint.IPAddress}/${endpoint.IPPrefixLen}` : '', IPv6Address: '',
    };
  }
  return { ...record, Containers: attached };
}
