// The hook table of the SDK: for every handler key, the RPC that serves it, the proto enum that
// subscribes to it, and how a request becomes the handler's context and its result the reply.
// Everything else (Describe, the gRPC service, the test harness) is generic over this table.
// The RPC and the enum are not written here: they come from the proto's hook_contract options
// (generated/hook-contracts.ts); a handler without a contract, or a contract without a handler,
// fails when this module loads.
import type { BaseContext, HookKey, OciHookSpec } from './hook-types.ts';
import type { JsonObject } from './container-config/types.ts';
import { decodeDocument, decodeReadOnly, encodeDocumentReply } from './documents.ts';
import {
  decodeHttpRequest, decodeHttpResponse, decodePhase, encodeHttpRequest, encodeHttpResponse, encodeRouteChanges,
} from './http-codec.ts';
import type { ContainerPreCreateRequest__Output as PreCreateRequest } from './generated/types/hookd/v1/ContainerPreCreateRequest.ts';
import type { ContainerPreStartRequest__Output as PreStartRequest } from './generated/types/hookd/v1/ContainerPreStartRequest.ts';
import type { ContainerPreCreateEndpointRequest__Output as EndpointRequest } from './generated/types/hookd/v1/ContainerPreCreateEndpointRequest.ts';
import type { ContainerPreUpdateRequest__Output as PreUpdateRequest } from './generated/types/hookd/v1/ContainerPreUpdateRequest.ts';
import type { ContainerPostUpdateRequest__Output as PostUpdateRequest } from './generated/types/hookd/v1/ContainerPostUpdateRequest.ts';
import type { DaemonPreStartRequest__Output as DaemonPreStartRequest } from './generated/types/hookd/v1/DaemonPreStartRequest.ts';
import type { DaemonPreStopRequest__Output as DaemonPreStopRequest } from './generated/types/hookd/v1/DaemonPreStopRequest.ts';
import type { VolumePreCreateRequest__Output as VolumeRequest } from './generated/types/hookd/v1/VolumePreCreateRequest.ts';
import type { CriPreCreateContainerRequest__Output as CriRequest } from './generated/types/hookd/v1/CriPreCreateContainerRequest.ts';
import type { ApiUpdateHandlerRequest__Output as ApiRequest } from './generated/types/hookd/v1/ApiUpdateHandlerRequest.ts';
import type { HandleHttpRequest__Output as HttpRequest } from './generated/types/hookd/v1/HandleHttpRequest.ts';
import type { ImagePostPullRequest__Output as PostPullRequest } from './generated/types/hookd/v1/ImagePostPullRequest.ts';
import type { OciHook } from './generated/types/hookd/v1/OciHook.ts';
import { HOOK_CONTRACTS, type HookContract } from './generated/hook-contracts.ts';

/** A handler as the table sees it: any of HookHandlers' functions. */
export type AnyHandler = (ctx: never) => unknown;

export interface HookBinding {
  readonly key: HookKey;
  /** The RPC of hookd.v1.Plugin that serves this handler. */
  readonly rpc: string;
  /** The `hookd.v1.Hook` value that subscribes to it; undefined for HandleHttp (not a hook point). */
  readonly protoEnum: string | undefined;
  /** Decodes `request`, runs the handler, encodes its result as the RPC's response message. */
  invoke(handler: AnyHandler, request: unknown, base: BaseContext<unknown>): Promise<object>;
}

/** A hook handler's key, RPC and subscribing Hook value, from the proto's hook_contract options. */
function contractFor(key: Exclude<HookKey, 'handleHttp'>): { key: HookKey; rpc: string; protoEnum: string; document?: HookContract['document'] } {
  const contract = HOOK_CONTRACTS.find((candidate) => candidate.key === key);
  if (!contract) throw new Error(`hook table: handler "${key}" has no hook_contract in proto/hookd/v1/plugin.proto`);
  return { key, rpc: contract.rpc, protoEnum: contract.protoEnum, ...(contract.document ? { document: contract.document } : {}) };
}

async function run(handler: AnyHandler, ctx: object): Promise<unknown> {
  return await (handler as (ctx: object) => unknown)(ctx);
}

function withRequest(base: BaseContext<unknown>, key: HookKey, requestId: string) {
  return { ...base, requestId, log: base.log.child({ hook: key, requestId }) };
}

/**
 * A hook whose request carries one JSON document that the reply may return changed. Which request
 * field carries it and which reply field returns it is the proto's (hook_contract.document_field
 * and reply_field); `contextField` is the name the handler's context gives it.
 */
function documentHook<R extends { context: { request_id: string } | null }>(spec: {
  key: Exclude<HookKey, 'handleHttp'>; contextField: string;
  extra?: (request: R) => object;
}): HookBinding {
  const contract = contractFor(spec.key);
  const { requestField, replyField } = contract.document ?? {};
  if (!requestField || !replyField) throw new Error(`hook table: ${contract.rpc} is not a document hook in the proto (no document_field)`);
  return {
    key: contract.key, rpc: contract.rpc, protoEnum: contract.protoEnum,
    async invoke(handler, message, base) {
      const request = message as R;
      const document = decodeDocument<JsonObject>(request[requestField as keyof R] as Buffer, requestField);
      const ctx = {
        ...withRequest(base, spec.key, request.context?.request_id ?? ''),
        ...spec.extra?.(request),
        [spec.contextField]: document.value,
      };
      const result = await run(handler, ctx);
      return { [replyField]: encodeDocumentReply(result, document, spec.key) };
    },
  };
}

function encodeOciHooks(result: unknown): OciHook[] {
  if (result === undefined || result === null) return [];
  if (!Array.isArray(result)) throw new TypeError('containerPreStart must return an array of OCI hooks (or nothing)');
  return (result as OciHookSpec[]).map((hook, index) => {
    const where = `containerPreStart hook #${index}`;
    if (!Number.isInteger(hook.priority) || Math.abs(hook.priority) > 2 ** 31 - 1) {
      throw new TypeError(`${where}: priority must be a 32-bit integer, got ${hook.priority}`);
    }
    if (typeof hook.path !== 'string' || !hook.path.startsWith('/')) {
      throw new TypeError(`${where}: path must be an absolute path on the host, got ${JSON.stringify(hook.path)}`);
    }
    const timeout = hook.timeoutSeconds ?? 0;
    if (!Number.isInteger(timeout) || timeout < 0) throw new TypeError(`${where}: timeoutSeconds must be a whole number >= 0`);
    return { priority: hook.priority, path: hook.path, args: hook.args ?? [], env: hook.env ?? [], timeout_seconds: timeout };
  });
}

const ENDPOINT_PHASES: Record<string, string> = { ENDPOINT_PHASE_CREATE: 'create', ENDPOINT_PHASE_REMOVE: 'remove' };

export const HOOK_BINDINGS: readonly HookBinding[] = [
  documentHook<PreCreateRequest>({
    key: 'containerPreCreate', contextField: 'config',
    extra: (request) => ({ name: request.name }),
  }),
  {
    ...contractFor('containerPreStart'),
    async invoke(handler, message, base) {
      const request = message as PreStartRequest;
      const result = await run(handler, {
        ...withRequest(base, 'containerPreStart', request.context?.request_id ?? ''),
        containerId: request.container_id,
        container: decodeReadOnly(request.container_json),
      });
      return { hooks: encodeOciHooks(result) };
    },
  },
  documentHook<EndpointRequest>({
    key: 'containerPreCreateEndpoint', contextField: 'endpoint',
    extra: (request) => ({
      containerId: request.container_id,
      env: Object.freeze([...request.env]),
      phase: ENDPOINT_PHASES[request.phase] ?? 'unspecified',
    }),
  }),
  {
    // The update body is raw bytes (it is not decoded by the daemon before this hook), so it may
    // not be JSON: the handler gets both forms and may answer with either.
    ...contractFor('containerPreUpdate'),
    async invoke(handler, message, base) {
      const request = message as PreUpdateRequest;
      let parsed: ReturnType<typeof decodeDocument<JsonObject>> | undefined;
      try {
        parsed = decodeDocument<JsonObject>(request.body, 'body');
      } catch {
        parsed = undefined; // not a JSON object: the handler still sees rawBody
      }
      const result = await run(handler, {
        ...withRequest(base, 'containerPreUpdate', request.context?.request_id ?? ''),
        containerId: request.container_id,
        rawBody: request.body,
        body: parsed?.value,
      });
      if (typeof result === 'string' || Buffer.isBuffer(result)) {
        const bytes = Buffer.from(result);
        return { body: bytes.equals(request.body) ? null : { json: bytes } };
      }
      if (!parsed) return { body: result === undefined || result === null ? null : { json: Buffer.from(JSON.stringify(result)) } };
      return { body: encodeDocumentReply(result, parsed, 'containerPreUpdate') };
    },
  },
  {
    ...contractFor('containerPostUpdate'),
    async invoke(handler, message, base) {
      const request = message as PostUpdateRequest;
      await run(handler, {
        ...withRequest(base, 'containerPostUpdate', request.context?.request_id ?? ''),
        containerId: request.container_id, rootfs: request.rootfs, env: Object.freeze([...request.env]),
      });
      return {};
    },
  },
  {
    ...contractFor('daemonPreStart'),
    async invoke(handler, message, base) {
      const request = message as DaemonPreStartRequest;
      await run(handler, {
        ...base, log: base.log.child({ hook: 'daemonPreStart' }),
        daemonVersion: request.daemon_version, dataRoot: request.data_root,
      });
      return {};
    },
  },
  {
    ...contractFor('daemonPreStop'),
    async invoke(handler, message, base) {
      const request = message as DaemonPreStopRequest;
      await run(handler, { ...base, log: base.log.child({ hook: 'daemonPreStop' }), reason: request.reason });
      return {};
    },
  },
  documentHook<VolumeRequest>({
    key: 'volumePreCreate', contextField: 'config',
  }),
  documentHook<CriRequest>({
    key: 'criPreCreateContainer', contextField: 'config',
    extra: (request) => ({ sandbox: decodeReadOnly(request.sandbox_json) }),
  }),
  {
    ...contractFor('apiUpdateHandler'),
    async invoke(handler, message, base) {
      const request = message as ApiRequest;
      const result = await run(handler, {
        ...base, log: base.log.child({ hook: 'apiUpdateHandler' }),
        routes: request.routes.map(({ method, path }) => ({ method, path })),
      });
      return encodeRouteChanges(result as Parameters<typeof encodeRouteChanges>[0]);
    },
  },
  {
    key: 'handleHttp', rpc: 'HandleHttp', protoEnum: undefined,
    async invoke(handler, message, base) {
      const request = message as HttpRequest;
      const result = (await run(handler, {
        ...base, log: base.log.child({ hook: 'handleHttp' }),
        phase: decodePhase(request.phase),
        request: decodeHttpRequest(request.request),
        response: decodeHttpResponse(request.response),
      })) as { request?: Parameters<typeof encodeHttpRequest>[0]; response?: Parameters<typeof encodeHttpResponse>[0] } | undefined;
      return {
        request: result?.request ? encodeHttpRequest(result.request) : null,
        response: result?.response ? encodeHttpResponse(result.response) : null,
      };
    },
  },
  {
    ...contractFor('imagePostPull'),
    async invoke(handler, message, base) {
      const request = message as PostPullRequest;
      const result = await run(handler, {
        ...withRequest(base, 'imagePostPull', request.context?.request_id ?? ''),
        imageRef: request.image_ref, imageId: request.image_id, snapshotter: request.snapshotter,
        image: decodeReadOnly(request.image_json),
      });
      if (result !== undefined && result !== null && (!Array.isArray(result) || result.some((s) => typeof s !== 'string'))) {
        throw new TypeError('imagePostPull must return an array of snapshotter names (or nothing)');
      }
      return { snapshotters: (result as string[] | undefined) ?? [] };
    },
  },
];

const BY_KEY = new Map(HOOK_BINDINGS.map((binding) => [binding.key, binding]));
for (const contract of HOOK_CONTRACTS) {
  if (!BY_KEY.has(contract.key as HookKey)) {
    throw new Error(`hook table: the proto's hook ${contract.name} (rpc ${contract.rpc}) has no handler "${contract.key}" in the SDK`);
  }
}

export function bindingFor(key: HookKey): HookBinding {
  return BY_KEY.get(key) as HookBinding;
}

export function isHookKey(value: string): value is HookKey {
  return BY_KEY.has(value as HookKey);
}
