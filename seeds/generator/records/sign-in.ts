/**
 * What one Entra ID sign-in is, independent of the table logging it. The
 * builders of SigninLogs, AADNonInteractiveUserSignInLogs and
 * EntraIdSignInEvents each write this in their own columns and types.
 */
import type { App, Client, Place, SignInResult } from '../reference-data.js';
import type { CaPolicy, SimDevice, SimUser, Tenant } from '../tenant.js';
import { iso } from '../time.js';

/** Risk as Identity Protection grades it during the sign-in. */
export type Risk = 'none' | 'low' | 'medium' | 'high';

/** The number EntraIdSignInEvents logs for a risk level. */
export const RISK_NUMBER: Readonly<Record<Risk, number>> = { none: 0, low: 10, medium: 50, high: 100 };

export interface SignIn {
  readonly user: SimUser;
  readonly time: number;
  readonly ip: string;
  readonly place: Place;
  readonly app: App;
  readonly result: SignInResult;
  readonly client: Client;
  /** The user's own device, or null for a browser the directory does not know. */
  readonly device: SimDevice | null;
  readonly sessionId: string;
  readonly correlationId: string;
  readonly risk: Risk;
  readonly riskEventTypes: readonly string[];
  /** From an office IP (a trusted named location). */
  readonly trustedNetwork: boolean;
  /** Overrides Status.additionalDetails. */
  readonly statusDetails?: string;
}

/** The record id Entra ID gives one sign-in request (Id / OriginalRequestId / RequestId). */
export interface SignInIds {
  readonly id: string;
  readonly uniqueTokenId: string;
}

/** Status as SigninLogs logs it. */
export function statusOf(s: SignIn): Record<string, unknown> {
  const code = Number(s.result.code);
  if (code === 0) {
    const details = s.statusDetails ?? (s.result.mfa === 'satisfied' ? (s.trustedNetwork ? 'MFA requirement satisfied by claim in the token' : 'MFA completed in Azure AD') : undefined);
    return details ? { errorCode: 0, additionalDetails: details } : { errorCode: 0 };
  }
  const details = s.statusDetails ?? (s.result.mfa === 'denied' ? 'MFA denied; user declined the authentication' : s.result.mfa === 'required' ? 'MFA required in Azure AD' : undefined);
  return details ? { errorCode: code, failureReason: s.result.failureReason, additionalDetails: details } : { errorCode: code, failureReason: s.result.failureReason };
}

/** DeviceDetail: the user's device when known, otherwise just what the browser tells. */
export function deviceDetailOf(s: SignIn): Record<string, unknown> {
  const d = s.device;
  return d
    ? { deviceId: d.id, displayName: d.name, operatingSystem: d.client.os, browser: d.client.browser, isCompliant: d.compliant, isManaged: d.managed, trustType: d.trustType }
    : { deviceId: '', operatingSystem: s.client.os, browser: s.client.browser };
}

/** LocationDetails. */
export function locationDetailsOf(s: SignIn): Record<string, unknown> {
  return { city: s.place.city, state: s.place.state, countryOrRegion: s.place.country, geoCoordinates: { latitude: s.place.lat, longitude: s.place.lon } };
}

/** MfaDetail: the method used when a second factor was asked for, else empty. */
export function mfaDetailOf(s: SignIn): Record<string, unknown> {
  if (s.result.mfa === 'none' || (s.result.mfa === 'satisfied' && s.trustedNetwork)) return {};
  const method = s.user.mfaMethods[0] === 'Phone' ? 'Text message' : 'Mobile app notification';
  return { authMethod: method, authDetail: method === 'Text message' ? '+X XXXXXXXX' + s.user.index.toString().padStart(2, '0').slice(-2) : null };
}

/** AuthenticationDetails: the steps of the sign-in (logged as JSON text in both sign-in tables). */
export function authenticationDetailsOf(s: SignIn): Record<string, unknown>[] {
  const when = iso(s.time).replace('Z', '+00:00');
  const steps: Record<string, unknown>[] = [];
  if (s.result.mfa === 'satisfied' && s.trustedNetwork) {
    steps.push({ authenticationStepDateTime: when, authenticationMethod: 'Previously satisfied', authenticationMethodDetail: '', succeeded: true, authenticationStepResultDetail: 'First factor requirement satisfied by claim in the token', authenticationStepRequirement: ''});
    return steps;
  }
  steps.push({
    authenticationStepDateTime: when,
    authenticationMethod: 'Password',
    authenticationMethodDetail: 'Password in the cloud',
    succeeded: s.result.passwordOk,
    authenticationStepResultDetail: s.result.passwordOk ? 'Correct password' : 'Invalid username or password or Invalid on-premise username or password.',
    authenticationStepRequirement: 'Primary authentication',
  });
  if (s.result.mfa !== 'none' && s.result.passwordOk) {
    const detail = s.result.mfa === 'satisfied' ? 'MFA successfully completed' : s.result.mfa === 'denied' ? 'MFA denied; user declined the authentication' : 'MFA required in Azure AD';
    steps.push({
      authenticationStepDateTime: when,
      authenticationMethod: s.user.mfaMethods[0] === 'Phone' ? 'Text message' : 'Mobile app notification',
      succeeded: s.result.mfa === 'satisfied',
      authenticationStepResultDetail: detail,
      authenticationStepRequirement: 'Secondary authentication',
    });
  }
  return steps;
}

/** Whether a Conditional Access policy applies to the sign-in. */
function applies(p: CaPolicy, s: SignIn, admin: boolean): boolean {
  switch (p.scope) {
    case 'all':
      return true;
    case 'admins':
      return admin;
    case 'azure-management':
      return s.app.name === 'Azure Portal';
    case 'legacy':
      return false;
    case 'report-only':
      return admin;
  }
}

/** ConditionalAccessPolicies: every policy of the tenant with its outcome for this sign-in. */
export function conditionalAccessPoliciesOf(tenant: Tenant, s: SignIn, admin: boolean): Record<string, unknown>[] {
  const failed = s.result.code !== '0' && s.result.passwordOk;
  return tenant.policies.map((p) => {
    const on = applies(p, s, admin);
    let result: string;
    if (p.scope === 'report-only') result = on ? 'reportOnlyFailure' : 'reportOnlyNotApplied';
    else if (!on) result = 'notApplied';
    else if (p.scope === 'legacy') result = 'notApplied';
    else if (!s.result.passwordOk) result = 'notApplied';
    else result = failed ? 'failure' : 'success';
    return {
      id: p.id,
      displayName: p.displayName,
      enforcedGrantControls: on ? p.grant : [],
      enforcedSessionControls: on ? p.session : [],
      result,
    };
  });
}

/** ConditionalAccessStatus of the sign-in (the outcome of the policies taken together). */
export function conditionalAccessStatusOf(s: SignIn): 'success' | 'failure' | 'notApplied' {
  if (!s.result.passwordOk) return 'notApplied';
  return s.result.code === '0' || s.result.code === '50140' ? 'success' : 'failure';
}
