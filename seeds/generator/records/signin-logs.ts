/**
 * SigninLogs rows (interactive sign-ins), in the columns, order and types of
 * a Log Analytics export: ResultType a string, dynamic columns
 * (ConditionalAccessPolicies, DeviceDetail, LocationDetails, MfaDetail,
 * Status) as objects, AuthenticationDetails and the other "string" columns
 * as JSON text. A row is 2-4 KB, like the real ones.
 */
import { isAdmin, type Tenant } from '../tenant.js';
import { iso } from '../time.js';
import {
  authenticationDetailsOf,
  conditionalAccessPoliciesOf,
  conditionalAccessStatusOf,
  deviceDetailOf,
  locationDetailsOf,
  mfaDetailOf,
  statusOf,
  type SignIn,
  type SignInIds,
} from './sign-in.js';

/** The columns shared by SigninLogs and AADNonInteractiveUserSignInLogs; `asText` writes dynamic columns as JSON text. */
export function signInColumns(tenant: Tenant, s: SignIn, ids: SignInIds, interactive: boolean): Record<string, unknown> {
  const dyn = (v: unknown): unknown => (interactive ? v : JSON.stringify(v));
  const admin = isAdmin(s.user);
  const ok = s.result.code === '0';
  const mfaDone = ok && s.result.mfa === 'satisfied';
  const processingMs = 40 + ((s.time >>> 3) % 260);
  return {
    TenantId: tenant.tenantId,
    SourceSystem: 'Azure AD',
    TimeGenerated: iso(s.time),
    ResourceId: `/tenants/${tenant.tenantId}/providers/Microsoft.aadiam`,
    OperationName: 'Sign-in activity',
    OperationVersion: '1.0',
    Category: interactive ? 'SignInLogs' : 'NonInteractiveUserSignInLogs',
    ResultType: s.result.code,
    ResultSignature: ok ? 'SUCCESS' : 'FAILURE',
    ResultDescription: s.result.description,
    DurationMs: 0,
    CorrelationId: s.correlationId,
    Resource: 'Microsoft.aadiam',
    ResourceGroup: 'Microsoft.aadiam',
    ResourceProvider: '',
    Identity: s.user.displayName,
    Level: '4',
    Location: s.place.country,
    AlternateSignInName: '',
    AppDisplayName: s.app.name,
    AppId: s.app.id,
    AuthenticationContextClassReferences: '[]',
    AuthenticationDetails: JSON.stringify(authenticationDetailsOf(s)),
    AuthenticationMethodsUsed: '',
    AuthenticationProcessingDetails: JSON.stringify([{ key: 'Is CAE Token', value: interactive ? 'False' : 'True' }]),
    AuthenticationRequirement: s.result.mfa === 'none' ? 'singleFactorAuthentication' : 'multiFactorAuthentication',
    AuthenticationRequirementPolicies: JSON.stringify(
      s.result.mfa === 'none' ? [] : [{ requirementProvider: 'multiConditionalAccess', detail: 'Conditional Access' }],
    ),
    ClientAppUsed: s.client.clientApp,
    ConditionalAccessPolicies: dyn(conditionalAccessPoliciesOf(tenant, s, admin)),
    ConditionalAccessStatus: conditionalAccessStatusOf(s),
    CreatedDateTime: iso(s.time),
    DeviceDetail: dyn(deviceDetailOf(s)),
    IsInteractive: interactive,
    Id: ids.id,
    IPAddress: s.ip,
    IsRisky: s.risk === 'medium' || s.risk === 'high',
    LocationDetails: dyn(locationDetailsOf(s)),
    MfaDetail: dyn(mfaDone || s.result.mfa === 'denied' ? mfaDetailOf(s) : {}),
    NetworkLocationDetails: JSON.stringify(s.trustedNetwork ? [{ networkType: 'trustedNamedLocation', networkNames: ['HQ'] }] : []),
    OriginalRequestId: ids.id,
    ProcessingTimeInMilliseconds: String(processingMs),
    RiskDetail: 'none',
    RiskEventTypes: JSON.stringify(s.riskEventTypes),
    RiskEventTypes_V2: JSON.stringify(s.riskEventTypes),
    RiskLevelAggregated: s.risk,
    RiskLevelDuringSignIn: s.risk,
    RiskState: s.risk === 'medium' || s.risk === 'high' ? 'atRisk' : 'none',
    ResourceDisplayName: s.app.resource,
    ResourceIdentity: s.app.resourceId,
    ResourceTenantId: tenant.tenantId,
    ServicePrincipalId: '',
    ServicePrincipalName: '',
    SessionId: s.sessionId,
    Status: dyn(statusOf(s)),
    TokenIssuerName: '',
    TokenIssuerType: 'AzureAD',
    UserAgent: s.client.userAgent,
    UserDisplayName: s.user.displayName,
    UserId: s.user.objectId,
    UserPrincipalName: s.user.upn,
    UserType: 'Member',
    AADTenantId: tenant.tenantId,
    Type: interactive ? 'SigninLogs' : 'AADNonInteractiveUserSignInLogs',
  };
}

/** One SigninLogs row. */
export function signinLogsRecord(tenant: Tenant, s: SignIn, ids: SignInIds): Record<string, unknown> {
  return signInColumns(tenant, s, ids, true);
}
