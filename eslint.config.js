// ESLint flat config for the whole workspace: typescript-eslint with type information (each file is
// checked against the nearest tsconfig.json by the project service). `pnpm lint` runs it per package.
const { defineConfig } = require('eslint/config');
const tseslint = require('typescript-eslint');

module.exports = defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '.turbo/**',
      'infra/kafka/lib/**',
      'infra/kafka/run/**',
      'bench/results/**',
      'bench/**/*.md',
      'data/**',
      '.jest-results.json',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      // Ports are async so that any engine fits; an engine with synchronous internals (SQLite, memory)
      // implements them with async functions that need no await.
      '@typescript-eslint/require-await': 'off',
      // tsc reports unused locals and parameters already (noUnusedLocals, noUnusedParameters).
      '@typescript-eslint/no-unused-vars': 'off',
      // A package's public face is its exports map: no reaching into another package's files.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@asn/*/src', '@asn/*/src/**'],
              message: 'Import from the package entry point (its exports map).',
            },
          ],
        },
      ],
    },
  },
  {
    // Services log through pino; console output would bypass the structured, redacted log.
    files: ['services/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Tests: jest's matchers and supertest bodies are `any` by design.
    files: ['**/*.test.ts', '**/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
  },
);
