#!/usr/bin/env node
// Standalone `hookd plugin test` (the main CLI, bin/hookd.js, delegates `plugin test` to the same
// function), run from the compiled JavaScript in dist/.
import process from 'node:process';

import { runCli } from './load-dist.js';

await runCli('cli/plugin-test.js', async (cli, argv) => {
  process.exitCode = await cli.runPluginTestCommand(argv);
});
