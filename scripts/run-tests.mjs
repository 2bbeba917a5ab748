// The project's test command. `npm test` runs every Node test file (what CI runs); a lane runs a
// part of them (README, "Tests"):
//
//   npm run test:unit          test/unit, the Node SDK's and the examples' own tests: seconds, no daemon
//   npm run test:integration   test/integration, test/sdk (Go/Python SDK suites), test/packaging, test/fuzz
//   npm run test:e2e           test/e2e, test/compose, test/cri and test/chaos: the real daemon, containers, docker CLI, crictl/critest
//   npm run test:security      test/security: issue 13's attacks on the container/host boundary
//
// Each file runs in its own process via node:test, with TypeScript loaded by tsx. Before any test
// runs, the JavaScript of dist/ (and the Node plugins' bundles) is rebuilt (scripts/build.mjs
// --js-only, about a second), so a test that spawns the compiled daemon or a plugin never runs a
// stale build. Pass file or folder paths to run a subset: `node scripts/run-tests.mjs test/unit/host`.
//
// Files run several at a time (HOOKD_TEST_CONCURRENCY, default twice the CPUs, 2 to 8): most of a
// test's time is spent waiting on processes (containers, plugins, timeouts), and the tests keep to
// their own temp dirs, bridges, subnets and ports. The files in ALONE need the machine to
// themselves; they run last, one at a time, once the others have ended (and, in CI, lint beside
// them: critest's "removing stopped container" spec is load-sensitive). Each group prints node:test's
// spec report (a failing test's name and error, and a "failing tests" list at its end); the last
// line says which group failed. HOOKD_TEST_CONCURRENCY=1 runs everything one file at a time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const LANES = {
  unit: () => ['test/unit', 'plugin-sdk/node/test', ...listExampleTestDirs()],
  integration: () => ['test/integration', 'test/sdk', 'test/packaging', 'test/lint', 'test/fuzz'],
  e2e: () => ['test/e2e', 'test/compose', 'test/cri', 'test/chaos'],
  security: () => ['test/security'],
};

/** Files that must not run beside any other test, and why. */
const ALONE = new Map([
  ['test/compose/compose.test.ts', 'drives the host\'s Docker engine (it starts dockerd, which rewrites iptables) with the repository as build context'],
  ['test/cri/critest.test.ts', 'critest\'s specs wait on timeouts sized for a machine the suite has to itself'],
  ['test/e2e/docker-network.test.ts', 'compares the host\'s network links with what a --network host container sees'],
  ['test/packaging/global-install.test.ts', 'npm pack runs prepack: a full build that rewrites dist/ and the plugins\' bundles under running tests'],
  ['test/packaging/node-sdk-package.test.ts', 'npm pack of the SDK rewrites plugin-sdk/node/dist, which the examples\' tests import'],
]);

/**
 * The slowest files run together start first (9 s or more each when run one at a time), so that
 * none of them starts last and runs on alone. The rest follow in path order. A stale entry does
 * no harm; run-tests prints the slowest files at the end of every run.
 */
const SLOW_FIRST = [
  'test/integration/conformance/misbehaving.test.ts',
  'test/e2e/image-layers.test.ts',
  'test/e2e/docker-monitor.test.ts',
  'test/e2e/cri-sandbox.test.ts',
  'test/integration/daemon/runtime-oci.test.ts',
  'test/e2e/examples-daemon.test.ts',
  'test/cri/image-service.test.ts',
  'test/integration/daemon/runtime-process.test.ts',
  'test/sdk/python-sdk.test.ts',
  'test/e2e/docker-isolation-options.test.ts',
  'test/e2e/cri-containers.test.ts',
  'test/packaging/python-sdk-package.test.ts',
  'test/e2e/docker-health.test.ts',
  'test/lint/rules.test.ts',
  'test/integration/host/stop.test.ts',
  'test/e2e/cri-streaming.test.ts',
  'test/security/sidecar-tls-reasons.test.ts',
  'test/e2e/image-save-oci.test.ts',
  'test/sdk/go-sdk.test.ts',
  'test/e2e/plugin-reload.test.ts',
  'test/e2e/image-save.test.ts',
  'test/cri/pod-network-plugin.test.ts',
  'test/e2e/docker-tty.test.ts',
  'test/integration/conformance/examples.test.ts',
];

function slowFirst(files) {
  const rank = (file) => (SLOW_FIRST.includes(file) ? SLOW_FIRST.indexOf(file) : SLOW_FIRST.length);
  return [...files].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function listExampleTestDirs() {
  try {
    return readdirSync('examples').map((name) => join('examples', name, 'test'));
  } catch {
    return []; // no examples folder yet: nothing to add
  }
}

function parseRoots(args) {
  const laneAt = args.indexOf('--lane');
  if (laneAt === -1) return args.length > 0 ? args : Object.values(LANES).flatMap((lane) => lane());
  const lane = LANES[args[laneAt + 1]];
  if (!lane) {
    console.error(`unknown lane ${args[laneAt + 1]}: one of ${Object.keys(LANES).join(', ')}`);
    process.exit(2);
  }
  return lane();
}

function findTestFiles(path) {
  let stat;
  try { stat = statSync(path); } catch { return []; } // a root that does not exist has no tests
  if (stat.isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path).flatMap((entry) =>
    entry === 'node_modules' || entry === 'fixtures' || entry === 'dist' ? [] : findTestFiles(join(path, entry)));
}

function concurrency() {
  const asked = process.env.HOOKD_TEST_CONCURRENCY;
  if (asked === undefined || asked === '') return Math.min(8, Math.max(2, 2 * availableParallelism()));
  const value = Number(asked);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`HOOKD_TEST_CONCURRENCY must be a positive integer, got ${JSON.stringify(asked)}`);
    process.exit(2);
  }
  return value;
}

/**
 * The Go examples' binaries, built once before files run together. Several tests run an example's
 * build.sh (`go build -o bin/<name>`), which rewrites the binary in place when it is missing or
 * stale, while another test may be executing it (ETXTBSY, or a half-written file). Once it is up
 * to date, `go build` only reads it and touches its mtime. Without go the tests skip by themselves.
 */
function buildGoExamplesOnce(files) {
  if (!files.some((file) => readFileSync(file, 'utf8').includes('build.sh'))) return;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) return;
  const started = Date.now();
  for (const name of readdirSync('examples').filter((entry) => entry.startsWith('go-')).sort()) {
    const script = join('examples', name, 'build.sh');
    if (!existsSync(script)) continue;
    const built = spawnSync('bash', [script], { encoding: 'utf8' });
    if (built.status !== 0) console.error(`run-tests: ${script} failed (its tests will say so):\n${built.stdout}${built.stderr}`);
  }
  console.error(`run-tests: built the Go examples once in ${Date.now() - started} ms`);
}

const timesDir = mkdtempSync(join(tmpdir(), 'hookd-test-times-'));
let runs = 0;

/**
 * One `node --test` over files, its spec report on our stdout (and each file's time in timesDir);
 * returns its exit status.
 */
function runFiles(files, fileConcurrency) {
  const times = join(timesDir, `${runs++}.tsv`);
  const result = spawnSync(process.execPath, [
    '--import', 'tsx', '--test', `--test-concurrency=${fileConcurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/test-file-times.mjs', `--test-reporter-destination=${times}`, ...files,
  ], { stdio: 'inherit' });
  return result.status ?? 1;
}

/** The slowest files of every run, as "  12.3 s  test/x.test.ts" lines. */
function slowestFiles(count) {
  const rows = readdirSync(timesDir).flatMap((name) => readFileSync(join(timesDir, name), 'utf8').split('\n'))
    .filter(Boolean).map((line) => line.split('\t')).map(([value, file]) => [Number(value), relative(process.cwd(), file)]);
  rmSync(timesDir, { recursive: true, force: true });
  return rows.sort((a, b) => b[0] - a[0]).slice(0, count).map(([value, file]) => `  ${value.toFixed(1).padStart(6)} s  ${file}`);
}

const files = parseRoots(process.argv.slice(2)).flatMap(findTestFiles).sort();
if (files.length === 0) {
  console.error(`no test files under ${process.argv.slice(2).join(', ') || 'the default roots'}`);
  process.exit(1);
}
const built = spawnSync(process.execPath, ['scripts/build.mjs', '--js-only'], { stdio: 'inherit' });
if (built.status !== 0) {
  console.error('run-tests: the build failed, so no test ran');
  process.exit(built.status ?? 1);
}

const width = concurrency();
const alone = width > 1 ? files.filter((file) => ALONE.has(file)) : [];
const rest = files.filter((file) => !alone.includes(file));
const together = width > 1 ? slowFirst(rest) : rest;
const failed = [];
const started = Date.now();
if (together.length > 0) {
  if (width > 1) {
    buildGoExamplesOnce(together);
    console.log(`run-tests: ${together.length} file(s), ${width} at a time`);
  }
  if (runFiles(together, width) !== 0) failed.push(`the ${width > 1 ? 'files run together' : 'test files'} (report above)`);
}
if (alone.length > 0) {
  console.log(`run-tests: ${alone.length} file(s) last, one at a time, each with the machine to itself:`);
  for (const file of alone) console.log(`  ${file}: ${ALONE.get(file)}`);
  if (runFiles(alone, 1) !== 0) failed.push('the files run alone (report above)');
}
if (files.length > 1) console.log(`run-tests: the slowest files (their tests' time):\n${slowestFiles(12).join('\n')}`);
const seconds = Math.round((Date.now() - started) / 1000);
const took = `${seconds} s (${(seconds / 60).toFixed(1)} min)`;
if (failed.length > 0) {
  console.error(`run-tests: FAILED after ${took}: ${failed.join('; ')}`);
  process.exit(1);
}
console.log(`run-tests: ${files.length} file(s) passed in ${took}`);
