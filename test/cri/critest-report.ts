// critest's results as hookd's tests and docs read them: ginkgo's JSON report
// (`-ginkgo.json-report=<file>`) reduced to one outcome per spec, keyed by the spec's full text
// ("[sig-node] Image Manager public image with tag should be pulled and removed [Conformance]").

import { readFile } from 'node:fs/promises';

export type SpecOutcome = 'passed' | 'failed' | 'skipped';

export interface SpecResult {
  name: string;
  outcome: SpecOutcome;
  /** The gist of the failure or skip message (its first two meaningful lines), when there is one. */
  message?: string;
}

export interface CritestSummary {
  specs: SpecResult[];
  passed: number;
  failed: number;
  skipped: number;
}

interface GinkgoSpecReport {
  ContainerHierarchyTexts?: string[] | null;
  LeafNodeText?: string;
  LeafNodeType?: string;
  State?: string;
  Failure?: { Message?: string };
}

interface GinkgoReport {
  SpecReports?: GinkgoSpecReport[] | null;
}

/** Ginkgo's states: passed; skipped and pending (not run); anything else (failed, panicked, timedout, interrupted, aborted) failed. */
function outcomeOf(state: string | undefined): SpecOutcome {
  if (state === 'passed') return 'passed';
  if (state === 'skipped' || state === 'pending') return 'skipped';
  return 'failed';
}

/** Gomega's messages spread one error over many lines of Go dumps; keep the lines that say something. */
function gistOf(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const lines = message.split('\n').map((line) => line.trim())
    .filter((line) => line !== '' && !/^<\*?[\w.]+ \| 0x[0-9a-f]+>:?/.test(line) && !/^[{}[\](),]*$/.test(line) && !/^\w+: [{[]$/.test(line));
  const rpc = lines.find((line) => line.startsWith('rpc error:'));
  if (rpc && lines[0] !== rpc) return `${lines[0]} ${rpc}`;
  return lines.slice(0, 2).join(' ') || undefined;
}

export function summarizeReport(reports: GinkgoReport[]): CritestSummary {
  const specs: SpecResult[] = [];
  for (const report of reports) {
    for (const spec of report.SpecReports ?? []) {
      if (spec.LeafNodeType !== 'It') continue; // suite set-up nodes are not specs
      const name = [...(spec.ContainerHierarchyTexts ?? []), spec.LeafNodeText ?? ''].join(' ').trim();
      const message = gistOf(spec.Failure?.Message);
      specs.push({ name, outcome: outcomeOf(spec.State), ...(message ? { message } : {}) });
    }
  }
  specs.sort((a, b) => a.name.localeCompare(b.name));
  const count = (outcome: SpecOutcome): number => specs.filter((spec) => spec.outcome === outcome).length;
  return { specs, passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
}

export async function readCritestReport(file: string): Promise<CritestSummary> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`critest report ${file} is not readable JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(parsed)) throw new Error(`critest report ${file}: expected ginkgo's JSON report (an array of suite reports)`);
  return summarizeReport(parsed as GinkgoReport[]);
}

/** The expected-pass list: one spec name a line; "#" starts a comment line. */
export function parseSpecList(text: string): string[] {
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}
