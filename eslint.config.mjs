// Lint gate (npm run lint; .ci/run runs it): typescript-eslint's type-checked rules, the layer rule
// (imports point one way: app routes -> server -> engine -> models; temporal/ -> engine, models),
// no import cycles, and deterministic workflow code (no Node built-ins, only workflow-safe imports).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import reactHooks from 'eslint-plugin-react-hooks';
import nextPlugin from '@next/eslint-plugin-next';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/** An import-x/no-restricted-paths zone: files in `target` may not import from `from` (except `except`). */
const zone = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });

export default tseslint.config(
  {
    ignores: ['node_modules/', '.next/', '.data/', 'reports/', 'test-results/', 'playwright-report/', 'next-env.d.ts', 'docs/benchmarks/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      // no-cycle follows imports into other files: it must parse them as TypeScript.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // An async function without await is how an interface that returns promises is met (activities, deps).
      '@typescript-eslint/require-await': 'off',
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone(
              './src/engine',
              ['./src/server', './src/app', './src/components', './src/trpc', './temporal'],
              'The engine is below the server and the app: it may import only models and itself.',
            ),
            zone('./prisma-free-models', ['./src', './temporal'], 'Models are the bottom layer: they take their settings as arguments.'),
            zone(
              './src/server',
              ['./src/app', './src/components', './temporal'],
              'The server is below the app and never imports the worker side.',
            ),
            zone('./src', './temporal', 'The app never imports the worker side (temporal/): share the contract through src/engine.'),
            zone(
              './temporal',
              ['./src/server', './src/app', './src/components', './src/trpc'],
              'The worker side imports the engine and the models, never the app.',
            ),
          ],
        },
      ],
    },
  },
  {
    // Workflow code is replayed deterministically: no Node built-ins, only the workflow SDK, the
    // engine's contract and activity types.
    files: ['temporal/workflows/**/*.ts', 'tests/fixtures/**/*.workflow.ts'],
    rules: {
      'import-x/no-nodejs-modules': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@temporalio/(?!workflow$|common$)',
              message: 'Workflows may import only @temporalio/workflow and @temporalio/common.',
            },
            {
              regex: '^(?!@temporalio/|\\.\\./activities$|\\./|\\.\\./\\.\\./src/engine/contract$)',
              message: 'Workflows import only the workflow SDK, the engine contract (src/engine/contract.ts) and activity types.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/app/**/*.tsx', 'src/components/**/*.tsx', 'src/trpc/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks, '@next/next': nextPlugin },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
    },
  },
  {
    // Server components render once per request on the server: reading the clock there is the point.
    files: ['src/app/**/page.tsx', 'src/app/**/layout.tsx'],
    rules: { 'react-hooks/purity': 'off' },
  },
  {
    // A browser script served as a file (Swagger UI's initializer): plain JavaScript, browser globals.
    files: ['src/server/rest/docs-assets/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { ...globals.browser, SwaggerUIBundle: 'readonly' },
      sourceType: 'script',
    },
  },
  {
    // k6 scripts run in k6's JavaScript runtime, not Node.
    files: ['load/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', console: 'readonly' },
    },
  },
  {
    // Tests read JSON answers (typed any) and poke at them; the promise rules still apply there.
    files: ['tests/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Playwright fixtures that need no other fixture are written \`async ({}, use) => ...\`.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  { files: ['**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  prettier,
);
