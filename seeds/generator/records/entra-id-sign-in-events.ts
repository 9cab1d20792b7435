/**
 * EntraIdSignInEvents rows (Defender XDR advanced hunting): Timestamp,
 * AccountUpn, AccountObjectId, Application, numeric ErrorCode and
 * RiskLevelDuringSignIn (0/10/50/100), SessionId, IPAddress, Country, in the
 * column types of the Defender reference.
 */
import type { Tenant } from '../tenant.js';
import { iso } from '../time.js';
import { RISK_NUMBER, type SignIn, type SignInIds } from './sign-in.js';

/** One EntraIdSignInEvents row for a sign-in (interactive or not). */
export function entraIdSignInEventRecord(tenant: Tenant, s: SignIn, ids: SignInIds, interactive: boolean, reportId: string): Record<string, unknown> {
  const risk = RISK_NUMBER[s.risk];
  const d = s.device;
  return {
    Timestamp: iso(s.time),
    Application: s.app.name,
    ApplicationId: s.app.id,
    LogonType: JSON.stringify([interactive ? 'interactiveUser' : 'nonInteractiveUser']),
    EndpointCall: '',
    ErrorCode: Number(s.result.code),
    CorrelationId: s.correlationId,
    SessionId: s.sessionId,
    AccountDisplayName: s.user.displayName,
    AccountObjectId: s.user.objectId,
    AccountUpn: s.user.upn,
    IsExternalUser: 0,
    IsGuestUser: false,
    AlternateSignInName: s.user.upn,
    LastPasswordChangeTimestamp: s.user.createdAt,
    ResourceDisplayName: s.app.resource,
    ResourceId: s.app.resourceId,
    ResourceTenantId: tenant.tenantId,
    DeviceName: d ? d.name : '',
    EntraIdDeviceId: d ? d.id : '',
    OSPlatform: s.client.os,
    DeviceTrustType: d ? d.trustType : '',
    IsManaged: d?.managed ? 1 : 0,
    IsCompliant: d?.compliant ? 1 : 0,
    AuthenticationProcessingDetails: JSON.stringify([{ key: 'Is CAE Token', value: interactive ? 'False' : 'True' }]),
    AuthenticationRequirement: s.result.mfa === 'none' ? 'singleFactorAuthentication' : 'multiFactorAuthentication',
    TokenIssuerType: 'AzureAD',
    RiskLevelAggregated: risk,
    RiskLevelDuringSignIn: risk,
    RiskEventTypes: JSON.stringify(s.riskEventTypes),
    RiskState: risk >= 50 ? 4 : 0,
    UserAgent: s.client.userAgent,
    ClientAppUsed: s.client.clientApp,
    Browser: s.client.browser,
    ConditionalAccessPolicies: '[]',
    ConditionalAccessStatus: s.result.code === '0' ? 0 : s.result.passwordOk ? 1 : 2,
    IPAddress: s.ip,
    Country: s.place.country,
    State: s.place.state,
    City: s.place.city,
    Latitude: String(s.place.lat),
    Longitude: String(s.place.lon),
    NetworkLocationDetails: JSON.stringify(s.trustedNetwork ? [{ networkType: 'trustedNamedLocation', networkNames: ['Corporate egress'] }] : []),
    RequestId: ids.id,
    ReportId: reportId,
    TenantId: tenant.tenantId,
    SourceSystem: '',
    TimeGenerated: iso(s.time),
    UniqueTokenId: ids.uniqueTokenId,
    IsSignInThroughGlobalSecureAccess: false,
    Type: 'EntraIdSignInEvents',
  };
}
