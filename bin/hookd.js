#!/usr/bin/env node
// `hookd`: the daemon, its config, its plugins, and `hookd plugin test` (src/cli/main.ts). Runs
// dist/cli/hookd.js, that file compiled into one bundle with its dependencies by `npm run build`
// (one file to load instead of ~1,000 modules: half the start-up time; docs/packaging.md).
import { runCli } from './load-dist.js';

await runCli('cli/hookd.js', async (cli, argv) => cli.runCliAndExit(argv));
