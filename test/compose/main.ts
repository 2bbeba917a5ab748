// The compose test's driver, run in the `tests` service (docker/tests.Dockerfile):
//
//   main.ts effects                 wait for the daemon and every sidecar, then check each effect
//   main.ts optional-away <plugin>  <plugin> (failurePolicy ignore) was stopped: calls skip it
//   main.ts required-away <plugin>  <plugin> (required) was stopped: creates fail closed naming it
//   main.ts back                    the stopped sidecars were started: every effect is back
//
// Prints one line per check and exits 0 when all passed, 1 otherwise (2 for bad usage).
// HOOKD_API_SOCKET: the daemon's socket (default /run/hookd/hookd.sock).

import {
  endpointParams, envFilesWritten, importImage, legacyEnvConverts, pluginsReady, requiredFailsClosed,
  volumeDefaultsApplied, type Check,
} from './checks.ts';
import { DaemonApi } from './daemon-api.ts';

const SIDECARS = ['legacy-env', 'go-endpoint-params', 'go-env-files', 'volume-defaults'];
/** Generous: on a loaded 2-core machine the sidecars' runtimes take a while to start. */
const START_TIMEOUT_MS = 180_000;
/** Health checks run every second in docker/compose/plugins.d, so losing a sidecar shows fast. */
const AWAY_TIMEOUT_MS = 60_000;

const EVERY_EFFECT = [pluginsReady(SIDECARS), legacyEnvConverts, endpointParams(true), envFilesWritten, volumeDefaultsApplied];

async function plan(api: DaemonApi, mode: string, plugin: string | undefined): Promise<Check[]> {
  switch (mode) {
    case 'effects':
    case 'back':
      await api.waitForDaemon(START_TIMEOUT_MS);
      await api.waitForPlugins(SIDECARS, (entry) => entry.state === 'ready', 'ready', START_TIMEOUT_MS);
      await importImage(api);
      return EVERY_EFFECT;
    case 'optional-away':
      await api.waitForPlugins([plugin!], (entry) => entry.state !== 'ready', 'away', AWAY_TIMEOUT_MS);
      return [endpointParams(false), legacyEnvConverts];
    case 'required-away':
      await api.waitForPlugins([plugin!], (entry) => entry.state !== 'ready', 'away', AWAY_TIMEOUT_MS);
      return [requiredFailsClosed(plugin!), volumeDefaultsApplied];
    default:
      throw new UsageError(`unknown mode "${mode}"`);
  }
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [mode = 'effects', plugin] = argv;
  if (mode.endsWith('-away') && plugin === undefined) {
    console.error(`compose test: ${mode} needs the plugin's name`);
    return 2;
  }
  const api = new DaemonApi(process.env.HOOKD_API_SOCKET ?? '/run/hookd/hookd.sock');
  const started = Date.now();
  let checks: Check[];
  try {
    checks = await plan(api, mode, plugin);
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
  console.log(`compose test (${mode}${plugin ? ` ${plugin}` : ''}): ${checks.length - failures} passed, ${failures} failed, ${seconds} s`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
