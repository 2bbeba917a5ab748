// forwardHttp for createDaemon: routes that API plugins added or wrapped (api.updateHandler) reach
// their plugin through the host's handleHttp, which calls the HandleHttp RPC under the same rules
// as any hook call (the plugin's api.updateHandler timeout, never past the request's deadline; see
// src/host/handle-http.ts). Failures answer like a gateway's, naming the plugin:
// - 503: the plugin is not loaded (a reload removed it), not ready, too slow, or went away;
// - 502: it answered with an error or with a reply that is not an HTTP answer.

import { isHookdError, type HandleHttpCall, type HandleHttpOptions, type HandleHttpReply } from '../host/index.ts';
import { ApiError } from './api/errors.ts';
import type { ForwardHttp } from './api/route-changes.ts';

const UNAVAILABLE_CODES = new Set(['ERR_PLUGIN_UNAVAILABLE', 'ERR_PLUGIN_REQUIRED_UNAVAILABLE', 'ERR_HOOK_TIMEOUT', 'ERR_HOOK_TRANSPORT', 'ERR_HOOK_ABORTED', 'ERR_PLUGIN_CRASH_LOOP']);

export interface ForwardHttpOptions {
  /** The host's handleHttp (PluginHost.handleHttp). */
  handleHttp: (plugin: string, call: HandleHttpCall, options: HandleHttpOptions) => Promise<HandleHttpReply>;
  /** Told about every call, for metrics; `errorCode` when it failed. */
  onCall?: (plugin: string, seconds: number, errorCode?: string) => void;
}

export function createForwardHttp(options: ForwardHttpOptions): ForwardHttp {
  return async (plugin, call, { signal }) => {
    const startedAt = performance.now();
    try {
      const reply = await options.handleHttp(plugin, call, { signal });
      options.onCall?.(plugin, (performance.now() - startedAt) / 1000);
      return reply;
    } catch (error) {
      const code = isHookdError(error) ? error.code : 'ERR_UNKNOWN';
      options.onCall?.(plugin, (performance.now() - startedAt) / 1000, code);
      if (code === 'ERR_PLUGIN_NOT_LOADED') {
        throw new ApiError(503, `plugin "${plugin}" serves this route but is no longer loaded (its manifest was removed); restart the daemon to rebuild the route table`, { cause: error });
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new ApiError(UNAVAILABLE_CODES.has(code) ? 503 : 502, message.includes(`"${plugin}"`) ? message : `plugin "${plugin}" failed to serve the request: ${message}`, { cause: error });
    }
  };
}
