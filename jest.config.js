/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Suites share one Redis and one machine with 2 cores: keep parallelism modest.
  maxWorkers: 2,
  // A bound on each test, never a measure of it: generous, since a busy machine (a CPU-heavy
  // process beside the suite, several server processes starting) is slow, not wrong.
  testTimeout: 60000,
  // The `redis-cluster` backend's local cluster: setup picks its ports, the first suite that needs
  // it starts it, teardown stops it (test/helpers/redis-cluster.ts).
  // New password hashes at the test cost (PASSWORD_SCRYPT_N) in every suite.
  setupFiles: ['<rootDir>/test/helpers/test-password-cost.ts'],
  globalSetup: '<rootDir>/test/helpers/redis-cluster.ts',
  globalTeardown: '<rootDir>/test/helpers/redis-cluster.ts',
};
