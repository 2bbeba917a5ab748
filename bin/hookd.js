#!/usr/bin/env node
// `hookd`: the daemon, its config, its plugins, and `hookd plugin test` (src/cli/main.ts, run from
// its compiled JavaScript in dist/: `npm run build` writes it; a packed or installed hookd ships it).
import { runCli } from './load-dist.js';

await runCli('cli/main.js', async (cli, argv) => cli.runCliAndExit(argv));
