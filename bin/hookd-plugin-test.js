#!/usr/bin/env node
// Standalone `hookd plugin test` (the main CLI, bin/hookd.js, delegates `plugin test` to the same
// function). The TypeScript runs through tsx's loader, registered here so no build step is needed.
import process from 'node:process';

import { register } from 'tsx/esm/api';

register();
const { runPluginTestCommand } = await import('../src/cli/plugin-test.ts');
process.exitCode = await runPluginTestCommand(process.argv.slice(2));
