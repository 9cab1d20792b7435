/**
 * The Neo4j the Cypher tests run against, as a plain `run` returning records
 * as objects. Interim: connects to IDGRAPH_TEST_NEO4J_URI until the Neo4j
 * store's test setup provides one.
 */
import neo4j from 'neo4j-driver';

export interface TestNeo4j {
  run(cypher: string, params?: Record<string, unknown>): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Opens a session factory on the test Neo4j. */
export async function openTestNeo4j(): Promise<TestNeo4j> {
  const uri = process.env['IDGRAPH_TEST_NEO4J_URI'] ?? 'bolt://127.0.0.1:7687';
  const driver = neo4j.driver(uri);
  await driver.verifyConnectivity();
  return {
    async run(cypher, params = {}) {
      const session = driver.session();
      try {
        return (await session.run(cypher, params)).records.map((r) => r.toObject());
      } finally {
        await session.close();
      }
    },
    close: () => driver.close(),
  };
}
