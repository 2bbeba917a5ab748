// Network endpoints and hook container.preCreateEndpoint. Like Pouch's buildContainerEndpoint, an
// endpoint is built (and passed through the hook) for every network of the container when it
// starts and again when it is torn down. Failures are logged and ignored: the endpoint goes on
// unchanged (the hook's default policy is `ignore`; a plugin configured `fail` still only logs here).

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { HookInvoker, ProvenanceEntry } from '../../host/index.ts';
import type { ContainerRecord, EndpointState } from './container-record.ts';

export type EndpointPhase = 'ENDPOINT_PHASE_CREATE' | 'ENDPOINT_PHASE_REMOVE';

/** Networks Docker does not let users create: they get DisableResolver = true (Pouch's IsUserDefined). */
const PREDEFINED = new Set(['bridge', 'host', 'none', 'default']);

export function isUserDefinedNetwork(name: string): boolean {
  return !PREDEFINED.has(name) && !name.startsWith('container:') && !name.startsWith('netns:');
}

/** NetworkMode "default" (or empty) means "bridge", as in Docker on Linux. */
export function networkModeOf(record: Pick<ContainerRecord, 'HostConfig'>): string {
  const mode = record.HostConfig.NetworkMode;
  return !mode || mode === 'default' ? 'bridge' : mode;
}

/** The container's networks: the mode's network plus any extra EndpointsConfig entries. */
export function networkNamesOf(record: ContainerRecord): string[] {
  const names = Object.keys(record.NetworkSettings.Networks);
  return names.length > 0 ? names : [networkModeOf(record)];
}

export interface EndpointDocument {
  Name: string;
  ID: string;
  Priority: number;
  DisableResolver: boolean;
  GenericParams: Record<string, unknown>;
  EndpointConfig: Record<string, unknown>;
}

export function buildEndpoint(record: ContainerRecord, network: string): EndpointDocument {
  const current = record.NetworkSettings.Networks[network];
  // The hook sees Docker's EndpointSettings; hookd's bookkeeping (Hookd*) stays out of the document.
  const { Priority: _p, DisableResolver: _d, GenericParams: _g, HookdProvenance: _h, HookdCni: _c, HookdRequestedMac: _m, ...endpointConfig } = current ?? ({} as Partial<EndpointState>);
  return {
    Name: network,
    ID: current?.EndpointID || randomBytes(32).toString('hex'),
    Priority: 0,
    DisableResolver: !isUserDefinedNetwork(network),
    GenericParams: {},
    EndpointConfig: endpointConfig,
  };
}

/**
 * Passes the endpoint through the hook; on any failure returns it unchanged (logged). `provenance`
 * says which plugin set which field (kept per endpoint, shown by inspect).
 */
export async function runEndpointHook(
  invoker: HookInvoker, logger: Logger, record: ContainerRecord, endpoint: EndpointDocument, phase: EndpointPhase,
): Promise<EndpointDocument & { provenance?: ProvenanceEntry[] }> {
  try {
    const result = await invoker.invoke('container.preCreateEndpoint', {
      endpoint, containerId: record.Id, env: record.Config.Env ?? [], phase,
    });
    const document = result.document as Partial<EndpointDocument> | undefined;
    if (!document || typeof document !== 'object') return endpoint;
    return {
      ...endpoint,
      Priority: Number.isInteger(document.Priority) ? Number(document.Priority) : endpoint.Priority,
      DisableResolver: typeof document.DisableResolver === 'boolean' ? document.DisableResolver : endpoint.DisableResolver,
      GenericParams: isPlainObject(document.GenericParams) ? document.GenericParams : endpoint.GenericParams,
      provenance: result.provenance,
    };
  } catch (error) {
    logger.warn({ err: error, container: record.Id, network: endpoint.Name, phase }, 'container.preCreateEndpoint failed; continuing with the endpoint unchanged');
    return endpoint;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Builds and hooks every endpoint of the container (start), recording the results in NetworkSettings. */
export async function createEndpoints(invoker: HookInvoker, logger: Logger, record: ContainerRecord): Promise<void> {
  for (const network of networkNamesOf(record)) {
    const endpoint = await runEndpointHook(invoker, logger, record, buildEndpoint(record, network), 'ENDPOINT_PHASE_CREATE');
    const previous = record.NetworkSettings.Networks[network];
    record.NetworkSettings.Networks[network] = {
      ...emptyEndpointState(network),
      ...previous,
      EndpointID: endpoint.ID,
      Priority: endpoint.Priority,
      DisableResolver: endpoint.DisableResolver,
      GenericParams: endpoint.GenericParams,
      HookdProvenance: endpoint.provenance ?? [],
    };
  }
}

/** Teardown (stop, exit, failed start, remove): the hook sees each endpoint again; changes are ignored. */
export async function releaseEndpoints(invoker: HookInvoker, logger: Logger, record: ContainerRecord): Promise<void> {
  for (const network of networkNamesOf(record)) {
    const endpoint = { ...buildEndpoint(record, network), ...pickOutputs(record.NetworkSettings.Networks[network]) };
    await runEndpointHook(invoker, logger, record, endpoint, 'ENDPOINT_PHASE_REMOVE');
    const state = record.NetworkSettings.Networks[network];
    if (state) state.EndpointID = '';
  }
}

function pickOutputs(state: EndpointState | undefined): Partial<EndpointDocument> {
  if (!state) return {};
  return { Priority: state.Priority, DisableResolver: state.DisableResolver, GenericParams: state.GenericParams };
}

export function emptyEndpointState(network: string): EndpointState {
  return {
    NetworkID: network, EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '', Aliases: null,
    Priority: 0, DisableResolver: !isUserDefinedNetwork(network), GenericParams: {},
  };
}
