// Manifests and loggers for the host integration tests: fixture plugins launched through tsx,
// with generous start timeouts (the machine is shared) and fast backoff so tests finish quickly.

import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';

import { pino, type Logger } from 'pino';

import type { PluginManifest } from '../../../src/host/types.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/plugins/', import.meta.url));

export type ManifestOverrides = Partial<Omit<PluginManifest, 'restart' | 'health'>> & {
  env?: Record<string, string>;
  restart?: Partial<PluginManifest['restart']>;
  health?: Partial<PluginManifest['health']>;
};

/** A manifest that launches test/fixtures/plugins/<fixture>.ts. */
export function launchedManifest(name: string, fixture: string, overrides: ManifestOverrides = {}): PluginManifest {
  const { env, ...rest } = overrides;
  return baseManifest(name, {
    launch: { command: process.execPath, args: ['--import', 'tsx', `${FIXTURES_DIR}${fixture}.ts`], env: env ?? {}, cwd: REPO_ROOT },
    ...rest,
  });
}

/** A manifest that dials a plugin someone else runs at `address`. */
export function attachedManifest(name: string, address: string, overrides: ManifestOverrides = {}): PluginManifest {
  return baseManifest(name, { attach: { address }, ...overrides });
}

function baseManifest(name: string, overrides: ManifestOverrides): PluginManifest {
  const { restart, health, env: _env, ...rest } = overrides;
  return {
    name,
    file: '<inline>',
    order: 0,
    timeoutMs: 5_000,
    startTimeoutMs: 20_000,
    required: false,
    config: null,
    maxInFlight: 8,
    hooks: {},
    enabled: true,
    ...rest,
    restart: { maxFailures: 3, initialBackoffMs: 50, maxBackoffMs: 200, resetAfterMs: 60_000, ...restart },
    // Checks are off unless a test asks for them (an hour between checks).
    health: { intervalMs: 3_600_000, timeoutMs: 2_000, failureThreshold: 2, ...health },
  };
}

export interface CapturedLog {
  logger: Logger;
  /** Parsed log records, capped so a flood cannot balloon the test's memory. */
  records: Array<Record<string, unknown>>;
}

/** A pino logger at debug level whose records are kept in memory (the first `cap` of them). */
export function capturedLogger(cap = 2_000): CapturedLog {
  const records: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (records.length < cap) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), records };
}
