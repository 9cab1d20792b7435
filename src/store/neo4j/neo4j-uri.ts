/**
 * Whether a `--store` value names a Neo4j server: kept apart from neo4j-connection.ts, which loads the
 * driver, so commands on the embedded store never load it (a third of a second of every CLI start).
 */

/** Whether a `--store` value names a Neo4j server rather than a directory. */
export function isNeo4jUri(store: string | undefined): boolean {
  return store !== undefined && /^(bolt|neo4j)(\+s|\+ssc)?:\/\//i.test(store);
}
