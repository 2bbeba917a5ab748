// The start-up conversation with one plugin (DESIGN §2): Describe until it first succeeds within
// the start timeout, agree on a protocol version, read the subscription, then Configure. The same
// sequence runs for launched plugins, attached plugins, restarts and redials.

import { setTimeout as delay } from 'node:timers/promises';

import { connectivityState } from '@grpc/grpc-js';
import type { Logger } from 'pino';

import { backoffDelayMs } from './backoff.ts';
import { HookdError, isHookdError } from './errors.ts';
import type { DescribeResponse__Output } from './generated/types/hookd/v1/DescribeResponse.ts';
import { callUnary, type PluginClients } from './grpc-client.ts';
import { HOST_PROTOCOL_VERSIONS, hookByProtoEnum, type HookName } from './hooks.ts';
import type { ExitInfo } from './launcher.ts';
import type { HookSubscription } from './types.ts';

/** Start failures that a restart cannot fix: the plugin is parked as failed at once. */
export const PARKING_CODES: ReadonlySet<string> = new Set([
  'ERR_PLUGIN_PROTOCOL_MISMATCH', 'ERR_PLUGIN_CONFIGURE_FAILED', 'ERR_PLUGIN_BAD_DESCRIBE', 'ERR_MANIFEST_INVALID',
]);

// Describe retries while the socket is not up yet: quick at first, never slower than this.
const DESCRIBE_RETRY = { initialMs: 25, maxMs: 500 };

export interface HandshakeOptions {
  plugin: string;
  clients: PluginClients;
  startTimeoutMs: number;
  hostName: string;
  hostVersion: string;
  config: unknown;
  logger: Logger;
  /** Launched plugins: the process exiting ends the wait at once with ERR_PLUGIN_EXITED. */
  exited?: Promise<ExitInfo>;
  stderrTail?: () => string;
  /** stop() of the supervisor. */
  signal: AbortSignal;
  /**
   * TLS sidecars: why a handshake of our own fails (tls-diagnosis.ts). Run when the channel goes
   * TRANSIENT_FAILURE; a reason is logged at once and becomes the start timeout's reason.
   */
  diagnoseTls?: () => Promise<string | undefined>;
}

export interface HandshakeResult {
  version: string;
  protocolVersion: string;
  subscriptions: Map<HookName, HookSubscription>;
}

export async function performHandshake(options: HandshakeOptions): Promise<HandshakeResult> {
  const deadline = Date.now() + options.startTimeoutMs;
  const described = await waitForDescribe(options, deadline);
  checkIdentity(options, described);
  const protocolVersion = negotiateProtocol(options.plugin, described.protocol_versions);
  const subscriptions = subscriptionsFromDescribe(options.plugin, described, options.logger);
  await configurePlugin(options, protocolVersion, deadline);
  return { version: described.version, protocolVersion, subscriptions };
}

/**
 * Calls Describe until it succeeds. One AbortController races it against the start timeout, the
 * process exiting and stop(); whichever fires first is the error, and the others are cleaned up.
 */
export async function waitForDescribe(options: HandshakeOptions, deadline: number): Promise<DescribeResponse__Output> {
  const { plugin } = options;
  const controller = new AbortController();
  let lastFailure = '';
  const timer = setTimeout(() => {
    controller.abort(new HookdError('ERR_PLUGIN_START_TIMEOUT', { plugin, timeoutMs: options.startTimeoutMs, reason: lastFailure }));
  }, Math.max(0, deadline - Date.now()));
  const onStop = () => controller.abort(options.signal.reason);
  options.signal.addEventListener('abort', onStop, { once: true });
  if (options.signal.aborted) onStop();
  void options.exited?.then((exit) => {
    const stderrTail = options.stderrTail?.();
    controller.abort(new HookdError('ERR_PLUGIN_EXITED', { plugin, exit: `${exit.description} before it was ready`, stderrTail }));
  });
  let tlsFailure: string | undefined;
  if (options.diagnoseTls) {
    watchForTlsFailure(options, deadline, controller.signal, (reason) => {
      if (reason === tlsFailure) return;
      tlsFailure = reason;
      lastFailure = `TLS handshake failed: ${reason}`;
      options.logger.warn({ plugin, reason }, `plugin ${plugin}: TLS handshake failed: ${reason}`);
    });
  }
  const request = { host_protocol_versions: [...HOST_PROTOCOL_VERSIONS], host_name: options.hostName, host_version: options.hostVersion };
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await callUnary<DescribeResponse__Output>(options.clients.plugin, 'Describe', request, {
          deadline, signal: controller.signal, plugin, hook: 'Describe', waitForReady: true,
        });
      } catch (error) {
        if (controller.signal.aborted) throw controller.signal.reason;
        if (tlsFailure === undefined) lastFailure = error instanceof Error ? error.message : String(error);
      }
      try {
        await delay(backoffDelayMs(attempt, DESCRIBE_RETRY), undefined, { signal: controller.signal });
      } catch {
        throw controller.signal.reason; // the delay only fails when the race was decided
      }
    }
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onStop);
    controller.abort();
  }
}

/**
 * Each time the channel enters TRANSIENT_FAILURE before `deadline`, runs the diagnosis (one at a
 * time) and reports a reason. Event-driven through watchConnectivityState; ends with `signal`.
 */
function watchForTlsFailure(options: HandshakeOptions, deadline: number, signal: AbortSignal, report: (reason: string) => void): void {
  const channel = options.clients.plugin.getChannel();
  let isDiagnosing = false;
  const step = (): void => {
    if (signal.aborted) return;
    const state = channel.getConnectivityState(false);
    if (state === connectivityState.TRANSIENT_FAILURE && !isDiagnosing) {
      isDiagnosing = true;
      void options.diagnoseTls!().then((reason) => {
        isDiagnosing = false;
        if (reason !== undefined && !signal.aborted) report(reason);
      });
    }
    channel.watchConnectivityState(state, deadline, (error?: Error) => {
      if (!error) step(); // an error means the deadline passed: the start timeout reports then
    });
  };
  step();
}

/** An empty name is refused (ERR_PLUGIN_BAD_DESCRIBE); a different name is only worth a warning. */
function checkIdentity(options: HandshakeOptions, described: DescribeResponse__Output): void {
  if (!described.name) {
    throw new HookdError('ERR_PLUGIN_BAD_DESCRIBE', { plugin: options.plugin, reason: 'the name is empty; return the plugin\'s name (HOOKD_PLUGIN_NAME for launched plugins)' });
  }
  if (described.name !== options.plugin) {
    options.logger.warn({ plugin: options.plugin, describedName: described.name }, `plugin ${options.plugin} calls itself "${described.name}" in Describe; the manifest's name is used`);
  }
}

/** The highest version both sides speak (versions are decimal strings); throws on no overlap. */
export function negotiateProtocol(plugin: string, pluginVersions: readonly string[]): string {
  const common = HOST_PROTOCOL_VERSIONS.filter((version) => pluginVersions.includes(version));
  if (common.length === 0) {
    throw new HookdError('ERR_PLUGIN_PROTOCOL_MISMATCH', {
      plugin, pluginVersions: pluginVersions.join(', '), hostVersions: HOST_PROTOCOL_VERSIONS.join(', '),
    });
  }
  return common.reduce((best, version) => (Number(version) > Number(best) ? version : best));
}

/** Describe's hooks as HookNames; enum values this host does not know are skipped with a warning. */
export function subscriptionsFromDescribe(plugin: string, described: DescribeResponse__Output, logger: Logger): Map<HookName, HookSubscription> {
  const subscriptions = new Map<HookName, HookSubscription>();
  for (const entry of described.hooks) {
    const spec = hookByProtoEnum(String(entry.hook));
    if (!spec) {
      logger.warn({ plugin, hook: entry.hook }, `plugin ${plugin} subscribes to hook ${entry.hook}, which this host does not know; ignored`);
      continue;
    }
    const timeoutMs = entry.options?.timeout_ms || undefined;
    const policy = entry.options?.failure_policy;
    const failurePolicy = policy === 'FAILURE_POLICY_FAIL' ? 'fail' : policy === 'FAILURE_POLICY_IGNORE' ? 'ignore' : undefined;
    subscriptions.set(spec.name, { hook: spec.name, timeoutMs, failurePolicy });
  }
  return subscriptions;
}

/** Sends the manifest's config. A refusal parks the plugin; a transport failure is retried. */
async function configurePlugin(options: HandshakeOptions, protocolVersion: string, deadline: number): Promise<void> {
  const request = {
    config_json: Buffer.from(JSON.stringify(options.config ?? null)),
    plugin_name: options.plugin,
    protocol_version: protocolVersion,
    host_name: options.hostName,
    host_version: options.hostVersion,
  };
  try {
    await callUnary(options.clients.plugin, 'Configure', request, {
      // Within the start timeout, but a plugin whose Describe came in at the last moment still
      // gets a second to take its config, rather than failing a start it all but finished.
      deadline: Math.max(deadline, Date.now() + 1_000), signal: options.signal, plugin: options.plugin, hook: 'Configure',
    });
  } catch (error) {
    if (isHookdError(error, 'ERR_HOOK_REJECTED')) {
      throw new HookdError('ERR_PLUGIN_CONFIGURE_FAILED', { plugin: options.plugin, reason: error.details.reason }, { cause: error });
    }
    throw error;
  }
}
