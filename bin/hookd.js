#!/usr/bin/env node
// `hookd`: the daemon, its config, its plugins, and `hookd plugin test` (src/cli/main.ts). The
// TypeScript runs through tsx's loader, registered here so that no build step is needed.
import process from 'node:process';

import { register } from 'tsx/esm/api';

register();
const { runCliAndExit } = await import('../src/cli/main.ts');
await runCliAndExit(process.argv.slice(2));
