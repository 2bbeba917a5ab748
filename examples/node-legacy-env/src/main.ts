// Entry point the daemon launches (see manifest.json). Kept apart from plugin.ts so that tests can
// import the plugin without serving it.
import { legacyEnvPlugin } from './plugin.ts';

await legacyEnvPlugin.serve();
