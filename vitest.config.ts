import { defineConfig } from 'vitest/config';

/** Suites that need the test Neo4j: they share its one database, so they run one file at a time. */
const NEO4J_SUITES = ['test/neo4j/**/*.test.ts', 'test/store/neo4j-*.test.ts'];

const shared = {
  testTimeout: 60_000,
  hookTimeout: 180_000,
  // Suites that start servers or databases run in their own forks.
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/**/*.test.ts'], exclude: NEO4J_SUITES } },
      { test: { ...shared, name: 'neo4j', include: NEO4J_SUITES, fileParallelism: false, globalSetup: ['test/neo4j-global-setup.ts'] } },
    ],
  },
});
