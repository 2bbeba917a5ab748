// Entry point the daemon launches (see manifest.json); tests import ./plugin.ts instead.
import { recordStartPlugin } from './plugin.ts';

await recordStartPlugin.serve();
