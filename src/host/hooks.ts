// The hook table: every hook point of docs/hooks-and-merge.md §1 as data. Dispatch has one generic invoke path
// that reads this table; nothing else in the host knows a hook by name.

export type HookName =
  | 'container.preCreate'
  | 'container.preStart'
  | 'container.preCreateEndpoint'
  | 'container.preUpdate'
  | 'container.postUpdate'
  | 'daemon.preStart'
  | 'daemon.preStop'
  | 'volume.preCreate'
  | 'cri.preCreateContainer'
  | 'api.updateHandler'
  | 'image.postPull';

export type FailurePolicy = 'fail' | 'ignore';

/**
 * How the replies of several plugins become one result.
 * - merge: each reply is a whole JSON document; diffs are merged with ownership (merge.ts).
 * - oci-hooks: every plugin's OCI hooks are gathered into one list sorted by priority.
 * - notify: replies carry nothing; every subscribed plugin is told.
 * - routes: UpdateHandler route claims, checked for clashes.
 * - snapshotters: the union of the returned snapshotter names.
 */
export type CombineMode = 'merge' | 'oci-hooks' | 'notify' | 'routes' | 'snapshotters';

export interface HookSpec {
  readonly name: HookName;
  /** The value of the proto enum `hookd.v1.Hook` that subscribes to this hook. */
  readonly protoEnum: string;
  /** The RPC of service hookd.v1.Plugin that serves it. */
  readonly rpc: string;
  readonly combine: CombineMode;
  readonly defaultFailurePolicy: FailurePolicy;
  /** merge hooks: the request field carrying the document, and the reply field returning it. */
  readonly document?: { readonly requestField: string; readonly replyField: string; readonly raw?: boolean };
  /** Whether the request message has a `context` (RequestContext) field. */
  readonly hasContext: boolean;
}

export const HOOKS: readonly HookSpec[] = [
  {
    name: 'container.preCreate', protoEnum: 'HOOK_CONTAINER_PRE_CREATE', rpc: 'ContainerPreCreate',
    combine: 'merge', defaultFailurePolicy: 'fail', hasContext: true,
    document: { requestField: 'config_json', replyField: 'config' },
  },
  {
    name: 'container.preStart', protoEnum: 'HOOK_CONTAINER_PRE_START', rpc: 'ContainerPreStart',
    combine: 'oci-hooks', defaultFailurePolicy: 'fail', hasContext: true,
  },
  {
    name: 'container.preCreateEndpoint', protoEnum: 'HOOK_CONTAINER_PRE_CREATE_ENDPOINT', rpc: 'ContainerPreCreateEndpoint',
    combine: 'merge', defaultFailurePolicy: 'ignore', hasContext: true,
    document: { requestField: 'endpoint_json', replyField: 'endpoint' },
  },
  {
    name: 'container.preUpdate', protoEnum: 'HOOK_CONTAINER_PRE_UPDATE', rpc: 'ContainerPreUpdate',
    combine: 'merge', defaultFailurePolicy: 'fail', hasContext: true,
    document: { requestField: 'body', replyField: 'body', raw: true },
  },
  {
    name: 'container.postUpdate', protoEnum: 'HOOK_CONTAINER_POST_UPDATE', rpc: 'ContainerPostUpdate',
    combine: 'notify', defaultFailurePolicy: 'fail', hasContext: true,
  },
  {
    name: 'daemon.preStart', protoEnum: 'HOOK_DAEMON_PRE_START', rpc: 'DaemonPreStart',
    combine: 'notify', defaultFailurePolicy: 'fail', hasContext: false,
  },
  {
    name: 'daemon.preStop', protoEnum: 'HOOK_DAEMON_PRE_STOP', rpc: 'DaemonPreStop',
    combine: 'notify', defaultFailurePolicy: 'ignore', hasContext: false,
  },
  {
    name: 'volume.preCreate', protoEnum: 'HOOK_VOLUME_PRE_CREATE', rpc: 'VolumePreCreate',
    combine: 'merge', defaultFailurePolicy: 'fail', hasContext: true,
    document: { requestField: 'config_json', replyField: 'config' },
  },
  {
    name: 'cri.preCreateContainer', protoEnum: 'HOOK_CRI_PRE_CREATE_CONTAINER', rpc: 'CriPreCreateContainer',
    combine: 'merge', defaultFailurePolicy: 'fail', hasContext: true,
    document: { requestField: 'config_json', replyField: 'config' },
  },
  {
    name: 'api.updateHandler', protoEnum: 'HOOK_API_UPDATE_HANDLER', rpc: 'ApiUpdateHandler',
    combine: 'routes', defaultFailurePolicy: 'fail', hasContext: false,
  },
  {
    name: 'image.postPull', protoEnum: 'HOOK_IMAGE_POST_PULL', rpc: 'ImagePostPull',
    combine: 'snapshotters', defaultFailurePolicy: 'fail', hasContext: true,
  },
];

const BY_NAME = new Map(HOOKS.map((spec) => [spec.name, spec]));
const BY_ENUM = new Map(HOOKS.map((spec) => [spec.protoEnum, spec]));

export function hookSpec(name: HookName): HookSpec {
  const spec = BY_NAME.get(name);
  if (!spec) throw new TypeError(`unknown hook "${name}"`);
  return spec;
}

/** The hook a proto enum value subscribes to, or undefined for values this host does not know. */
export function hookByProtoEnum(value: string): HookSpec | undefined {
  return BY_ENUM.get(value);
}

export function isHookName(value: unknown): value is HookName {
  return typeof value === 'string' && BY_NAME.has(value as HookName);
}

/** The protocol versions this host speaks, newest first. */
export const HOST_PROTOCOL_VERSIONS: readonly string[] = ['1'];
