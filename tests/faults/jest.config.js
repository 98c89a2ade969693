/**
 * Fault runs of the peak-day simulator at small scale (`npm run test:faults`): the real server in
 * its own processes, so they run alone (one at a time, not beside the other suites) and long.
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/tests/faults'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 15 * 60 * 1000,
  maxWorkers: 1,
};
