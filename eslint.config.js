// @ts-check
/**
 * Lint (npm run lint): typescript-eslint's recommended rules and a few that catch real bugs, among
 * them the privacy contract's "no browser storage" for the pages' scripts. Layout is prettier's job
 * (npm run format), not this file's.
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Browser storage a page could leave behind on a shared or watched phone (docs/privacy.md). */
const STORAGE = ['localStorage', 'sessionStorage', 'indexedDB', 'caches', 'cookieStore'];
const noStorage = 'Pages keep nothing on the phone: no cookie, no browser storage (ARCHITECTURE.md, privacy contract).';
/** `import { z }` pulls every zod locale into the Worker and the pages (about 264 KB); the namespace import does not. */
const zodNamespace = {
  selector: "ImportDeclaration[source.value='zod'] > :matches(ImportSpecifier[imported.name='z'], ImportDefaultSpecifier)",
  message: "Write `import * as z from 'zod'`: the named import bundles every zod locale.",
};

/** Where SQL and crypto live (ARCHITECTURE.md, "Where things live"); tests/node/architecture.test.ts also reads SQL in strings. */
const sqlOutsideStorage = {
  selector: "CallExpression > MemberExpression.callee[property.name='prepare']",
  message: 'SQL lives in src/storage/: add a function there that takes the binding (ARCHITECTURE.md).',
};
const cryptoOutsideCrypto = {
  selector: "CallExpression > MemberExpression.callee[property.name=/^crypto_/], MemberExpression[object.name='crypto'][property.name='subtle']",
  message: 'Crypto lives in src/crypto/: call a function there, never a primitive (ARCHITECTURE.md).',
};
/** Files that still run SQL of their own outside src/storage/ (issue 24); the list only shrinks. */
const SQL_OUTSIDE_STORAGE = ['src/scheduled.ts', 'src/trends/counters.ts', 'src/trends/queries.ts'];

export default defineConfig(
  { ignores: ['node_modules/', '.wrangler/', 'build/', 'public/assets/', 'tests/fixtures/', 'bench/out/', 'test-results/', 'worker-configuration.d.ts'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      // Type information for the promise rules: the Worker program and the Node/browser program.
      parserOptions: { project: ['./tsconfig.json', './tsconfig.node.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its error (an unhandled rejection in the Worker, a silent failure on the phone).
      '@typescript-eslint/no-floating-promises': 'error',
      // `if (promise)` is always true; async event listeners are fine here, so only conditionals and spreads.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // The code writes `for (...) (a += x), (b += y);` on purpose; the rule cannot tell that from a typo.
      '@typescript-eslint/no-unused-expressions': 'off',
      // Regex style, not bugs: escapes inside character classes, and control characters stripped on purpose.
      'no-useless-escape': 'off',
      'no-control-regex': 'off',
      'no-restricted-syntax': ['error', zodNamespace],
    },
  },
  {
    files: ['src/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'hono/cookie', message: noStorage }] }],
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/storage/**', 'src/crypto/**', ...SQL_OUTSIDE_STORAGE],
    rules: { 'no-restricted-syntax': ['error', zodNamespace, sqlOutsideStorage, cryptoOutsideCrypto] },
  },
  {
    files: ['src/storage/**', 'scripts/**', ...SQL_OUTSIDE_STORAGE],
    rules: { 'no-restricted-syntax': ['error', zodNamespace, cryptoOutsideCrypto] },
  },
  {
    files: ['src/crypto/**'],
    rules: { 'no-restricted-syntax': ['error', zodNamespace, sqlOutsideStorage] },
  },
  {
    files: ['src/client/**'],
    rules: {
      'no-restricted-globals': ['error', ...STORAGE.map((name) => ({ name, message: noStorage }))],
      'no-restricted-properties': [
        'error',
        { object: 'document', property: 'cookie', message: noStorage },
        { object: 'navigator', property: 'serviceWorker', message: noStorage },
        { object: 'navigator', property: 'storage', message: noStorage },
        ...['window', 'globalThis', 'self'].flatMap((object) => STORAGE.map((property) => ({ object, property, message: noStorage }))),
      ],
    },
  },
  {
    // Tests and benchmarks poke at loose JSON and private shapes.
    files: ['tests/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
