/**
 * The tables idgraph ingests, with the other names they travel under.
 * Owns only the names; each table's schema and mapping live in src/ingest/tables/.
 */
export const TABLE_NAMES = [
  'SigninLogs',
  'AADNonInteractiveUserSignInLogs',
  'AuditLogs',
  'CloudAppEvents',
  'EntraIdSignInEvents',
  'IdentityInfo',
  'SecurityAlert',
] as const;

export type TableName = (typeof TABLE_NAMES)[number];

/** Older or alternative names, lower-cased, mapped to the table they mean. */
const ALIASES: Readonly<Record<string, TableName>> = {
  aadsignineventsbeta: 'EntraIdSignInEvents',
};

/** The table a name means (case-insensitive, aliases included), or undefined. */
export function resolveTableName(name: string): TableName | undefined {
  const lower = name.trim().toLowerCase();
  return TABLE_NAMES.find((t) => t.toLowerCase() === lower) ?? ALIASES[lower];
}
