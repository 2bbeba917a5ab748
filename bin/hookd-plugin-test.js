#!/usr/bin/env node
// Standalone `hookd plugin test` until the main `hookd` CLI delegates to it. The TypeScript runs
// through tsx's loader, registered here so that no build step is needed.
import process from 'node:process';

import { register } from 'tsx/esm/api';

register();
const { runPluginTestCommand } = await import('../src/cli/plugin-test.ts');
process.exitCode = await runPluginTestCommand(process.argv.slice(2));
