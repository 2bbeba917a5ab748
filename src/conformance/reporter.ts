// Turns results into the report a plugin author reads: one line per check with its mark and
// measured figures, and under failures and warnings what to fix and where the rule is written.

import type { CheckStatus, ReportedResult, Target } from './types.ts';

const MARKS: Record<CheckStatus, string> = { pass: '✔', fail: '✖', warn: '⚠', skip: '-' };
const ID_WIDTH = 41;

export function formatHeader(target: Target): string {
  const where = target.mode === 'launch'
    ? `launch: ${[target.command, ...target.args].join(' ')} (in ${target.cwd})`
    : `attach: ${target.address}${target.tls ? ' (TLS)' : ''}`;
  return `hookd plugin test: ${target.name}, ${where}`;
}

export function formatResult(result: ReportedResult): string {
  const lines = [`${MARKS[result.status]} ${result.id.padEnd(ID_WIDTH)}  ${result.summary}`];
  for (const detail of result.details ?? []) lines.push(`    · ${detail}`);
  if (result.status === 'fail' || result.status === 'warn') {
    if (result.fix) lines.push(`    fix: ${result.fix}`);
    if (result.doc) lines.push(`    see: ${result.doc}`);
  }
  return lines.join('\n');
}

export function formatSummary(target: Target, results: readonly ReportedResult[], plugin: { name: string; version: string } | undefined, exitCode: number): string {
  const count = (status: CheckStatus) => results.filter((result) => result.status === status).length;
  const who = plugin ? `${plugin.name} ${plugin.version}`.trim() : target.name;
  const verdict = exitCode === 0 ? 'PASS' : 'FAIL';
  return `${verdict}: ${who}: ${count('pass')} passed, ${count('fail')} failed, ${count('warn')} warning(s), ${count('skip')} skipped`;
}

export function formatReport(target: Target, results: readonly ReportedResult[], plugin: { name: string; version: string } | undefined, exitCode: number): string {
  return [formatHeader(target), '', ...results.map(formatResult), '', formatSummary(target, results, plugin, exitCode)].join('\n');
}
