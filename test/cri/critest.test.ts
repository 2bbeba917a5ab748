// critest (cri-tools v1.37.0, the upstream CRI conformance suite) against the real daemon: the
// stand-in images served from a local docker-registry (scripts/cri-images.sh) through registry
// mirrors for the upstream names, the runc runtime, the CRI socket. Specs listed in
// critest-skips.txt are skipped (docs/cri.md says why); every spec in critest-expected-pass.txt
// must pass, so a regression fails here. A spec that passes without being listed is reported (add
// it to the list); the figures of the run are printed.
//
// critest and crictl are built once by scripts/cri-tools.sh (cached; .ci/run builds them before
// npm test). Without Go, runc or the registry tools the test skips with the reason.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { execa } from 'execa';
import { runcMissingReason } from '../e2e/daemon-per-runtime.ts';
import { DaemonProcess, makeWorkDir, REPO } from '../e2e/daemon-process.ts';
import { criClient, criSocketOf } from '../e2e/cri-client.ts';
import { parseSpecList, readCritestReport, type CritestSummary } from './critest-report.ts';
import { standInsMissingReason, startStandInRegistry, type StandInRegistry } from './stand-in-registry.ts';

const HERE = import.meta.dirname;
/** critest against containerd took 5.5 minutes on a quiet 2-core machine; hookd under load, more. */
const CRITEST_TIMEOUT_MS = 40 * 60_000;

let work: { dir: string; remove: () => Promise<void> } | undefined;
let standIns: StandInRegistry | undefined;
let daemon: DaemonProcess | undefined;
let tools: { critest: string; crictl: string } | undefined;
let skipReason: string | undefined;

async function buildTools(): Promise<{ critest: string; crictl: string } | string> {
  if ((await execa('sh', ['-c', 'command -v go'], { reject: false })).exitCode !== 0) return 'go is not installed: scripts/cri-tools.sh builds critest with it';
  const built = await execa('bash', [join(REPO, 'scripts/cri-tools.sh')], { reject: false, timeout: CRITEST_TIMEOUT_MS });
  if (built.exitCode !== 0) throw new Error(`scripts/cri-tools.sh failed (${built.exitCode}):\n${built.stderr}`);
  const paths = Object.fromEntries(built.stdout.split('\n').map((line) => line.split('=') as [string, string]));
  return { critest: paths.critest!, crictl: paths.crictl! };
}

before(async () => {
  skipReason = (await runcMissingReason()) ?? (await standInsMissingReason());
  if (skipReason) return;
  const built = await buildTools();
  if (typeof built === 'string') {
    skipReason = built;
    return;
  }
  tools = built;
  work = await makeWorkDir();
  standIns = await startStandInRegistry();
  daemon = await DaemonProcess.start({ dir: join(work.dir, 'd'), config: { runtime: 'runc', registries: standIns.registriesConfig } });
}, { timeout: CRITEST_TIMEOUT_MS });

after(async () => {
  // Pods a failed spec left behind go before the daemon does (their containers outlive it by design).
  if (daemon?.child?.exitCode === null) {
    const client = criClient(criSocketOf(daemon.dataRoot));
    try {
      for (const pod of (await client.runtime.ListPodSandbox!({})).items as Array<{ id: string }>) {
        await client.runtime.StopPodSandbox!({ pod_sandbox_id: pod.id });
        await client.runtime.RemovePodSandbox!({ pod_sandbox_id: pod.id });
      }
    } finally {
      client.close();
    }
  }
  await daemon?.stop();
  await standIns?.stop();
  await work?.remove();
});

async function runCritest(reportFile: string): Promise<{ exitCode: number | undefined; output: string }> {
  const skips = parseSpecList(await readFile(join(HERE, 'critest-skips.txt'), 'utf8'));
  const endpoint = `unix://${criSocketOf(daemon!.dataRoot)}`;
  const args = [
    '-runtime-endpoint', endpoint, '-image-endpoint', endpoint,
    `-ginkgo.json-report=${reportFile}`, '-ginkgo.no-color',
    ...skips.map((pattern) => `-ginkgo.skip=${pattern}`),
  ];
  // critest reads ./crictl.yaml and writes nothing else; run it in the test's own dir.
  const run = await execa(tools!.critest, args, { cwd: work!.dir, reject: false, all: true, timeout: CRITEST_TIMEOUT_MS });
  return { exitCode: run.exitCode, output: run.all ?? '' };
}

function describeFailures(summary: CritestSummary, names: string[]): string {
  return names.map((name) => {
    const spec = summary.specs.find((candidate) => candidate.name === name);
    return `- ${name}: ${spec ? `${spec.outcome}${spec.message ? ` (${spec.message})` : ''}` : 'not in the report (renamed upstream, or skipped by critest-skips.txt?)'}`;
  }).join('\n');
}

test('critest: every spec of critest-expected-pass.txt passes against hookd', { timeout: CRITEST_TIMEOUT_MS }, async (t) => {
  if (skipReason) return t.skip(skipReason);
  const reportFile = join(work!.dir, 'critest-hookd.json');
  const run = await runCritest(reportFile);
  let summary: CritestSummary;
  try {
    summary = await readCritestReport(reportFile);
  } catch (error) {
    assert.fail(`critest wrote no report (exit ${run.exitCode}): ${(error as Error).message}\n${run.output.slice(-4000)}`);
  }
  t.diagnostic(`critest against hookd: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped (${summary.specs.length} specs)`);
  const expected = parseSpecList(await readFile(join(HERE, 'critest-expected-pass.txt'), 'utf8'));
  const passed = new Set(summary.specs.filter((spec) => spec.outcome === 'passed').map((spec) => spec.name));
  const newPasses = [...passed].filter((name) => !expected.includes(name)).sort();
  if (newPasses.length > 0) t.diagnostic(`passing but not in critest-expected-pass.txt (add them):\n${newPasses.join('\n')}`);
  const regressions = expected.filter((name) => !passed.has(name));
  assert.deepEqual(regressions, [], `specs expected to pass that did not:\n${describeFailures(summary, regressions)}\n\ncritest output (end):\n${run.output.slice(-3000)}`);
  assert.ok(expected.length > 0, 'critest-expected-pass.txt lists no spec');
});
