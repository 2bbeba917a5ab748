// `npm run build`: the compiled JavaScript every shipped process runs (docs/packaging.md).
//
//   src/**/*.ts              -> dist/**/*.js               the daemon, host, CLI, conformance kit, shim
//   src/cli/main.ts          -> dist/cli/hookd.cjs         CLI + daemon in one CommonJS file (bin/hookd.js)
//   plugin-sdk/node/src      -> plugin-sdk/node/dist       the SDK package (its `exports`)
//   examples/node-*/src/main -> examples/node-*/dist/main.js  one self-contained file per plugin
//   test/compose/main.ts     -> test/compose/dist/main.js  the compose test driver's image runs it
//   then declarations (.d.ts) for dist/ and the SDK through `tsc -b` (incremental)
//
// JavaScript comes from esbuild: one output file per source file for the daemon and the SDK (the
// same tree, so `new URL('../../x', import.meta.url)` still lands on the same file), relative
// `.ts` imports rewritten to `.js`, packages left to node_modules. A full JS build takes well
// under a second, so there is no incremental state to go stale: every run rewrites all of it.
// Declarations are slower (tsc), so `--js-only` skips them; the test runner uses that.
//
// Node plugins are bundled into one file with their dependencies (SDK, grpc-js, protobufjs):
// Node then reads one file instead of ~150 modules, which is what brings a plugin's spawn-to-ready
// and idle RSS down to a bare grpc-js server's (docs/performance.md, "Node plugin start-up").
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const jsOnly = process.argv.includes('--js-only');
// --sdk: the Node SDK alone (its package's prepack), so packing it does not depend on the daemon.
const sdkOnly = process.argv.includes('--sdk');
const TARGET = 'node20';

function listFiles(dir, suffix) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return listFiles(path, suffix);
    return path.endsWith(suffix) && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function listDeclarations(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return listDeclarations(path);
    return path.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * Every relative import of code stays an import (of the sibling .js file): each source file is its
 * own output. A JSON import (`with { type: 'json' }`) is inlined instead, because esbuild drops the
 * import attribute from an external import and Node refuses a JSON import without it.
 */
const keepRelativeImports = {
  name: 'keep-relative-imports',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) =>
      args.kind === 'entry-point' || args.path.endsWith('.json') ? undefined : { path: args.path.replace(/\.ts$/, '.js'), external: true });
  },
};

/**
 * The generated descriptor modules read their JSON with createRequire at run time, which a bundle
 * cannot follow; in a bundle the JSON is inlined instead (same object, no file next to main.js).
 */
const inlineDescriptor = {
  name: 'inline-descriptor',
  setup(b) {
    b.onLoad({ filter: /[/\\]generated[/\\]plugin-descriptor\.ts$/ }, (args) => ({
      contents: "import descriptor from './plugin-descriptor.json';\nexport const pluginDescriptor = descriptor;\n",
      loader: 'ts',
      resolveDir: dirname(args.path),
    }));
  },
};

/** One .js per .ts under srcDir, written to outDir, plus the JSON files loaded at run time. */
async function buildTree(srcDir, outDir) {
  const src = join(ROOT, srcDir);
  const out = join(ROOT, outDir);
  // Stale outputs of deleted sources must not linger; declarations stay for tsc's incremental build.
  if (existsSync(out)) for (const file of listFiles(out, '.js')) rmSync(file);
  await build({
    entryPoints: listFiles(src, '.ts'),
    outbase: src,
    outdir: out,
    bundle: true, // only so that plugins run: keepRelativeImports marks every import external
    packages: 'external',
    plugins: [keepRelativeImports],
    platform: 'node',
    format: 'esm',
    target: TARGET,
    logLevel: 'warning',
  });
  for (const file of listFiles(src, '.json')) cpSync(file, join(out, relative(src, file)));
}

/** What every self-contained bundle shares: one file with its dependencies, descriptors inlined, for node. */
function bundleOptions(entry, outfile) {
  return {
    entryPoints: [join(ROOT, entry)],
    outfile: join(ROOT, outfile),
    bundle: true,
    plugins: [inlineDescriptor],
    platform: 'node',
    target: TARGET,
    logLevel: 'warning',
  };
}

/** One self-contained ESM file: a plugin or program that runs with nothing but node. */
async function buildBundle(entry, outfile) {
  await build({
    ...bundleOptions(entry, outfile),
    format: 'esm',
    // Bundled CommonJS (grpc-js, protobufjs) calls require() for node builtins: give it one.
    banner: { js: "import { createRequire as __hookdRequire } from 'node:module'; const require = __hookdRequire(import.meta.url);" },
  });
}

const IMPORT_META_BANNER = [
  '"use strict";',
  'var __hookdImportMetaUrl = require("node:url").pathToFileURL(__filename).href;',
  'var __hookdImportMetaResolve = (specifier) => require("node:url").pathToFileURL(require.resolve(specifier)).href;',
].join(' ');

/**
 * The CLI and daemon as one self-contained CommonJS file: bin/hookd.js compiles it through
 * vm.Script with a V8 code cache (src/cli/bundle-loader.ts), which Node 20 offers for scripts
 * only, not for ES modules. import.meta.url and import.meta.resolve answer what they would in the
 * ES module form of the same file; the sources use no other import.meta and no top-level await.
 */
async function buildCommonJsBundle(entry, outfile) {
  await build({
    ...bundleOptions(entry, outfile),
    format: 'cjs',
    define: { 'import.meta.url': '__hookdImportMetaUrl', 'import.meta.resolve': '__hookdImportMetaResolve' },
    // The banner opens with the directive, so the whole file stays strict (an ES module is; the
    // "use strict" esbuild writes below it is then a plain statement).
    banner: { js: IMPORT_META_BANNER },
  });
}

const started = Date.now();
await buildTree('plugin-sdk/node/src', 'plugin-sdk/node/dist');
if (!sdkOnly) await buildTree('src', 'dist');
const bundles = readdirSync(join(ROOT, 'examples'))
  .filter((name) => existsSync(join(ROOT, 'examples', name, 'src/main.ts')))
  .map((name) => [`examples/${name}/src/main.ts`, `examples/${name}/dist/main.js`]);
// The shim next to the daemon's bundle (shim-launch.ts starts ./shim.js beside whichever file it was
// compiled into). dist/cli/ keeps import.meta.url-relative paths ('../../package.json') pointing
// where they do from dist/cli/main.js.
bundles.push(['src/daemon/runtime/shim.ts', 'dist/cli/shim.js']);
bundles.push(['test/compose/main.ts', 'test/compose/dist/main.js']);
bundles.push(['bench/fixtures/noop-plugin.ts', 'bench/dist/noop-plugin.js']);
if (!sdkOnly) {
  // The daemon and CLI as one file with their dependencies (bin/hookd.js runs it).
  rmSync(join(ROOT, 'dist/cli/hookd.js'), { force: true }); // the ES module form of earlier builds
  await Promise.all([
    ...bundles.map(([entry, outfile]) => buildBundle(entry, outfile)),
    buildCommonJsBundle('src/cli/main.ts', 'dist/cli/hookd.cjs'),
  ]);
}
console.error(`build: JavaScript in ${Date.now() - started} ms`);

if (!jsOnly) {
  const project = sdkOnly ? 'plugin-sdk/node/tsconfig.build.json' : 'tsconfig.build.json';
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', project], { cwd: ROOT, stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  // tsc keeps the sources' `./x.ts` specifiers in declarations; consumers resolve `./x.js`.
  for (const dir of sdkOnly ? ['plugin-sdk/node/dist'] : ['dist', 'plugin-sdk/node/dist']) {
    for (const file of listDeclarations(join(ROOT, dir))) {
      const text = readFileSync(file, 'utf8');
      const fixed = text.replace(/((?:from |import\()\s*(['"])\.{1,2}\/[^'"]*?)\.ts\2/g, '$1.js$2');
      if (fixed !== text) writeFileSync(file, fixed);
    }
  }
  console.error(`build: declarations done after ${Date.now() - started} ms`);
}
