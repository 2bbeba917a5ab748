// The host as shipped: the compiled JavaScript of dist/host/ (`npm run build`, which `npm run bench`
// runs first), not src/host/ through tsx. tsx compiles with esbuild's keepNames, which wraps every
// function created at run time in a `__name(fn, "name")` call (an Object.defineProperty per closure
// per request on the hot path); the daemon's bundle has no such wrapper. The bench plugins are
// measured as shipped too (bench/dist/noop-plugin.js), so both ends of a call run what users run.
// Types still come from src/: dist/ has the same exports (esbuild compiles each file as is).

import type * as Dispatch from '../src/host/dispatch.ts';
import type * as Hooks from '../src/host/hooks.ts';
import type * as HostIndex from '../src/host/index.ts';
import type * as Manifest from '../src/host/manifest.ts';
import type * as Merge from '../src/host/merge.ts';
import type * as ReplyClaims from '../src/host/reply-claims.ts';
import type * as ReplyDecode from '../src/host/reply-decode.ts';
import type * as Wire from '../src/host/wire-client.ts';

async function load<T>(file: string): Promise<T> {
  const url = new URL(`../dist/host/${file}`, import.meta.url);
  try {
    return await import(url.href) as T;
  } catch (error) {
    throw new Error(`cannot load the compiled host (${url.pathname}); run \`npm run build\` first`, { cause: error });
  }
}

export const { PluginHost } = await load<typeof HostIndex>('index.js');
export const { parseManifest } = await load<typeof Manifest>('manifest.js');
export const { dispatchHook } = await load<typeof Dispatch>('dispatch.js');
export const { hookSpec } = await load<typeof Hooks>('hooks.js');
export const { mergeGroup } = await load<typeof Merge>('merge.js');
export const { decodeReplyDocument } = await load<typeof ReplyDecode>('reply-decode.js');
export const { decodeReplyClaims, SentDocument } = await load<typeof ReplyClaims>('reply-claims.js');
export const { WireClient } = await load<typeof Wire>('wire-client.js');
