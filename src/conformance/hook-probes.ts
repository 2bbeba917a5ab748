// One probe per hook: the realistic requests to send and what a well-formed reply looks like.
// Reply checks reuse the host's own decoders (reply-decode.ts, oci-hooks.ts, routes.ts), so the
// kit refuses exactly what the daemon would refuse, with the same words.

import { isDeepStrictEqual } from 'node:util';

import { isHookdError } from '../host/errors.ts';
import type { HookName, HookSpec } from '../host/hooks.ts';
import { hookSpec } from '../host/hooks.ts';
import { validateOciHooks } from '../host/oci-hooks.ts';
import { decodeReplyDocument } from '../host/reply-decode.ts';
import { combineRoutes, validateRouteReply } from '../host/routes.ts';
import * as inputs from './inputs.ts';

export interface ProbeCall {
  /** Shown in findings: "phase CREATE". Empty for a hook's only call. */
  label: string;
  request: Record<string, unknown>;
  /** The JSON value the document reply is compared with (object in → object out). */
  inputDocument?: unknown;
}

export interface RouteClaim {
  method: string;
  path: string;
  phase: 'SERVE' | 'BEFORE' | 'AFTER';
}

export interface ProbeVerdict {
  /** What is wrong with the reply; empty when it is well-formed. */
  problems: string[];
  /** Facts worth a line in the report: "returned 1 OCI hook", "unchanged". */
  notes: string[];
  /** ApiUpdateHandler: the routes the plugin claimed. */
  routes?: RouteClaim[];
}

export interface HookProbe {
  calls(scratchDir: string): ProbeCall[];
  judge(reply: unknown, call: ProbeCall, plugin: string): ProbeVerdict;
}

function context(): { request_id: string } {
  return { request_id: 'conformance-1' };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** A merge hook's reply: the host's decoder decides, then "unset" or "changed" is noted. */
function judgeDocument(spec: HookSpec): HookProbe['judge'] {
  return (reply, call, plugin) => {
    try {
      const value = decodeReplyDocument(spec, plugin, reply, call.inputDocument);
      if (value === undefined) return { problems: [], notes: ['unchanged'] };
      if (isDeepStrictEqual(value, call.inputDocument)) {
        return { problems: [], notes: ['returned the document as it came; leaving the field unset says "unchanged" more cheaply'] };
      }
      return { problems: [], notes: ['changed the document'] };
    } catch (error) {
      if (isHookdError(error, 'ERR_HOOK_BAD_REPLY')) return { problems: [error.message], notes: [] };
      throw error;
    }
  };
}

const judgeNothing: HookProbe['judge'] = () => ({ problems: [], notes: ['answered'] });

function documentProbe(name: HookName, build: (scratchDir: string) => ProbeCall[]): HookProbe {
  return { calls: build, judge: judgeDocument(hookSpec(name)) };
}

export const HOOK_PROBES: Readonly<Record<HookName, HookProbe>> = {
  'container.preCreate': documentProbe('container.preCreate', () => {
    const config = inputs.containerCreateConfig();
    return [{ label: '', request: { context: context(), config_json: json(config), name: 'web-1' }, inputDocument: config }];
  }),
  'container.preStart': {
    calls: (scratchDir) => [{
      label: '',
      request: { context: context(), container_id: inputs.CONTAINER_ID, container_json: json(inputs.containerInspect(scratchDir)) },
    }],
    judge(reply, _call, plugin) {
      try {
        const hooks = validateOciHooks(plugin, (reply as { hooks?: unknown }).hooks);
        return { problems: [], notes: [`returned ${hooks.length} OCI hook${hooks.length === 1 ? '' : 's'}`] };
      } catch (error) {
        if (isHookdError(error, 'ERR_HOOK_BAD_REPLY')) return { problems: [error.message], notes: [] };
        throw error;
      }
    },
  },
  'container.preCreateEndpoint': documentProbe('container.preCreateEndpoint', () => {
    const value = inputs.endpoint();
    return ['ENDPOINT_PHASE_CREATE', 'ENDPOINT_PHASE_REMOVE'].map((phase) => ({
      label: phase.slice('ENDPOINT_PHASE_'.length),
      request: { context: context(), container_id: inputs.CONTAINER_ID, env: inputs.endpointEnv(), endpoint_json: json(value), phase },
      inputDocument: value,
    }));
  }),
  'container.preUpdate': documentProbe('container.preUpdate', () => {
    const body = inputs.updateBody();
    return [{ label: '', request: { context: context(), container_id: inputs.CONTAINER_ID, body }, inputDocument: JSON.parse(body.toString('utf8')) }];
  }),
  'container.postUpdate': {
    calls: (scratchDir) => [{
      label: '',
      request: { context: context(), container_id: inputs.CONTAINER_ID, rootfs: inputs.rootfsPath(scratchDir), env: inputs.updatedEnv() },
    }],
    judge: judgeNothing,
  },
  'daemon.preStart': {
    calls: (scratchDir) => [{ label: '', request: { daemon_version: '0.1.0', data_root: inputs.dataRootPath(scratchDir) } }],
    judge: judgeNothing,
  },
  'daemon.preStop': {
    calls: () => [{ label: '', request: { reason: 'SIGTERM' } }],
    judge: judgeNothing,
  },
  'volume.preCreate': documentProbe('volume.preCreate', () => {
    const config = inputs.volumeCreateConfig();
    return [{ label: '', request: { context: context(), config_json: json(config) }, inputDocument: config }];
  }),
  'cri.preCreateContainer': documentProbe('cri.preCreateContainer', () => {
    const config = inputs.containerCreateConfig();
    return [{ label: '', request: { context: context(), config_json: json(config), sandbox_json: json(inputs.criSandbox()) }, inputDocument: config }];
  }),
  'api.updateHandler': {
    calls: () => [{ label: '', request: { routes: inputs.DEFAULT_ROUTES.map((route) => ({ ...route })) } }],
    judge(reply, _call, plugin) {
      try {
        const checked = validateRouteReply(plugin, 0, reply);
        combineRoutes([checked], inputs.DEFAULT_ROUTES); // removing or wrapping a route that does not exist
        const routes: RouteClaim[] = [
          ...checked.add.map((route) => ({ ...route, phase: 'SERVE' as const })),
          ...checked.wrap.flatMap((wrap) => [
            ...(wrap.before ? [{ method: wrap.method, path: wrap.path, phase: 'BEFORE' as const }] : []),
            ...(wrap.after ? [{ method: wrap.method, path: wrap.path, phase: 'AFTER' as const }] : []),
          ]),
        ];
        const notes = [`adds ${checked.add.length}, removes ${checked.remove.length}, wraps ${checked.wrap.length} route(s)`];
        return { problems: [], notes, routes };
      } catch (error) {
        if (isHookdError(error, 'ERR_HOOK_BAD_REPLY')) return { problems: [error.message], notes: [] };
        throw error;
      }
    },
  },
  'image.postPull': {
    calls: () => [{
      label: '',
      request: {
        context: context(), image_ref: 'busybox:latest', image_id: inputs.imageInspect().Id, snapshotter: 'overlayfs',
        image_json: json(inputs.imageInspect()),
      },
    }],
    judge(reply) {
      const snapshotters = (reply as { snapshotters?: unknown }).snapshotters ?? [];
      if (!Array.isArray(snapshotters) || snapshotters.some((name) => typeof name !== 'string' || name.length === 0)) {
        return { problems: [`snapshotters must be non-empty names, got ${JSON.stringify(snapshotters)}`], notes: [] };
      }
      return { problems: [], notes: [`returned ${snapshotters.length} extra snapshotter(s)`] };
    },
  },
};

/** The HandleHttp request for one claimed route; AFTER carries a daemon response to keep or replace. */
export function handleHttpRequest(route: RouteClaim): Record<string, unknown> {
  const request = inputs.httpRequestFor(route.method, route.path);
  const phase = `HTTP_PHASE_${route.phase}`;
  if (route.phase !== 'AFTER') return { phase, request };
  const response = { status: 200, headers: [{ name: 'Content-Type', value: 'application/json' }], body: json({ Id: inputs.CONTAINER_ID }) };
  return { phase, request, response };
}

/** Whether a HandleHttp reply is usable for its phase: SERVE must answer with an HTTP status. */
export function judgeHandleHttp(route: RouteClaim, reply: unknown): string[] {
  const response = (reply as { response?: { status?: unknown } | null }).response;
  if (route.phase === 'SERVE') {
    if (!response) return [`HandleHttp for ${route.method} ${route.path} (SERVE) returned no response; a route you add must be answered`];
  }
  if (response) {
    const status = Number(response.status);
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      return [`HandleHttp for ${route.method} ${route.path} (${route.phase}) returned HTTP status ${JSON.stringify(response.status)}, not 100..599`];
    }
  }
  return [];
}
