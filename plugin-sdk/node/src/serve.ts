// servePlugin: runs a plugin as a process the hookd host can launch or dial. The steps, in order:
//   1. read the HOOKD_* variables; without them, say what this program is and exit 1
//   2. start the gRPC server (plugin service + health) on the address they give
//   3. launched mode: exit when stdin closes (the host is gone, even if it was SIGKILLed)
//   4. exit 0 after answering Shutdown, or on SIGTERM/SIGINT, once calls in flight are done
// Nothing is ever written to stdout.
import type { Plugin } from './define-plugin.ts';
import { readServeSettings, ServeSettingsError, type ServeMode, type ServeSettings } from './environment.ts';
import { createLogger, type Logger } from './logger.ts';
import { SDK_PROTOCOL_VERSIONS } from './protocol.ts';
import { startPluginServer, type PluginServer } from './server.ts';

export interface ServeOptions {
  /** Environment to read the HOOKD_* variables from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface ServingPlugin {
  readonly mode: ServeMode;
  readonly address: string;
  /** Stops serving and exits the process, as a Shutdown call would. */
  stop(reason: string): Promise<never>;
}

/** How long calls in flight may take to finish once the plugin is stopping. */
const STOP_GRACE_MS = 2000;

export async function servePlugin(plugin: Plugin, options: ServeOptions = {}): Promise<ServingPlugin> {
  const log = createLogger(plugin.name);
  const settings = readSettingsOrExit(plugin, options.env ?? process.env, log);
  warnAboutVersions(log, settings.hostProtocolVersions, settings.manifestName, plugin.name);

  let server: PluginServer | undefined;
  let stopping: Promise<never> | undefined;
  const stop = (reason: string): Promise<never> => {
    stopping ??= (async () => {
      await server?.runtime.runShutdown(reason);
      await server?.close(STOP_GRACE_MS);
      log.info('stopped', { reason });
      process.exit(0);
    })();
    return stopping;
  };

  try {
    server = await startPluginServer(plugin, {
      address: settings.address,
      ...(settings.tls ? { tls: settings.tls } : {}),
      log,
      onShutdownAnswered: (reason) => void stop(reason || 'host request'),
    });
  } catch (error) {
    return exitWith(log, `cannot serve on ${settings.address}: ${(error as Error).message}`);
  }

  if (settings.mode === 'launched') exitWhenStdinCloses(() => void stop('stdin closed: the host is gone'));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop(signal));

  log.info('serving', { mode: settings.mode, address: server.address, version: plugin.version });
  return { mode: settings.mode, address: server.address, stop };
}

// Run by hand (no HOOKD_* address): say what this program is, on stderr, and exit 1. Unusable
// settings (TCP without TLS, half a key pair): log why and exit 1.
function readSettingsOrExit(plugin: Plugin, env: NodeJS.ProcessEnv, log: Logger): ServeSettings {
  let settings: ServeSettings | undefined;
  try {
    settings = readServeSettings(env);
  } catch (error) {
    return exitWith(log, error instanceof ServeSettingsError ? error.message : String(error));
  }
  if (!settings) {
    process.stderr.write(byHandMessage(plugin));
    process.exit(1);
  }
  return settings;
}

export function byHandMessage(plugin: Pick<Plugin, 'name' | 'version'>): string {
  return (
    `This is a hookd plugin (${plugin.name} ${plugin.version}). It is started by the hookd daemon, not by hand: ` +
    'add a manifest for it to the daemon\'s plugin directory (see docs/configuration.md), ' +
    'or run it as a sidecar by setting HOOKD_LISTEN=unix:///path/to/plugin.sock (see docs/protocol.md).\n'
  );
}

// The host keeps our stdin open for as long as it lives and never writes to it. End of file (or
// an error) means the host is gone, possibly SIGKILLed, and nobody will ever call us again.
function exitWhenStdinCloses(onClose: () => void): void {
  process.stdin.on('end', onClose);
  process.stdin.on('close', onClose);
  process.stdin.on('error', onClose);
  process.stdin.resume();
}

function warnAboutVersions(log: Logger, hostVersions: string[] | undefined, manifestName: string | undefined, name: string): void {
  if (hostVersions && !hostVersions.some((version) => SDK_PROTOCOL_VERSIONS.includes(version))) {
    log.warn('the host speaks no protocol version this SDK speaks; it will refuse this plugin at Describe', {
      hostVersions, pluginVersions: SDK_PROTOCOL_VERSIONS,
    });
  }
  if (manifestName && manifestName !== name) {
    log.info('the manifest names this plugin differently; the host uses the manifest name', { manifestName });
  }
}

function exitWith(log: Logger, message: string): never {
  log.error(message);
  process.exit(1);
}
