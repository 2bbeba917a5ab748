// Runs `hookd plugin test` in-process through runPluginTestCommand, capturing the report, and
// finds checks in it by id and mark. Shared by the conformance tests.
import { resolve } from 'node:path';

import { runPluginTestCommand } from '../../../src/cli/plugin-test.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');

export interface KitRun {
  exitCode: number;
  report: string;
  /** The mark (✔ ✖ ⚠ -) of each reported check id. */
  marks: Map<string, string>;
}

const MARK_LINE = /^([✔✖⚠-]) (\S+(?: \S+)*?)\s{2,}/u;

export async function runKit(argv: string[]): Promise<KitRun> {
  const lines: string[] = [];
  const exitCode = await runPluginTestCommand(argv, { out: (text) => lines.push(text), err: (text) => lines.push(text) });
  const report = lines.join('\n');
  const marks = new Map<string, string>();
  for (const line of report.split('\n')) {
    const match = MARK_LINE.exec(line);
    if (match) marks.set(match[2] as string, match[1] as string);
  }
  return { exitCode, report, marks };
}

/** The command that runs a TypeScript fixture the way the examples' manifests run theirs. */
export function fixtureCommand(file: string): string[] {
  return [process.execPath, '--import', 'tsx', resolve(ROOT, file)];
}
