// Each rule that enforces docs/architecture.md's boundaries, and each type-aware rule, fires on a
// fixture that breaks it, through the repository's own eslint.config.js: a rule that is switched
// off, mis-scoped or unable to resolve imports fails here instead of passing silently.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/lint/fixtures');

// The boundary rules judge where a file *is*, so those fixtures are linted as text placed inside
// src/; without type information, since such a file is not in the TypeScript project.
const untyped = new ESLint({
  cwd: ROOT,
  ignore: false,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/switch-exhaustiveness-check': 'off' },
  },
});
const typed = new ESLint({ cwd: ROOT, ignore: false });

async function rulesFiredOn(code: string, filePath: string): Promise<string[]> {
  const [result] = await untyped.lintText(code, { filePath: join(ROOT, filePath) });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

async function rulesFiredIn(file: string): Promise<string[]> {
  const [result] = await typed.lintFiles([join(FIXTURES, file)]);
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('lint boundaries (docs/architecture.md)', () => {
  it('refuses a daemon import of a host file other than src/host/index.ts', async () => {
    const fired = await rulesFiredOn("import { dispatchHook } from '../host/dispatch.ts';\nexport const x = dispatchHook;\n", 'src/daemon/lint-fixture.ts');
    assert.deepEqual(fired, ['import-x/no-restricted-paths']);
    assert.deepEqual(await rulesFiredOn("import { PluginHost } from '../host/index.ts';\nexport const x = PluginHost;\n", 'src/daemon/lint-fixture.ts'), []);
  });

  it('refuses a host import of the daemon', async () => {
    const fired = await rulesFiredOn("import { createDaemon } from '../daemon/daemon.ts';\nexport const x = createDaemon;\n", 'src/host/lint-fixture.ts');
    assert.deepEqual(fired, ['import-x/no-restricted-paths']);
  });

  it('refuses an import of the API layer from containers/, volumes/, images/, network/, registry/ and content/', async () => {
    for (const dir of ['containers', 'volumes', 'images', 'network', 'registry', 'content']) {
      const fired = await rulesFiredOn("import { ApiError } from '../api/errors.ts';\nexport const x = ApiError;\n", `src/daemon/${dir}/lint-fixture.ts`);
      assert.deepEqual(fired, ['import-x/no-restricted-paths'], dir);
    }
    assert.deepEqual(await rulesFiredOn("import { conflict } from '../errors.ts';\nexport const x = conflict;\n", 'src/daemon/containers/lint-fixture.ts'), []);
  });

  it('refuses an SDK import of src/', async () => {
    const fired = await rulesFiredOn("import { HOOKS } from '../../../src/host/hooks.ts';\nexport const x = HOOKS;\n", 'plugin-sdk/node/src/lint-fixture.ts');
    assert.deepEqual(fired, ['import-x/no-restricted-paths']);
  });
});

describe('lint rules with type information', () => {
  it('refuses an import cycle', async () => {
    assert.ok((await rulesFiredIn('cycle-a.ts')).includes('import-x/no-cycle'));
  });

  it('refuses a floating promise', async () => {
    assert.deepEqual(await rulesFiredIn('floating-promise.ts'), ['@typescript-eslint/no-floating-promises']);
  });

  it('refuses a switch that misses a member of the union', async () => {
    assert.deepEqual(await rulesFiredIn('non-exhaustive-switch.ts'), ['@typescript-eslint/switch-exhaustiveness-check']);
  });
});
