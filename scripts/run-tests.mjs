// The project's test command. `npm test` runs every Node test file (what CI runs); a lane runs a
// part of them (README, "Tests"):
//
//   npm run test:unit          test/unit, the Node SDK's and the examples' own tests: seconds, no daemon
//   npm run test:integration   test/integration, test/sdk (Go/Python SDK suites), test/packaging
//   npm run test:e2e           test/e2e, test/compose and test/cri: the real daemon, containers, docker CLI, crictl/critest
//   npm run test:security      test/security: issue 13's attacks on the container/host boundary
//
// Each file runs in its own process via node:test, with TypeScript loaded by tsx. Before any test
// runs, the JavaScript of dist/ (and the Node plugins' bundles) is rebuilt (scripts/build.mjs
// --js-only, about a second), so a test that spawns the compiled daemon or a plugin never runs a
// stale build. Pass file or folder paths to run a subset: `node scripts/run-tests.mjs test/unit/host`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LANES = {
  unit: () => ['test/unit', 'plugin-sdk/node/test', ...listExampleTestDirs()],
  integration: () => ['test/integration', 'test/sdk', 'test/packaging', 'test/lint'],
  e2e: () => ['test/e2e', 'test/compose', 'test/cri'],
  security: () => ['test/security'],
};

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
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
