/**
 * SigninLogs and AADNonInteractiveUserSignInLogs (same columns; the
 * non-interactive table logs DeviceDetail, LocationDetails and Status as JSON
 * text, which the dynamic column types read either way).
 *
 * Event id: `<table>:<Id>:<ResultType>`. Id is the sign-in request id; the
 * same request can be logged once per step with a different ResultType
 * (an interrupt, then the success), and those steps are distinct events for
 * the hunts, while re-exports of one step (even with columns added later,
 * as in the msticpy sample) collapse. No Id: content hash.
 */
import { z } from 'zod';
import type { TableName } from '../table-names.js';
import { anyObject, dynamicObject, firstOf, looseText, text, timestamp } from './columns.js';
import { columnEventId, hashEventId } from './event-id.js';
import { signInFacts } from './sign-in-facts.js';
import type { TableSpec } from './table-spec.js';
import { normalizeColumns } from './normalize-columns.js';

const schema = z.preprocess(
  normalizeColumns,
  z.object({
    TimeGenerated: timestamp,
    CreatedDateTime: timestamp,
    Id: text,
    UserPrincipalName: text,
    UserId: text,
    UserDisplayName: text,
    IPAddress: text,
    AppDisplayName: text,
    AppId: text,
    ResultType: text,
    ResultDescription: text,
    RiskLevelDuringSignIn: text,
    SessionId: text,
    CorrelationId: text,
    Location: text,
    LocationDetails: dynamicObject(anyObject),
    Status: dynamicObject(anyObject),
    DeviceDetail: dynamicObject(anyObject),
    UserAgent: text,
    ClientAppUsed: text,
    AuthenticationRequirement: text,
  }),
);

type SigninRecord = z.output<typeof schema>;

function spec(name: TableName): TableSpec<SigninRecord> {
  return {
    name,
    schema,
    timeColumns: ['TimeGenerated', 'CreatedDateTime'],
    time: (r) => firstOf(r.TimeGenerated, r.CreatedDateTime) ?? undefined,
    eventId: (r, raw) => (r.Id ? columnEventId(name, r.Id, r.ResultType ?? '') : hashEventId(name, raw)),
    toFacts: (r, eventId, time) =>
      signInFacts(
        name,
        {
          upn: r.UserPrincipalName,
          userId: r.UserId,
          userDisplayName: r.UserDisplayName,
          ip: r.IPAddress,
          app: r.AppDisplayName,
          appId: r.AppId,
          resultType: r.ResultType,
          resultDescription: r.ResultDescription,
          risk: r.RiskLevelDuringSignIn,
          sessionId: r.SessionId,
          correlationId: r.CorrelationId,
          location: r.Location,
          city: looseText(r.LocationDetails?.['city']),
          statusCode: looseText(r.Status?.['errorCode']),
          statusDetails: looseText(r.Status?.['additionalDetails']),
          deviceId: looseText(r.DeviceDetail?.['deviceId']),
          deviceName: looseText(r.DeviceDetail?.['displayName']),
          userAgent: r.UserAgent,
          clientApp: r.ClientAppUsed,
          authRequirement: r.AuthenticationRequirement,
        },
        eventId,
        time,
      ),
  };
}

/** SigninLogs: interactive Entra ID sign-ins. */
export const SigninLogs = spec('SigninLogs');

/** AADNonInteractiveUserSignInLogs: non-interactive sign-ins, same columns as SigninLogs. */
export const AADNonInteractiveUserSignInLogs = spec('AADNonInteractiveUserSignInLogs');
