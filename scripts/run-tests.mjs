// The project's one test command (`npm test`): every Node test file, each in its own process via
// node:test, with TypeScript loaded by tsx. Pass file or folder paths to run a subset.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = process.argv.slice(2).length > 0
  ? process.argv.slice(2)
  : ['test', 'plugin-sdk/node/test', ...listExampleTestDirs()];

function listExampleTestDirs() {
  try {
    return readdirSync('examples').map((name) => join('examples', name, 'test'));
  } catch {
    return []; // no examples folder yet: nothing to add
  }
}

function findTestFiles(path) {
  let stat;
  try { stat = statSync(path); } catch { return []; } // a root that does not exist has no tests
  if (stat.isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path).flatMap((entry) =>
    entry === 'node_modules' || entry === 'fixtures' ? [] : findTestFiles(join(path, entry)));
}

const files = roots.flatMap(findTestFiles).sort();
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
