/**
 * EntraIdSignInEvents (Defender XDR advanced hunting; older name
 * AADSignInEventsBeta). RiskLevelDuringSignIn and ErrorCode are numbers
 * there and may arrive as text; both are kept as text and compared by value.
 * Event id: `EntraIdSignInEvents:<ReportId>:<time ms>` (Defender's ReportId
 * is unique together with the time), else a content hash.
 */
import { z } from 'zod';
import { firstOf, text, timestamp } from './columns.js';
import { columnEventId, hashEventId } from './event-id.js';
import { normalizeColumns } from './normalize-columns.js';
import { signInFacts } from './sign-in-facts.js';
import type { TableSpec } from './table-spec.js';

const schema = z.preprocess(
  normalizeColumns,
  z.object({
    Timestamp: timestamp,
    TimeGenerated: timestamp,
    ReportId: text,
    AccountUpn: text,
    AccountObjectId: text,
    AccountDisplayName: text,
    IPAddress: text,
    Application: text,
    ApplicationId: text,
    ErrorCode: text,
    RiskLevelDuringSignIn: text,
    SessionId: text,
    CorrelationId: text,
    Country: text,
    City: text,
    DeviceName: text,
    AadDeviceId: text,
    EntraIdDeviceId: text,
    UserAgent: text,
    ClientAppUsed: text,
    AuthenticationRequirement: text,
  }),
);

/** EntraIdSignInEvents. */
export const EntraIdSignInEvents: TableSpec<z.output<typeof schema>> = {
  name: 'EntraIdSignInEvents',
  schema,
  timeColumns: ['Timestamp', 'TimeGenerated'],
  time: (r) => firstOf(r.Timestamp, r.TimeGenerated) ?? undefined,
  eventId: (r, raw, time) => (r.ReportId ? columnEventId('EntraIdSignInEvents', r.ReportId, time) : hashEventId('EntraIdSignInEvents', raw)),
  toFacts: (r, eventId, time) =>
    signInFacts(
      'EntraIdSignInEvents',
      {
        upn: r.AccountUpn,
        userId: r.AccountObjectId,
        userDisplayName: r.AccountDisplayName,
        ip: r.IPAddress,
        app: r.Application,
        appId: r.ApplicationId,
        resultType: r.ErrorCode,
        resultDescription: null,
        risk: r.RiskLevelDuringSignIn,
        sessionId: r.SessionId,
        correlationId: r.CorrelationId,
        location: r.Country,
        city: r.City,
        statusCode: null,
        statusDetails: null,
        deviceId: firstOf(r.AadDeviceId, r.EntraIdDeviceId),
        deviceName: r.DeviceName,
        userAgent: r.UserAgent,
        clientApp: r.ClientAppUsed,
        authRequirement: r.AuthenticationRequirement,
      },
      eventId,
      time,
    ),
};
