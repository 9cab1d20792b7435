/**
 * IdentityInfo rows (Sentinel UEBA): one snapshot of an account, with
 * AccountUPN (Sentinel's spelling) and AssignedRoles / GroupMembership as
 * arrays. The generator writes one per user per day, like the daily refresh.
 */
import type { SimUser, Tenant } from '../tenant.js';
import { iso } from '../time.js';

/** One IdentityInfo snapshot row of a user at `time`. */
export function identityInfoRecord(tenant: Tenant, u: SimUser, time: number, lastSeen: number | null): Record<string, unknown> {
  const [name, domain] = u.upn.split('@') as [string, string];
  return {
    TenantId: tenant.tenantId,
    TimeGenerated: iso(time),
    AccountName: name.toLowerCase(),
    AccountDomain: domain,
    AccountUPN: u.upn,
    AccountSID: u.sid,
    AccountObjectId: u.objectId,
    AccountTenantId: tenant.tenantId,
    AccountDisplayName: u.displayName,
    GivenName: u.givenName,
    Surname: u.surname,
    OnPremisesExtensionAttributes: '',
    OnPremisesDistinguishedName: `CN=${u.displayName},OU=${u.department},OU=Employees,DC=contoso,DC=com`,
    Tags: u.roles.length > 0 ? ['Privileged'] : [],
    AccountCreationTime: u.createdAt,
    InvestigationPriority: 0,
    InvestigationPriorityPercentile: 0,
    RiskLevel: '',
    RiskLevelDetails: '',
    RiskState: '',
    BlastRadius: u.roles.length > 0 ? 'High' : 'Low',
    GroupMembership: ['All Users', `${u.department} Team`, ...(u.roles.length > 0 ? ['Role Holders'] : [])],
    AssignedRoles: [...u.roles],
    Department: u.department,
    EmployeeId: String(100_000 + u.index),
    JobTitle: u.jobTitle,
    MailAddress: u.upn,
    AdditionalMailAddresses: [],
    Manager: '',
    StreetAddress: '',
    City: u.home.city,
    CompanyName: 'Contoso',
    Country: u.home.country,
    State: u.home.state,
    Phone: '',
    IsAccountEnabled: true,
    IsServiceAccount: false,
    DeletedDateTime: null,
    LastSeenDate: lastSeen === null ? null : iso(lastSeen),
    UACFlags: '',
    UserState: 'Active',
    UserStateChangedOn: null,
    UserType: 'Member',
    ExtensionProperty: {},
    AccountCloudSID: '',
    IsMFARegistered: u.mfaMethods.length > 0,
    Applications: '',
    ServicePrincipals: [],
    SourceSystem: 'AzureActiveDirectory',
    UserAccountControl: ['NormalAccount'],
    ChangeSource: 'AzureActiveDirectory',
    EntityRiskScore: null,
    SAMAccountName: name.toLowerCase().replace(/\./g, '').slice(0, 20),
    Type: 'IdentityInfo',
  };
}
