import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Integration tests mostly wait on CLI subprocesses and loopback I/O: more files than cores in flight.
    maxWorkers: 4,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    // Says once per run when the tests built on ../shared/reference skip because it is absent.
    globalSetup: ['test/helpers/reference-notice.ts'],
  },
});
