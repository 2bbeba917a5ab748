// The compose test's driver, run in the `tests` service (docker/tests.Dockerfile):
//
//   main.ts effects                 wait for the daemon and every sidecar, then check each effect
//   main.ts optional-away  go-endpoint-params (failurePolicy ignore) was stopped: starts skip it
//   main.ts required-away  legacy-env (required) was stopped: creates fail closed naming it
//   main.ts back [plugin...]  sidecars were started or restarted: every effect is back, and each
//                             named plugin was redialled
//
// Prints one line per check and exits 0 when all passed, 1 otherwise (2 for bad usage).
// HOOKD_API_SOCKET: the daemon's socket (default /run/hookd/hookd.sock).

import {
  endpointParams, pluginRedialled, envFilesWritten, importImage, legacyEnvConverts, pluginsReady, requiredFailsClosed,
  volumeDefaultsApplied, type Check,
} from './checks.ts';
import { DaemonApi } from './daemon-api.ts';

/** The sidecars of docker-compose.yml. Plugins added beside them are waited for too (all listed ones). */
const SIDECARS = ['legacy-env', 'go-endpoint-params', 'go-env-files', 'volume-defaults'];
const OPTIONAL_SIDECAR = 'go-endpoint-params';
const REQUIRED_SIDECAR = 'legacy-env';
/** Generous: on a loaded 2-core machine the sidecars' runtimes take a while to start. */
const START_TIMEOUT_MS = 180_000;
/** Health checks run every second in docker/compose/plugins.d, so losing a sidecar shows fast. */
const AWAY_TIMEOUT_MS = 60_000;

/** Add your plugin's checks here (docs/integration-testing.md). */
const EVERY_EFFECT = [legacyEnvConverts, endpointParams(true), envFilesWritten, volumeDefaultsApplied];

async function plan(api: DaemonApi, mode: string, plugins: string[]): Promise<Check[]> {
  switch (mode) {
    case 'effects':
    case 'back': {
      await api.waitForDaemon(START_TIMEOUT_MS);
      // Every enabled plugin the daemon knows (its manifests), at least the sidecars above.
      const enabled = (await api.plugins()).filter((entry) => entry.state !== 'disabled').map((entry) => entry.name);
      const names = [...new Set([...SIDECARS, ...enabled])];
      await api.waitForPlugins(names, (entry) => entry.state === 'ready', 'ready', START_TIMEOUT_MS);
      await importImage(api);
      return [pluginsReady(names), ...plugins.map(pluginRedialled), ...EVERY_EFFECT];
    }
    case 'optional-away':
      await api.waitForPlugins([OPTIONAL_SIDECAR], (entry) => entry.state !== 'ready', 'away', AWAY_TIMEOUT_MS);
      return [endpointParams(false), legacyEnvConverts];
    case 'required-away':
      await api.waitForPlugins([REQUIRED_SIDECAR], (entry) => entry.state !== 'ready', 'away', AWAY_TIMEOUT_MS);
      return [requiredFailsClosed(REQUIRED_SIDECAR), volumeDefaultsApplied];
    default:
      throw new UsageError(`unknown mode "${mode}"`);
  }
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [mode = 'effects', ...plugins] = argv;
  const api = new DaemonApi(process.env.HOOKD_API_SOCKET ?? '/run/hookd/hookd.sock');
  const started = Date.now();
  let checks: Check[];
  try {
    checks = await plan(api, mode, plugins);
  } catch (error) {
    console.error(`compose test (${mode}): ${(error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  }
  let failures = 0;
  for (const check of checks) {
    try {
      console.log(`ok    ${check.title}\n      ${await check.run(api)}`);
    } catch (error) {
      failures += 1;
      console.log(`FAIL  ${check.title}\n      ${(error as Error).message}`);
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`compose test (${mode}): ${checks.length - failures} passed, ${failures} failed, ${seconds} s`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
