// forwardHttp for createDaemon: routes that API plugins added or wrapped (api.updateHandler) reach
// their plugin through the HandleHttp RPC, called on the plugin's handle in the host. The call's
// deadline is the plugin's api.updateHandler timeout (hooks."api.updateHandler".timeoutMs in its
// manifest, else its timeoutMs), and failures answer like a gateway's, naming the plugin:
// - 503: the plugin is not loaded (a reload removed it), not ready, too slow, or went away;
// - 502: it answered with an error or with a reply that is not an HTTP answer.

import { isHookdError, type PluginHandle } from '../host/index.ts';
import { ApiError } from './api/errors.ts';
import type { ForwardHttp, HandleHttpReply } from './api/route-changes.ts';

const HOOK = 'api.updateHandler';
const UNAVAILABLE_CODES = new Set(['ERR_PLUGIN_UNAVAILABLE', 'ERR_PLUGIN_REQUIRED_UNAVAILABLE', 'ERR_HOOK_TIMEOUT', 'ERR_HOOK_TRANSPORT', 'ERR_HOOK_ABORTED', 'ERR_PLUGIN_CRASH_LOOP']);

export interface ForwardHttpOptions {
  plugins: () => readonly PluginHandle[];
  /** Told about every call, for metrics; `errorCode` when it failed. */
  onCall?: (plugin: string, seconds: number, errorCode?: string) => void;
}

export function createForwardHttp(options: ForwardHttpOptions): ForwardHttp {
  return async (plugin, call, { signal }) => {
    const handle = options.plugins().find((candidate) => candidate.name === plugin);
    if (!handle) {
      options.onCall?.(plugin, 0, 'ERR_PLUGIN_NOT_LOADED');
      throw new ApiError(503, `plugin "${plugin}" serves this route but is no longer loaded (its manifest was removed); restart the daemon to rebuild the route table`);
    }
    const timeoutMs = handle.manifest.hooks[HOOK]?.timeoutMs ?? handle.manifest.timeoutMs;
    const startedAt = performance.now();
    try {
      const reply = await handle.call('HandleHttp', call, { deadline: Date.now() + timeoutMs, hook: HOOK, signal }) as HandleHttpReply | null;
      options.onCall?.(plugin, (performance.now() - startedAt) / 1000);
      // The host's decoder fills unset messages with null; the route table treats null as "not set".
      return { ...(reply?.request ? { request: reply.request } : {}), ...(reply?.response ? { response: reply.response } : {}) };
    } catch (error) {
      const code = isHookdError(error) ? error.code : 'ERR_UNKNOWN';
      options.onCall?.(plugin, (performance.now() - startedAt) / 1000, code);
      const message = error instanceof Error ? error.message : String(error);
      throw new ApiError(UNAVAILABLE_CODES.has(code) ? 503 : 502, message.includes(`"${plugin}"`) ? message : `plugin "${plugin}" failed to serve the request: ${message}`, { cause: error });
    }
  };
}
