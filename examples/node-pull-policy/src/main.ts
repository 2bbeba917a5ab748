// Entry point the daemon launches (see manifest.json); tests import ./plugin.ts instead.
import { pullPolicyPlugin } from './plugin.ts';

await pullPolicyPlugin.serve();
