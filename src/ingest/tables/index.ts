/**
 * Every ingested table's spec, by table name: the one lookup prepare.ts and
 * the stores use.
 */
import type { TableName } from '../table-names.js';
import { AuditLogs } from './audit-logs.js';
import { CloudAppEvents } from './cloud-app-events.js';
import { EntraIdSignInEvents } from './entra-id-sign-in-events.js';
import { IdentityInfo } from './identity-info.js';
import { SecurityAlert } from './security-alert.js';
import { AADNonInteractiveUserSignInLogs, SigninLogs } from './signin-logs.js';
import type { TableSpec } from './table-spec.js';

export type { TableSpec } from './table-spec.js';

/** Table name -> schema, time, event id and mapping. */
export const TABLES: Readonly<Record<TableName, TableSpec>> = {
  SigninLogs,
  AADNonInteractiveUserSignInLogs,
  AuditLogs,
  CloudAppEvents,
  EntraIdSignInEvents,
  IdentityInfo,
  SecurityAlert,
};
