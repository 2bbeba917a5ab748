// An in-process harness for plugin authors' tests. Each call goes through the same path as a call
// over the wire, minus the socket: the request is serialized and deserialized with the protocol's
// own codecs, handled by the same runtime the gRPC server uses, and the reply (or the error status)
// is serialized and deserialized back, so what a test sees is what the host would see.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { PluginSpec } from '../define-plugin.ts';
import type { ContainerCreateConfig, ContainerJson, EndpointConfig, JsonObject, SandboxMeta, VolumeCreateConfig } from '../container-config/types.ts';
import type { DescribeResponse__Output } from '../generated/types/hookd/v1/DescribeResponse.ts';
import type { OciHook__Output } from '../generated/types/hookd/v1/OciHook.ts';
import type { ApiUpdateHandlerResponse__Output } from '../generated/types/hookd/v1/ApiUpdateHandlerResponse.ts';
import type { HandleHttpRequest } from '../generated/types/hookd/v1/HandleHttpRequest.ts';
import type { HandleHttpResponse__Output } from '../generated/types/hookd/v1/HandleHttpResponse.ts';
import { createLogger } from '../logger.ts';
import { pluginService } from '../protocol.ts';
import { createPluginRuntime } from '../runtime.ts';

export interface HarnessOptions {
  /** When given, Configure is called with it before the first other call. */
  config?: unknown;
}

export interface RequestOptions {
  requestId?: string;
}

export interface TestHarness {
  /** Every log line the plugin wrote, parsed. */
  readonly logs: Array<Record<string, unknown>>;
  /** Any RPC by name with a raw request message; the raw decoded response. */
  call<T = Record<string, unknown>>(rpc: string, request: object): Promise<T>;
  describe(): Promise<DescribeResponse__Output>;
  configure(config: unknown, pluginName?: string): Promise<void>;
  shutdown(reason?: string): Promise<void>;
  /** The returned config, or undefined when the plugin left it unchanged. */
  containerPreCreate(config: ContainerCreateConfig, options?: RequestOptions & { name?: string }): Promise<ContainerCreateConfig | undefined>;
  containerPreStart(container: ContainerJson, options?: RequestOptions & { containerId?: string }): Promise<OciHook__Output[]>;
  containerPreCreateEndpoint(endpoint: EndpointConfig, options?: RequestOptions & {
    containerId?: string; env?: string[]; phase?: 'create' | 'remove';
  }): Promise<EndpointConfig | undefined>;
  /** The replacement body's bytes, or undefined when unchanged. */
  containerPreUpdate(body: JsonObject | string | Buffer, options?: RequestOptions & { containerId?: string }): Promise<Buffer | undefined>;
  containerPostUpdate(update: { containerId?: string; rootfs: string; env: string[] }, options?: RequestOptions): Promise<void>;
  daemonPreStart(start?: { daemonVersion?: string; dataRoot?: string }): Promise<void>;
  daemonPreStop(reason?: string): Promise<void>;
  volumePreCreate(config: VolumeCreateConfig, options?: RequestOptions): Promise<VolumeCreateConfig | undefined>;
  criPreCreateContainer(config: ContainerCreateConfig, sandbox: SandboxMeta, options?: RequestOptions): Promise<ContainerCreateConfig | undefined>;
  apiUpdateHandler(routes: Array<{ method: string; path: string }>): Promise<ApiUpdateHandlerResponse__Output>;
  handleHttp(request: HandleHttpRequest): Promise<HandleHttpResponse__Output>;
  imagePostPull(pull: { imageRef: string; imageId?: string; snapshotter: string; image?: JsonObject }, options?: RequestOptions): Promise<string[]>;
}

type Codec = { requestSerialize(value: object): Buffer; requestDeserialize(bytes: Buffer): unknown; responseSerialize(value: object): Buffer; responseDeserialize(bytes: Buffer): unknown };

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const parseDocument = <T>(document: { json: Buffer } | null): T | undefined =>
  document ? (JSON.parse(document.json.toString('utf8')) as T) : undefined;

export function createTestHarness(plugin: PluginSpec, options: HarnessOptions = {}): TestHarness {
  const logs: Array<Record<string, unknown>> = [];
  const log = createLogger(plugin.name, { level: 'debug', sink: (line) => logs.push(JSON.parse(line)) });
  const runtime = createPluginRuntime(plugin, log);
  let requestCounter = 0;
  let configured: Promise<void> | undefined;

  const roundTrip = async <T>(rpc: string, request: object): Promise<T> => {
    const handle = runtime.rpcs.get(rpc);
    const codec = (pluginService as unknown as Record<string, Codec | undefined>)[rpc];
    if (!handle || !codec) throw new TypeError(`hookd.v1.Plugin has no RPC named ${rpc}`);
    try {
      const response = await handle(codec.requestDeserialize(codec.requestSerialize(request)));
      return codec.responseDeserialize(codec.responseSerialize(response)) as T;
    } catch (error) {
      throw asClientError(error);
    }
  };

  const call = async <T>(rpc: string, request: object): Promise<T> => {
    if (options.config !== undefined && rpc !== 'Configure' && rpc !== 'Describe') {
      configured ??= configure(options.config);
      await configured;
    }
    return roundTrip<T>(rpc, request);
  };

  const configure = async (config: unknown, pluginName = plugin.name): Promise<void> => {
    await roundTrip('Configure', {
      config_json: json(config ?? null), plugin_name: pluginName, protocol_version: '1', host_name: 'hookd-test', host_version: '0.0.0',
    });
  };

  const context = (requestOptions?: RequestOptions) => ({ request_id: requestOptions?.requestId ?? `test-${++requestCounter}` });
  const body = (value: JsonObject | string | Buffer) => (Buffer.isBuffer(value) ? value : typeof value === 'string' ? Buffer.from(value) : json(value));

  return {
    logs,
    call,
    describe: () => roundTrip('Describe', { host_protocol_versions: ['1'], host_name: 'hookd-test', host_version: '0.0.0' }),
    configure,
    shutdown: async (reason = 'test') => {
      await roundTrip('Shutdown', { reason });
    },
    containerPreCreate: async (config, o) => parseDocument((await call<{ config: { json: Buffer } | null }>('ContainerPreCreate', {
      context: context(o), config_json: json(config), name: o?.name ?? '',
    })).config),
    containerPreStart: async (container, o) => (await call<{ hooks: OciHook__Output[] }>('ContainerPreStart', {
      context: context(o), container_id: o?.containerId ?? container.Id ?? '', container_json: json(container),
    })).hooks,
    containerPreCreateEndpoint: async (endpoint, o) => parseDocument((await call<{ endpoint: { json: Buffer } | null }>('ContainerPreCreateEndpoint', {
      context: context(o), container_id: o?.containerId ?? '', env: o?.env ?? [], endpoint_json: json(endpoint),
      phase: o?.phase === 'remove' ? 'ENDPOINT_PHASE_REMOVE' : 'ENDPOINT_PHASE_CREATE',
    })).endpoint),
    containerPreUpdate: async (update, o) => (await call<{ body: { json: Buffer } | null }>('ContainerPreUpdate', {
      context: context(o), container_id: o?.containerId ?? '', body: body(update),
    })).body?.json,
    containerPostUpdate: async (update, o) => {
      await call('ContainerPostUpdate', { context: context(o), container_id: update.containerId ?? '', rootfs: update.rootfs, env: update.env });
    },
    daemonPreStart: async (start = {}) => {
      await call('DaemonPreStart', { daemon_version: start.daemonVersion ?? '0.0.0', data_root: start.dataRoot ?? '/var/lib/hookd' });
    },
    daemonPreStop: async (reason = 'SIGTERM') => {
      await call('DaemonPreStop', { reason });
    },
    volumePreCreate: async (config, o) => parseDocument((await call<{ config: { json: Buffer } | null }>('VolumePreCreate', {
      context: context(o), config_json: json(config),
    })).config),
    criPreCreateContainer: async (config, sandbox, o) => parseDocument((await call<{ config: { json: Buffer } | null }>('CriPreCreateContainer', {
      context: context(o), config_json: json(config), sandbox_json: json(sandbox),
    })).config),
    apiUpdateHandler: (routes) => call('ApiUpdateHandler', { routes }),
    handleHttp: (request) => call('HandleHttp', request),
    imagePostPull: async (pull, o) => (await call<{ snapshotters: string[] }>('ImagePostPull', {
      context: context(o), image_ref: pull.imageRef, image_id: pull.imageId ?? '', snapshotter: pull.snapshotter, image_json: json(pull.image ?? {}),
    })).snapshotters,
  };
}

// What a grpc-js client would reject with: code, details, and "<code> <NAME>: <details>".
function asClientError(error: unknown): ServiceError {
  const source = error as Partial<ServiceError>;
  const code = typeof source.code === 'number' ? source.code : status.UNKNOWN;
  const details = source.details ?? (error instanceof Error ? error.message : String(error));
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
}
