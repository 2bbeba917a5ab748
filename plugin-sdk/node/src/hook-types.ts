// What a plugin author writes: one handler per hook, each taking a decoded context and returning
// a plain value. The SDK turns these into the protobuf messages of proto/hookd/v1/plugin.proto
// (see hook-table.ts); the comments here say what the host does with each result.
import type {
  ContainerCreateConfig, ContainerJson, EndpointConfig, JsonObject, SandboxMeta, VolumeCreateConfig,
} from './container-config/types.ts';
import type { Logger } from './logger.ts';

type Awaitable<T> = T | Promise<T>;

/** Present in every handler's context. */
export interface BaseContext<TConfig> {
  /** Logs JSON lines to stderr with the plugin's name and (for container hooks) the request id. */
  log: Logger;
  /** What `configure` returned for the manifest's config (undefined before Configure). */
  pluginConfig: TConfig | undefined;
  /**
   * Aborted when the host gives up on this call (its deadline passed or it was cancelled). Pass it
   * to fetch, child processes and timers so that work nobody waits for stops.
   */
  signal: AbortSignal;
}

export interface RequestContext<TConfig> extends BaseContext<TConfig> {
  /** Unique per daemon operation; every plugin called for it sees the same id. */
  requestId: string;
}

export interface ContainerPreCreateContext<TConfig> extends RequestContext<TConfig> {
  /** The create config, parsed. Change it in place or return a new one. */
  config: ContainerCreateConfig;
  /** The requested container name (may be ""). Read-only. */
  name: string;
}

export interface ContainerPreStartContext<TConfig> extends RequestContext<TConfig> {
  containerId: string;
  /** The container as inspect shows it, plus BaseFS. Read-only: changes are not sent back. */
  container: ContainerJson;
}

/** One OCI prestart hook. Higher priority runs earlier; the daemon's network hook is priority 0. */
export interface OciHookSpec {
  priority: number;
  /** Absolute path of the executable on the host. */
  path: string;
  /** Full argv; args[0] is conventionally the program name. Defaults to [path]. */
  args?: string[];
  /** "KEY=VALUE" entries. */
  env?: string[];
  /** Seconds before the runtime kills the hook; 0 or absent = no timeout. */
  timeoutSeconds?: number;
}

export type EndpointPhase = 'create' | 'remove' | 'unspecified';

export interface ContainerPreCreateEndpointContext<TConfig> extends RequestContext<TConfig> {
  containerId: string;
  /** The container's env, read-only. */
  env: readonly string[];
  /** The endpoint; change Priority, DisableResolver or GenericParams in place or return a new one. */
  endpoint: EndpointConfig;
  /** On "remove" the host ignores changes. */
  phase: EndpointPhase;
}

export interface ContainerPreUpdateContext<TConfig> extends RequestContext<TConfig> {
  containerId: string;
  /** The body as the client sent it. */
  rawBody: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. Change it in place or return one. */
  body: JsonObject | undefined;
}

export interface ContainerPostUpdateContext<TConfig> extends RequestContext<TConfig> {
  containerId: string;
  /** Host path of the container's root filesystem. */
  rootfs: string;
  /** The full merged env after the update. */
  env: readonly string[];
}

export interface DaemonPreStartContext<TConfig> extends BaseContext<TConfig> {
  daemonVersion: string;
  dataRoot: string;
}

export interface DaemonPreStopContext<TConfig> extends BaseContext<TConfig> {
  /** "SIGTERM", "SIGINT", ... */
  reason: string;
}

export interface VolumePreCreateContext<TConfig> extends RequestContext<TConfig> {
  config: VolumeCreateConfig;
}

export interface CriPreCreateContainerContext<TConfig> extends RequestContext<TConfig> {
  config: ContainerCreateConfig;
  /** Read-only. */
  sandbox: SandboxMeta;
}

export interface Route {
  method: string;
  /** "/containers/{name}/json", without the /v1.NN prefix. */
  path: string;
}

export interface ApiUpdateHandlerContext<TConfig> extends BaseContext<TConfig> {
  routes: readonly Route[];
}

export interface RouteChangesSpec {
  /** Routes you serve through handleHttp (phase "serve"). */
  add?: Route[];
  remove?: Route[];
  /** Routes intercepted before and/or after the daemon's handler. */
  wrap?: Array<{ route: Route; before?: boolean; after?: boolean }>;
}

export interface HttpRequestSpec {
  method: string;
  path: string;
  query: string;
  headers: Array<{ name: string; value: string }>;
  body: Buffer;
  routePath: string;
  pathParams: Record<string, string>;
}

export interface HttpResponseSpec {
  status: number;
  headers?: Array<{ name: string; value: string }>;
  body?: Buffer | string;
}

export interface HandleHttpContext<TConfig> extends BaseContext<TConfig> {
  phase: 'serve' | 'before' | 'after' | 'unspecified';
  request: HttpRequestSpec;
  /** Phase "after": the daemon's response. */
  response: HttpResponseSpec | undefined;
}

/** Phase serve: return `response`. Before: nothing, `request` or `response`. After: nothing or `response`. */
export interface HandleHttpResult {
  request?: HttpRequestSpec;
  response?: HttpResponseSpec;
}

export interface ImagePostPullContext<TConfig> extends RequestContext<TConfig> {
  imageRef: string;
  imageId: string;
  snapshotter: string;
  /** The image as inspect shows it. Read-only. */
  image: JsonObject;
}

/**
 * The hooks a plugin may implement. Implementing one subscribes to it (Describe is derived from
 * this object). Document hooks may return the document, or change ctx's document in place and
 * return nothing: either way the SDK replies "unchanged" when the result equals the input.
 */
export interface HookHandlers<TConfig = unknown> {
  containerPreCreate?(ctx: ContainerPreCreateContext<TConfig>): Awaitable<ContainerCreateConfig | void>;
  containerPreStart?(ctx: ContainerPreStartContext<TConfig>): Awaitable<OciHookSpec[] | void>;
  containerPreCreateEndpoint?(ctx: ContainerPreCreateEndpointContext<TConfig>): Awaitable<EndpointConfig | void>;
  /** Returning a Buffer or string sends those bytes as the new body (the daemon decodes it as JSON). */
  containerPreUpdate?(ctx: ContainerPreUpdateContext<TConfig>): Awaitable<JsonObject | Buffer | string | void>;
  containerPostUpdate?(ctx: ContainerPostUpdateContext<TConfig>): Awaitable<void>;
  daemonPreStart?(ctx: DaemonPreStartContext<TConfig>): Awaitable<void>;
  daemonPreStop?(ctx: DaemonPreStopContext<TConfig>): Awaitable<void>;
  volumePreCreate?(ctx: VolumePreCreateContext<TConfig>): Awaitable<VolumeCreateConfig | void>;
  criPreCreateContainer?(ctx: CriPreCreateContainerContext<TConfig>): Awaitable<ContainerCreateConfig | void>;
  apiUpdateHandler?(ctx: ApiUpdateHandlerContext<TConfig>): Awaitable<RouteChangesSpec | void>;
  /** Serves routes added or wrapped by apiUpdateHandler; not a subscription of its own. */
  handleHttp?(ctx: HandleHttpContext<TConfig>): Awaitable<HandleHttpResult | void>;
  imagePostPull?(ctx: ImagePostPullContext<TConfig>): Awaitable<string[] | void>;
}

export type HookKey = keyof HookHandlers;

/** A plugin's suggestion for one hook; the operator's manifest overrides it. */
export interface HookPreferences {
  timeoutMs?: number;
  failurePolicy?: 'fail' | 'ignore';
}
