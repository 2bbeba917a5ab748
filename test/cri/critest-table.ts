// Prints critest results side by side as the Markdown docs/cri.md carries:
//
//   node --import tsx test/cri/critest-table.ts hookd=critest-hookd.json containerd=critest-containerd.json
//
// First the totals per runtime, then every spec that some runtime ran and that did not pass on
// every runtime, with each runtime's outcome and the first line of its failure (specs skipped
// everywhere are only counted). One runtime alone prints its totals and
// its non-passing specs.

import { readCritestReport, type CritestSummary } from './critest-report.ts';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 160);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.length === 0) {
    console.error('usage: critest-table.ts NAME=REPORT.json [NAME=REPORT.json ...]');
    process.exit(2);
  }
  const runs: Array<{ name: string; summary: CritestSummary }> = [];
  for (const arg of args) {
    const at = arg.indexOf('=');
    if (at <= 0) throw new Error(`argument ${JSON.stringify(arg)}: want NAME=REPORT.json`);
    runs.push({ name: arg.slice(0, at), summary: await readCritestReport(arg.slice(at + 1)) });
  }
  console.log(`| | ${runs.map((run) => run.name).join(' | ')} |`);
  console.log(`|---|${runs.map(() => '---').join('|')}|`);
  for (const key of ['passed', 'failed', 'skipped'] as const) {
    console.log(`| ${key} | ${runs.map((run) => run.summary[key]).join(' | ')} |`);
  }
  console.log('');
  const names = [...new Set(runs.flatMap((run) => run.summary.specs.map((spec) => spec.name)))].sort();
  console.log(`| spec | ${runs.map((run) => run.name).join(' | ')} |`);
  console.log(`|---|${runs.map(() => '---').join('|')}|`);
  for (const name of names) {
    const outcomes = runs.map((run) => run.summary.specs.find((spec) => spec.name === name));
    if (outcomes.every((spec) => spec?.outcome === 'passed')) continue;
    if (outcomes.every((spec) => spec === undefined || spec.outcome === 'skipped')) continue; // counted above
    const cells = outcomes.map((spec) => (spec ? cell(spec.outcome + (spec.outcome === 'failed' && spec.message ? `: ${spec.message}` : '')) : 'not run'));
    console.log(`| ${cell(name)} | ${cells.join(' | ')} |`);
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
