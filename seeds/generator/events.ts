/**
 * A tenant event: something that happens at one time and is logged as one or
 * more rows (a sign-in in SigninLogs and its mirror in EntraIdSignInEvents).
 * Rows are built when the event is written, in time order, drawing their ids
 * from the writing stream; `effect` changes tenant state at that moment (a
 * role granted shows in the next IdentityInfo snapshot). The factories here
 * are what background and stories plan with.
 */
import type { TableName } from '../../src/ingest/table-names.js';
import { nonInteractiveSignInRecord } from './records/aad-non-interactive-user-sign-in-logs.js';
import { deviceAuditRecord, roleAssignmentAuditRecord, securityInfoAuditRecord, type Initiator, type SecurityInfoOperation } from './records/audit-logs.js';
import { deviceRegistrationEventRecord } from './records/cloud-app-events.js';
import { entraIdSignInEventRecord } from './records/entra-id-sign-in-events.js';
import { identityInfoRecord } from './records/identity-info.js';
import { securityAlertRecord, type AlertSpec } from './records/security-alert.js';
import type { SignIn } from './records/sign-in.js';
import { signinLogsRecord } from './records/signin-logs.js';
import type { Place } from './reference-data.js';
import type { Rng } from './rng.js';
import type { SignInHistory } from './sign-in-history.js';
import type { SimUser, Tenant } from './tenant.js';
import { SECOND } from './time.js';

/** What building a row may use. */
export interface BuildContext {
  readonly rng: Rng;
  readonly tenant: Tenant;
  readonly history: SignInHistory;
}

export interface Row {
  readonly table: TableName;
  readonly record: Record<string, unknown>;
}

export interface TenantEvent {
  readonly time: number;
  readonly rows: (ctx: BuildContext) => readonly Row[];
  readonly effect?: (ctx: BuildContext) => void;
}

/** A sign-in, logged in SigninLogs (interactive) or AADNonInteractiveUserSignInLogs, and mirrored to EntraIdSignInEvents when `mirror`. */
export function signInEvent(s: SignIn, opts: { interactive: boolean; mirror: boolean }): TenantEvent {
  return {
    time: s.time,
    rows: (ctx) => {
      const ids = { id: ctx.rng.uuid(), uniqueTokenId: ctx.rng.hex(22) };
      const rows: Row[] = [
        opts.interactive
          ? { table: 'SigninLogs', record: signinLogsRecord(ctx.tenant, s, ids) }
          : { table: 'AADNonInteractiveUserSignInLogs', record: nonInteractiveSignInRecord(ctx.tenant, s, ids) },
      ];
      if (opts.mirror) rows.push({ table: 'EntraIdSignInEvents', record: entraIdSignInEventRecord(ctx.tenant, s, ids, opts.interactive, ctx.rng.uuid()) });
      return rows;
    },
    effect: (ctx) => {
      if (opts.interactive && s.result.code === '0') ctx.history.recordSuccess(s.user.index, s.ip, s.time);
      else ctx.history.recordSeen(s.user.index, s.time);
    },
  };
}

/** A security-info change in AuditLogs; a registration adds the method to the user. */
export function securityInfoEvent(e: { time: number; operation: SecurityInfoOperation; initiator: Initiator; target: SimUser; method: string; userAgent: string }): TenantEvent {
  return {
    time: e.time,
    rows: (ctx) => [{ table: 'AuditLogs', record: securityInfoAuditRecord(ctx.rng, ctx.tenant, e) }],
    effect: () => {
      if (e.operation.includes('registered') && !e.target.mfaMethods.includes(e.method)) e.target.mfaMethods.push(e.method);
    },
  };
}

/** "Add member to role" in AuditLogs; the role shows in the target's later IdentityInfo snapshots. */
export function roleAssignmentEvent(e: { time: number; initiator: Initiator; target: SimUser; role: string; roleObjectId: string; roleTemplateId: string; userAgent: string }): TenantEvent {
  return {
    time: e.time,
    rows: (ctx) => [{ table: 'AuditLogs', record: roleAssignmentAuditRecord(ctx.rng, ctx.tenant, e) }],
    effect: () => {
      if (!e.target.roles.includes(e.role)) e.target.roles.push(e.role);
    },
  };
}

/**
 * A device registration as four rows a few seconds apart: AuditLogs "Register
 * device" and "Add registered owner to device", and the same two in
 * CloudAppEvents ("Add device.", "Add registered owner to device." at `time`).
 */
export function deviceRegistrationEvents(d: { time: number; owner: SimUser; deviceObjectId: string; deviceName: string; os: string; ip: string; place: Place }): TenantEvent[] {
  const cloud = (time: number, action: 'Add device.' | 'Add registered owner to device.'): TenantEvent => ({
    time,
    rows: (ctx) => [
      {
        table: 'CloudAppEvents',
        record: deviceRegistrationEventRecord(ctx.rng, ctx.tenant, { time, action, owner: d.owner, deviceObjectId: d.deviceObjectId, deviceName: d.deviceName, os: d.os, ip: d.ip, countryCode: d.place.country, city: d.place.city }),
      },
    ],
  });
  const audit = (time: number, operation: 'Register device' | 'Add registered owner to device'): TenantEvent => ({
    time,
    rows: (ctx) => [{ table: 'AuditLogs', record: deviceAuditRecord(ctx.rng, ctx.tenant, { time, operation, owner: d.owner, deviceObjectId: d.deviceObjectId, deviceName: d.deviceName, os: d.os }) }],
  });
  return [audit(d.time - 2 * SECOND, 'Register device'), cloud(d.time - SECOND, 'Add device.'), audit(d.time - 1, 'Add registered owner to device'), cloud(d.time, 'Add registered owner to device.')];
}

/** A SecurityAlert. */
export function alertEvent(a: AlertSpec): TenantEvent {
  return { time: a.time, rows: (ctx) => [{ table: 'SecurityAlert', record: securityAlertRecord(ctx.rng, ctx.tenant, a) }] };
}

/** The daily IdentityInfo snapshot of one user (roles as they are at `time`). */
export function identityInfoEvent(u: SimUser, time: number): TenantEvent {
  return { time, rows: (ctx) => [{ table: 'IdentityInfo', record: identityInfoRecord(ctx.tenant, u, time, ctx.history.lastSeenAt(u.index)) }] };
}
