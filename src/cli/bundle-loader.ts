// How bin/hookd.js runs the CLI and daemon bundle (dist/cli/hookd.cjs): compiled through
// `vm.Script` with V8's code cache, so that a start deserialises the bytecode V8 made on an earlier
// start instead of parsing and compiling 2.7 MB of JavaScript again (docs/packaging.md, "Start-up").
// Node 20 has no compile cache for ES modules (`module.enableCompileCache` is Node 22), which is
// why the bundle is CommonJS: a script is what `vm.Script` can compile with `cachedData`.
//
// The cache is made once the daemon listens (`script.createCachedData()` then holds every function
// the start compiled, not only the top level) and used by every later start of the same bundle,
// by the daemon and by the short CLI commands alike; only the daemon writes it. Every failure
// falls back to an ordinary compile: no cache, an unsafe folder (code-cache-dir.ts), a file made
// for something else or damaged (code-cache-file.ts), or one that V8 rejects (`cachedDataRejected`:
// another V8 version or other flags).

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { constants, Script } from 'node:vm';
import type { DaemonStartup } from '../daemon/main.ts';
import { checkCodeCacheDir, chooseCodeCacheDir } from './code-cache-dir.ts';
import { codeCacheFile, readCodeCache, sha256, writeCodeCache, type CodeCacheKey } from './code-cache-file.ts';
import { pruneCodeCaches } from './code-cache-prune.ts';

type CliBundle = typeof import('./main.ts');

/** What happened to the code cache on this start; the daemon logs it once it listens. */
export interface CodeCacheReport {
  /** used: compiled from the cache; written: compiled from source, cache written; none: compiled from source, nothing written. */
  state: 'used' | 'written' | 'none';
  file?: string;
  /** Why the cache was not used (state written or none), or not written (none). */
  reason?: string;
  /** Caches of bundles that no longer exist, removed from the folder with this write (code-cache-prune.ts). */
  pruned?: string[];
}

export interface LoadedBundle {
  exports: CliBundle;
  /** Once the daemon listens: writes the cache unless this start used one. Never throws. */
  saveCodeCache: () => CodeCacheReport;
}

/** bin/hookd.js: load the bundle and run the command line. */
export async function runBundledCli(bundle: string, argv: string[]): Promise<void> {
  if (!existsSync(bundle)) {
    process.stderr.write(`hookd: ${bundle} is missing: run \`npm run build\` in ${dirname(dirname(dirname(bundle)))}\n`);
    process.exit(1);
  }
  const loaded = loadBundle(bundle);
  const startup: DaemonStartup = { afterListen: loaded.saveCodeCache };
  await loaded.exports.runCliAndExit(argv, startup);
}

const WRAPPER_START = Buffer.from('(function (exports, require, module, __filename, __dirname) {');
const WRAPPER_END = Buffer.from('\n})');

export function loadBundle(bundle: string, env: NodeJS.ProcessEnv = process.env): LoadedBundle {
  // Hashed as read: hashing the decoded string would encode its 2.7 MB to UTF-8 again (5.5 ms vs 2 ms).
  const bytes = readFileSync(bundle);
  const key: CodeCacheKey = { bundle, sourceSha256: sha256(bytes) };
  const choice = chooseCodeCacheDir(env);
  const file = choice.dir === undefined ? undefined : codeCacheFile(choice.dir, bundle);
  const read = choice.dir === undefined || file === undefined ? { reason: choice.reason } : readUsableCache(choice.dir, file, key);
  const cached = 'data' in read ? read.data : undefined;
  let reason = 'reason' in read ? read.reason : undefined;
  // Node's own CommonJS wrapper, on the bundle's first line so that line numbers in stack traces
  // stay the file's. Wrapped as bytes and decoded once: a template string around the decoded text
  // would be a second 5.5 MB copy of it (two-byte: the bundle has non-Latin-1 characters) left for
  // the GC. The bundle has no import(); if one is added, Node's loader serves it.
  const source = Buffer.concat([WRAPPER_START, bytes, WRAPPER_END]).toString('utf8');
  const script = new Script(source, {
    filename: bundle,
    ...(cached ? { cachedData: cached } : {}),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const used = cached !== undefined && script.cachedDataRejected === false;
  if (cached !== undefined && !used) reason = 'V8 rejected it (another V8 version or other flags)';
  const module = { exports: {} as CliBundle };
  (script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));

  let report: CodeCacheReport | undefined;
  return {
    exports: module.exports,
    saveCodeCache: () => (report ??= saveCodeCache(script, used, choice.dir, file, key, reason)),
  };
}

/** The cache's bytes if the folder is safe and the file fits; any failure (EACCES, EIO, ...) is a reason, never an error. */
function readUsableCache(dir: string, file: string, key: CodeCacheKey): { data: Buffer } | { reason?: string } {
  try {
    const unsafe = checkCodeCacheDir(dir, { create: false });
    return unsafe === undefined ? readCodeCache(file, key) : { reason: unsafe };
  } catch (error) {
    return { reason: `cannot read the cache: ${(error as Error).message}` };
  }
}

function saveCodeCache(script: Script, used: boolean, dir: string | undefined, file: string | undefined, key: CodeCacheKey, reason: string | undefined): CodeCacheReport {
  if (used) return { state: 'used', file: file as string };
  if (dir === undefined || file === undefined) return { state: 'none', ...(reason ? { reason } : {}) };
  try {
    const unsafe = checkCodeCacheDir(dir, { create: true });
    if (unsafe !== undefined) return { state: 'none', file, reason: `not written: ${unsafe}` };
    writeCodeCache(file, key, script.createCachedData());
  } catch (error) {
    return { state: 'none', file, reason: `not written: ${(error as Error).message}` };
  }
  let pruned: string[] = [];
  try {
    pruned = pruneCodeCaches(dir, file);
  } catch {
    // the folder could not be listed: the caches of gone bundles stay until a later write
  }
  return { state: 'written', file, ...(reason ? { reason } : {}), ...(pruned.length > 0 ? { pruned } : {}) };
}
