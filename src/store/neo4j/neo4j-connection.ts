/**
 * Where a Neo4j store is and how to log in: a `bolt://`, `neo4j://` (routing)
 * or `+s` / `+ssc` URI from `--store`, the user and database from flags or
 * the environment, the password only from the environment (or a file it
 * names) so it never sits in shell history or process listings. The password
 * never appears in an error or a log line.
 */
import { readFileSync } from 'node:fs';
import neo4j, { type Driver } from 'neo4j-driver';
import { z } from 'zod';
import { IdgraphError } from '../../errors.js';
import { isNeo4jUri } from './neo4j-uri.js';

const SCHEMES = ['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc'] as const;

/** A Neo4j store target, validated. */
export const Neo4jTarget = z.object({
  uri: z
    .string()
    .refine((u) => isNeo4jUri(u), { message: `expected a URI with one of the schemes ${SCHEMES.join(', ')}` })
    .refine((u) => URL.canParse(u), { message: 'not a valid URI' }),
  user: z.string().min(1).optional(),
  password: z.string().optional(),
  database: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/, 'not a valid Neo4j database name').optional(),
});
export type Neo4jTarget = z.infer<typeof Neo4jTarget>;

/** The URI as it may be shown: without any user info it carried. */
export function displayUri(uri: string): string {
  try {
    const u = new URL(uri);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return uri.replace(/\/\/[^@/]*@/, '//');
  }
}

/** Builds the target from `--store`, flags and the environment (IDGRAPH_NEO4J_USER, _PASSWORD, _PASSWORD_FILE, _DATABASE). */
export function neo4jTargetFrom(
  uri: string,
  flags: { user?: string; database?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): Neo4jTarget {
  let password = env['IDGRAPH_NEO4J_PASSWORD'];
  const passwordFile = env['IDGRAPH_NEO4J_PASSWORD_FILE'];
  if ((password === undefined || password === '') && passwordFile) {
    try {
      password = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new IdgraphError('BAD_INPUT', `IDGRAPH_NEO4J_PASSWORD_FILE: cannot read ${passwordFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  // User info in the URI itself is accepted (a copied connection string) but moved out of it.
  let cleanUri = uri;
  let uriUser: string | undefined;
  if (URL.canParse(uri)) {
    const u = new URL(uri);
    if (u.username) uriUser = decodeURIComponent(u.username);
    if (u.password && (password === undefined || password === '')) password = decodeURIComponent(u.password);
    cleanUri = displayUri(uri);
  }
  const parsed = Neo4jTarget.safeParse({
    uri: cleanUri,
    user: flags.user ?? (env['IDGRAPH_NEO4J_USER'] || undefined) ?? uriUser,
    password: password || undefined,
    database: flags.database ?? (env['IDGRAPH_NEO4J_DATABASE'] || undefined),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new IdgraphError('BAD_INPUT', `Neo4j store ${displayUri(uri)}: ${issue.path.join('.') || 'uri'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Opens a driver and checks the server answers; a clear STORE error (URI without secrets) when it does not. */
export async function openNeo4jDriver(target: Neo4jTarget): Promise<Driver> {
  const auth = target.user ? neo4j.auth.basic(target.user, target.password ?? '') : undefined;
  const driver = neo4j.driver(target.uri, auth, {
    // Keys and times come back as driver Integers; idgraph converts them where it reads them.
    disableLosslessIntegers: false,
    maxConnectionPoolSize: 8,
    connectionAcquisitionTimeout: 60_000,
  });
  try {
    await driver.verifyConnectivity(target.database ? { database: target.database } : {});
  } catch (err) {
    await driver.close().catch(() => undefined);
    const reason = String((err as Error).message ?? err).split('\n')[0]!;
    const safe = target.password ? reason.split(target.password).join('***') : reason;
    throw new IdgraphError('STORE', `cannot reach Neo4j at ${displayUri(target.uri)}${target.database ? ` (database ${target.database})` : ''}: ${safe}`, {
      uri: displayUri(target.uri),
    });
  }
  return driver;
}
