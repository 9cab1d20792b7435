import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/neo4j-global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Suites that start servers or databases run in their own forks.
    pool: 'forks',
  },
});
