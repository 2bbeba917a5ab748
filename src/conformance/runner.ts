// Runs the check table against one plugin: owns the scratch directories, the processes and the
// gRPC channel, and always cleans them up, whatever the plugin does. A check that throws is
// reported as a failure of that check, never as a crash of the kit.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createRuntimeDir } from '../host/launcher.ts';
import { CHECKS } from './checks.ts';
import { prepareScratch } from './inputs.ts';
import type { Check, ConformanceOptions, ReportedResult, Session } from './types.ts';

export interface ConformanceRun {
  results: ReportedResult[];
  /** Describe's name and version, when it answered. */
  plugin?: { name: string; version: string };
}

export async function runConformance(options: ConformanceOptions, checks: readonly Check[] = CHECKS, onResult?: (result: ReportedResult) => void): Promise<ConformanceRun> {
  const { dir: runtimeDir } = await createRuntimeDir();
  const scratchDir = await mkdtemp(join(tmpdir(), 'hookd-conformance-'));
  await prepareScratch(scratchDir);
  const session: Session = {
    options, runtimeDir, scratchDir, strays: [],
    facts: { subscribed: [], isReachable: false },
  };
  const results: ReportedResult[] = [];
  const record = (result: ReportedResult) => {
    results.push(result);
    onResult?.(result);
  };
  try {
    for (const check of checks) {
      if (!check.modes.includes(options.target.mode)) continue;
      if (check.requiresDescribe && !session.facts.isReachable) {
        record({ id: check.id, title: check.title, status: 'skip', summary: 'not run: the plugin never answered Describe' });
        continue;
      }
      for (const result of await runOne(check, session)) record(result);
    }
  } finally {
    session.clients?.close();
    await Promise.all([session.process, ...session.strays].map((process) => process?.kill()));
    await rm(runtimeDir, { recursive: true, force: true });
    await rm(scratchDir, { recursive: true, force: true });
  }
  const described = session.facts.describe;
  return { results, ...(described ? { plugin: { name: described.name, version: described.version } } : {}) };
}

async function runOne(check: Check, session: Session): Promise<ReportedResult[]> {
  try {
    const outcome = await check.run(session);
    return Array.isArray(outcome) ? outcome : [{ id: check.id, title: check.title, ...outcome }];
  } catch (error) {
    return [{ id: check.id, title: check.title, status: 'fail', summary: error instanceof Error ? error.message : String(error) }];
  }
}

/** Exit status of a run: 1 on any failure, or on any warning with `strict`. */
export function exitCodeOf(results: readonly ReportedResult[], strict: boolean): number {
  const isBad = results.some((result) => result.status === 'fail' || (strict && result.status === 'warn'));
  return isBad ? 1 : 0;
}
