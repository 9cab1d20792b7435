/**
 * AADNonInteractiveUserSignInLogs rows (token refreshes and silent sign-ins):
 * the SigninLogs columns, but DeviceDetail, LocationDetails, Status, MfaDetail
 * and ConditionalAccessPolicies are strings holding JSON, as the table logs them.
 */
import type { Tenant } from '../tenant.js';
import type { SignIn, SignInIds } from './sign-in.js';
import { signInColumns } from './signin-logs.js';

/** One AADNonInteractiveUserSignInLogs row. */
export function nonInteractiveSignInRecord(tenant: Tenant, s: SignIn, ids: SignInIds): Record<string, unknown> {
  return signInColumns(tenant, s, ids, false);
}
