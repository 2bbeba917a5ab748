// Lint config, run by `npm run lint`: typescript-eslint's recommended rules over every TypeScript
// file we own; the one formatter of the repository (@stylistic rules); the dependency rules of
// docs/architecture.md; and type-aware rules over the shipped code (src/, the Node SDK).
// test/lint/ proves each boundary and type-aware rule fires on a violating fixture.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The house style as the code was written: 2-space indent, single quotes, semicolons, trailing
// commas on multi-line literals, `{ a }` braces. Lines aim at ~150 characters; the hard cap is
// 190 so a long error message or signature stays on one greppable line. Fix with `npx eslint --fix`.
const formatting = {
  '@stylistic/indent': ['error', 2, { SwitchCase: 1, flatTernaryExpressions: true, ignoredNodes: ['TemplateLiteral *', 'ConditionalExpression', 'ConditionalExpression *'] }],
  '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
  '@stylistic/semi': ['error', 'always'],
  '@stylistic/comma-dangle': ['error', 'always-multiline'],
  '@stylistic/eol-last': 'error',
  '@stylistic/no-trailing-spaces': 'error',
  '@stylistic/no-tabs': 'error',
  '@stylistic/no-multiple-empty-lines': ['error', { max: 1, maxEOF: 0 }],
  '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
  '@stylistic/arrow-parens': ['error', 'always'],
  '@stylistic/object-curly-spacing': ['error', 'always'],
  '@stylistic/array-bracket-spacing': ['error', 'never'],
  '@stylistic/comma-spacing': 'error',
  '@stylistic/keyword-spacing': 'error',
  '@stylistic/space-infix-ops': 'error',
  '@stylistic/space-before-blocks': 'error',
  '@stylistic/key-spacing': 'error',
  '@stylistic/member-delimiter-style': 'error',
  '@stylistic/type-annotation-spacing': 'error',
  '@stylistic/linebreak-style': ['error', 'unix'],
  '@stylistic/max-len': ['error', { code: 190, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
};

// docs/architecture.md "Dependency rules", on resolved paths (so `../../host/x.ts` and any other
// spelling are caught alike).
const boundaries = {
  'import-x/no-restricted-paths': ['error', {
    zones: [
      { target: './src/daemon', from: './src/host', except: ['./index.ts'], message: 'the daemon uses the host only through its public entry, src/host/index.ts (docs/architecture.md)' },
      { target: './src/host', from: './src/daemon', message: 'the host never imports the daemon (docs/architecture.md)' },
      { target: './plugin-sdk', from: './src', message: 'an SDK never imports src/; it generates its own code from proto/ (docs/architecture.md)' },
      // Managers report failures as domain kinds (src/daemon/errors.ts) and take decoded input; only
      // the API layer knows HTTP, so nothing below it imports api/.
      ...['containers', 'volumes', 'images', 'network', 'registry', 'content'].map((dir) => ({
        target: `./src/daemon/${dir}`, from: './src/daemon/api',
        message: `src/daemon/${dir}/ never imports the API layer: throw domain errors from src/daemon/errors.ts; shared request code lives in src/daemon/validation/ or src/daemon/request-context.ts`,
      })),
    ],
  }],
  'import-x/no-cycle': ['error', { ignoreExternal: true }],
};

// The shipped code is checked with type information: a promise nobody awaits loses its errors,
// and a switch over a union that misses a member silently does nothing for it.
const typeAware = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
};
const SHIPPED = ['src/**/*.ts', 'plugin-sdk/node/src/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', 'plugin-sdk/go/**', 'plugin-sdk/python/**', 'data/**', '.hookd/**', 'test/lint/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { '@stylistic': stylistic },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      ...formatting,
    },
  },
  {
    files: [...SHIPPED, 'test/lint/fixtures/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      // Without these, import-x does not parse .ts dependencies and no-cycle sees no edges.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { ...boundaries, ...typeAware },
  },
);
