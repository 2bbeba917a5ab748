#!/usr/bin/env node
// `hookd`: the daemon, its config, its plugins, and `hookd plugin test` (src/cli/main.ts). Runs
// dist/cli/hookd.cjs, that file compiled into one CommonJS bundle with its dependencies by
// `npm run build` (one file to load instead of ~1,000 modules), through a V8 code cache that
// spares each start compiling it again (src/cli/bundle-loader.ts; docs/packaging.md, "Start-up").
import { fileURLToPath } from 'node:url';

import { runCli } from './load-dist.js';

await runCli('cli/bundle-loader.js', async (loader, argv) => loader.runBundledCli(fileURLToPath(new URL('../dist/cli/hookd.cjs', import.meta.url)), argv));
