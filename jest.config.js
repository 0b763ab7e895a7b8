// One jest run for the whole workspace, split into the test tiers of docs/architecture.md by file name.
// ESM-only dependencies (jose, uuid) are compiled to CommonJS by swc like our own sources.
const esmOnly = ['jose', 'uuid'];
const transform = {
  '^.+\\.(t|j)sx?$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
const common = {
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/)?(${esmOnly.join('|')})[@/])`],
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/services', '<rootDir>/bench', '<rootDir>/e2e'],
};
const tier = (name, pattern) => ({ ...common, displayName: name, testMatch: [`**/*.${pattern}.test.ts`] });

/** @type {import('jest').Config} */
module.exports = {
  projects: [tier('unit', 'unit'), tier('int', 'int'), tier('e2e', 'e2e')],
  testTimeout: 60_000,
};
