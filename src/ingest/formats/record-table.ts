/**
 * Which table a record belongs to. In order: the record's Type column; the
 * table its container names (Log Analytics table, Graph endpoint); --table;
 * the file name's first word. A union export from Defender XDR carries no
 * Type, so as a last resort a row is recognised by the columns only its table
 * has; a Defender row of any other table is skipped, not rejected.
 *
 * A Type column does not always hold a table: hunting queries overwrite it
 * (`extend Type = targetType` gives "Application") and Defender's IdentityInfo
 * has a Type of its own (the account type). So a Type that is not one of ours
 * skips the row only when it reads like a table name (DeviceEvents,
 * AADProvisioningLogs, Custom_CL); any other value falls back to the hint.
 */
import { basename } from 'node:path';
import { resolveTableName, type TableName } from '../table-names.js';

/** The outcome: a table, or why there is none (`skipped` for rows of tables idgraph does not ingest). */
export type TableResolution =
  | { readonly table: TableName }
  | { readonly kind: 'skipped' | 'rejected'; readonly table: string | undefined; readonly message: string };

/** The message of a record no rule gives a table. */
export const UNKNOWN_TABLE_MESSAGE = 'unknown table: give --table or a Type column';

/** The table a file name names: its first word before a dot (`SigninLogs.training-lab.csv`), if a known table. */
export function tableFromFileName(path: string): TableName | undefined {
  const first = basename(path).split('.')[0] ?? '';
  return first ? resolveTableName(first) : undefined;
}

/** Decides a record's table from its Type column, else the hint (container, --table or file name), else its shape. */
export function resolveRecordTable(record: Record<string, unknown>, hint: TableName | undefined): TableResolution {
  const type = Object.hasOwn(record, 'Type') ? record['Type'] : undefined;
  if (typeof type === 'string' && type.trim() !== '') {
    const t = resolveTableName(type);
    if (t) return { table: t };
    if (looksLikeTableName(type)) return { kind: 'skipped', table: type, message: `not a table idgraph ingests: ${type}` };
  }
  if (hint) return { table: hint };
  return inferFromColumns(record);
}

const TABLE_NAME_SHAPE = /^[A-Z][A-Za-z0-9]*(Events|Logs|Log|Info|Activity|Activities|Beta|Evidence|Entities|Indicators?|Incident|Alert)$|_CL$/;
const OTHER_TABLES = new Set(['SecurityEvent', 'Syslog', 'Heartbeat', 'Event', 'Perf', 'Usage', 'Operation', 'Anomalies', 'Watchlist']);

/** Whether a Type value reads like a Log Analytics / Defender table name rather than some other value. */
export function looksLikeTableName(type: string): boolean {
  const t = type.trim();
  return TABLE_NAME_SHAPE.test(t) || OTHER_TABLES.has(t);
}

const has = (r: Record<string, unknown>, k: string): boolean => {
  const v = Object.hasOwn(r, k) ? r[k] : undefined;
  return v !== undefined && v !== null && v !== '';
};

/** Recognises Defender XDR rows without a Type column by their table's own columns. */
function inferFromColumns(r: Record<string, unknown>): TableResolution {
  const defender = has(r, 'Timestamp') && !has(r, 'TimeGenerated');
  if (!defender) return { kind: 'rejected', table: undefined, message: UNKNOWN_TABLE_MESSAGE };
  if (has(r, 'ActivityType') || has(r, 'ActivityObjects') || has(r, 'RawEventData')) return { table: 'CloudAppEvents' };
  if (has(r, 'LogonType') || has(r, 'EndpointCall') || (has(r, 'SessionId') && has(r, 'ErrorCode'))) return { table: 'EntraIdSignInEvents' };
  return {
    kind: 'skipped',
    table: guessDefenderTable(r),
    message: 'a Defender XDR row of a table idgraph does not ingest (no Type column; its columns are not those of CloudAppEvents or EntraIdSignInEvents)',
  };
}

function guessDefenderTable(r: Record<string, unknown>): string | undefined {
  if (has(r, 'InitiatingProcessFileName') && has(r, 'DeviceId')) return 'DeviceEvents';
  if (has(r, 'Protocol') && has(r, 'DestinationDeviceName')) return 'IdentityDirectoryEvents';
  return undefined;
}
