/**
 * Record builders, one per table, in Microsoft's column names, nesting and
 * types (compare with ../../shared/samples): SigninLogs rows carry the
 * nested dynamic columns, AADNonInteractiveUserSignInLogs carries them as JSON
 * text, Defender tables use Timestamp and numeric codes.
 */
import type { Rng } from './rng.js';
import type { SimUser, Tenant } from './tenant.js';

export type RawRecord = Record<string, unknown>;

const iso = (t: number): string => new Date(t).toISOString();

export const APPS = [
  { name: 'Office 365 Exchange Online', id: '00000002-0000-0ff1-ce00-000000000000' },
  { name: 'OfficeHome', id: '4765445b-32c6-49b0-83e6-1d93765276ca' },
  { name: 'Microsoft Teams', id: '1fec8e78-bce4-4aaf-ab1b-5451cc387264' },
  { name: 'Azure Portal', id: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c' },
  { name: 'Microsoft Authentication Broker', id: '29d9ed98-a469-4536-ade2-f981bc1d605e' },
] as const;

export const RESULTS: Readonly<Record<string, string>> = {
  '0': '',
  '50126': 'Error validating credentials due to invalid username or password.',
  '50074': 'Strong Authentication is required.',
  '50076': 'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.',
  '500121': 'Authentication failed during strong authentication request.',
  '50053': 'Account is locked because user tried to sign in too many times with an incorrect user ID or password.',
  '53003': 'Access has been blocked by Conditional Access policies.',
  '50140': 'This error occurred due to "Keep me signed in" interrupt when the user was signing in.',
};

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36 Edg/128.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
];

export interface SignInSpec {
  readonly user: SimUser;
  readonly time: number;
  readonly ip: string;
  readonly app: (typeof APPS)[number];
  readonly result: string;
  readonly interactive: boolean;
  readonly risk?: string;
  readonly country?: string;
  readonly city?: string;
  readonly details?: string;
}

/** A SigninLogs (interactive) or AADNonInteractiveUserSignInLogs row. */
export function signInRecord(rng: Rng, tenant: Tenant, s: SignInSpec): RawRecord {
  const ok = s.result === '0';
  const id = rng.uuid();
  const location = { city: s.city ?? s.user.city.city, state: s.user.city.state, countryOrRegion: s.country ?? s.user.city.country, geoCoordinates: { latitude: s.user.city.lat, longitude: s.user.city.lon } };
  const device = { deviceId: s.ip.startsWith('10.') ? s.user.deviceId : '', displayName: s.ip.startsWith('10.') ? s.user.deviceName : '', operatingSystem: 'Windows10', browser: 'Edge 128.0.0', isCompliant: s.ip.startsWith('10.'), isManaged: s.ip.startsWith('10.'), trustType: s.ip.startsWith('10.') ? 'Azure AD joined' : '' };
  const status = { errorCode: Number(s.result), failureReason: RESULTS[s.result] ?? 'Other.', additionalDetails: s.details ?? (ok ? 'MFA requirement satisfied by claim in the token' : '') };
  const policies = [
    { id: rng.uuid(), displayName: 'Require MFA for admins', enforcedGrantControls: ['Mfa'], enforcedSessionControls: [], result: ok ? 'success' : 'notApplied' },
    { id: rng.uuid(), displayName: 'Block legacy authentication', enforcedGrantControls: ['Block'], enforcedSessionControls: [], result: 'notApplied' },
  ];
  const auth = [
    { authenticationStepDateTime: iso(s.time), authenticationMethod: 'Password', authenticationMethodDetail: 'Password in the cloud', succeeded: ok || s.result !== '50126', authenticationStepResultDetail: ok ? 'Correct password' : status.failureReason, authenticationStepRequirement: 'Primary authentication' },
    { authenticationStepDateTime: iso(s.time), authenticationMethod: 'Mobile app notification', succeeded: ok, authenticationStepResultDetail: ok ? 'MFA completed in Azure AD' : 'MFA denied; user declined the authentication', authenticationStepRequirement: 'Secondary authentication' },
  ];
  const mfa = { authMethod: 'Mobile app notification', authDetail: null };
  const dyn = (v: unknown) => (s.interactive ? v : JSON.stringify(v));
  return {
    TenantId: tenant.tenantId,
    SourceSystem: 'Azure AD',
    TimeGenerated: iso(s.time),
    ResourceId: `/tenants/${tenant.tenantId}/providers/Microsoft.aadiam`,
    OperationName: 'Sign-in activity',
    OperationVersion: '1.0',
    Category: s.interactive ? 'SignInLogs' : 'NonInteractiveUserSignInLogs',
    ResultType: s.result,
    ResultSignature: 'None',
    ResultDescription: RESULTS[s.result] ?? 'Other.',
    DurationMs: 0,
    CorrelationId: rng.uuid(),
    Resource: 'Microsoft.aadiam',
    ResourceGroup: 'Microsoft.aadiam',
    Identity: s.user.displayName,
    Level: 4,
    Location: s.country ?? s.user.city.country,
    AlternateSignInName: s.user.upn,
    AppDisplayName: s.app.name,
    AppId: s.app.id,
    AuthenticationContextClassReferences: '[]',
    AuthenticationDetails: JSON.stringify(auth),
    AuthenticationMethodsUsed: '',
    AuthenticationProcessingDetails: JSON.stringify([{ key: 'Legacy TLS (TLS 1.0, 1.1, 3DES)', value: 'False' }, { key: 'Is CAE Token', value: 'False' }]),
    AuthenticationRequirement: 'multiFactorAuthentication',
    AuthenticationRequirementPolicies: JSON.stringify([{ requirementProvider: 'multiConditionalAccess', detail: 'Conditional Access' }]),
    ClientAppUsed: 'Browser',
    ConditionalAccessPolicies: dyn(policies),
    ConditionalAccessStatus: ok ? 'success' : 'notApplied',
    CreatedDateTime: iso(s.time),
    DeviceDetail: dyn(device),
    IsInteractive: s.interactive,
    Id: id,
    IPAddress: s.ip,
    IsRisky: false,
    LocationDetails: dyn(location),
    MfaDetail: dyn(mfa),
    NetworkLocationDetails: '[]',
    OriginalRequestId: id,
    ProcessingTimeInMilliseconds: 120 + Math.floor(rng.next() * 200),
    RiskDetail: 'none',
    RiskEventTypes: '[]',
    RiskEventTypes_V2: '[]',
    RiskLevelAggregated: 'none',
    RiskLevelDuringSignIn: s.risk ?? 'none',
    RiskState: 'none',
    ResourceDisplayName: 'Office 365 Exchange Online',
    ResourceIdentity: '00000002-0000-0ff1-ce00-000000000000',
    ServicePrincipalId: '',
    Status: dyn(status),
    TokenIssuerName: '',
    TokenIssuerType: 'AzureAD',
    UserAgent: rng.pick(USER_AGENTS),
    UserDisplayName: s.user.displayName,
    UserId: s.user.objectId,
    UserPrincipalName: s.user.upn,
    UserType: 'Member',
    SessionId: rng.uuid(),
    Type: s.interactive ? 'SigninLogs' : 'AADNonInteractiveUserSignInLogs',
  };
}

/** A Defender EntraIdSignInEvents row (numeric risk and error code). */
export function entraSignInRecord(rng: Rng, s: { user: SimUser; time: number; ip: string; app: (typeof APPS)[number]; risk: number; errorCode: number; sessionId: string; country: string }): RawRecord {
  return {
    Timestamp: iso(s.time),
    Application: s.app.name,
    ApplicationId: s.app.id,
    LogonType: '["interactiveUser"]',
    ErrorCode: s.errorCode,
    CorrelationId: rng.uuid(),
    SessionId: s.sessionId,
    AccountDisplayName: s.user.displayName,
    AccountObjectId: s.user.objectId,
    AccountUpn: s.user.upn,
    IsExternalUser: 0,
    IsGuestUser: false,
    AlternateSignInName: s.user.upn,
    LastPasswordChangeTimestamp: '2026-01-12T09:00:00Z',
    ResourceDisplayName: 'Office 365 Exchange Online',
    ResourceId: '00000002-0000-0ff1-ce00-000000000000',
    ResourceTenantId: '',
    DeviceName: '',
    AadDeviceId: '',
    OSPlatform: 'Windows',
    DeviceTrustType: '',
    IsManaged: 0,
    IsCompliant: 0,
    AuthenticationProcessingDetails: '[]',
    AuthenticationRequirement: 'singleFactorAuthentication',
    TokenIssuerType: 0,
    RiskLevelAggregated: s.risk,
    RiskLevelDuringSignIn: s.risk,
    RiskEventTypes: s.risk >= 50 ? '["unfamiliarFeatures","anomalousToken"]' : '[]',
    RiskState: s.risk >= 50 ? 'atRisk' : 'none',
    UserAgent: USER_AGENTS[0],
    ClientAppUsed: 'Browser',
    Browser: 'Edge 128.0.0',
    ConditionalAccessPolicies: '[]',
    ConditionalAccessStatus: 2,
    IPAddress: s.ip,
    Country: s.country,
    State: '',
    City: '',
    Latitude: '',
    Longitude: '',
    NetworkLocationDetails: '[]',
    RequestId: rng.uuid(),
    ReportId: rng.uuid(),
    Type: 'EntraIdSignInEvents',
  };
}

/** An AuditLogs row. Security-info, role and device operations name their targets as the portal logs them. */
export function auditRecord(
  rng: Rng,
  tenant: Tenant,
  a: { time: number; operation: string; category: string; initiator: SimUser | { app: string }; ip: string; target: SimUser; targetDisplayName?: string; role?: string },
): RawRecord {
  const initiatedBy =
    'app' in a.initiator
      ? { app: { displayName: a.initiator.app, appId: null, servicePrincipalId: rng.uuid(), servicePrincipalName: null } }
      : { user: { id: a.initiator.objectId, displayName: null, userPrincipalName: a.initiator.upn, ipAddress: a.ip, roles: [] } };
  const modified = a.role
    ? [
        { displayName: 'Role.DisplayName', oldValue: null, newValue: JSON.stringify(a.role) },
        { displayName: 'Role.TemplateId', oldValue: null, newValue: JSON.stringify(rng.uuid()) },
      ]
    : [];
  return {
    TenantId: tenant.tenantId,
    SourceSystem: 'Azure AD',
    TimeGenerated: iso(a.time),
    ResourceId: `/tenants/${tenant.tenantId}/providers/Microsoft.aadiam`,
    OperationName: a.operation,
    OperationVersion: '1.0',
    Category: a.category,
    ResultType: '',
    ResultSignature: 'None',
    DurationMs: 0,
    CorrelationId: rng.uuid(),
    Resource: 'Microsoft.aadiam',
    ResourceGroup: 'Microsoft.aadiam',
    Level: 4,
    AdditionalDetails: [{ key: 'User-Agent', value: USER_AGENTS[0] }],
    Id: `Directory_${rng.uuid()}`,
    InitiatedBy: initiatedBy,
    LoggedByService: a.category === 'RoleManagement' ? 'Core Directory' : 'Authentication Methods',
    Result: 'success',
    ResultReason: '',
    TargetResources: [
      {
        id: a.target.objectId,
        displayName: a.targetDisplayName ?? a.target.displayName,
        type: 'User',
        userPrincipalName: a.target.upn,
        modifiedProperties: modified,
        administrativeUnits: [],
      },
      ...(a.role ? [{ id: rng.uuid(), displayName: a.role, type: 'Role', modifiedProperties: [], administrativeUnits: [] }] : []),
    ],
    AADTenantId: tenant.tenantId,
    ActivityDisplayName: a.operation,
    ActivityDateTime: iso(a.time),
    AADOperationType: a.operation.startsWith('Add') ? 'Assign' : 'Update',
    Type: 'AuditLogs',
  };
}

/** A CloudAppEvents "Add registered owner to device." row as the Device Registration Service logs it. */
export function deviceRegistrationRecord(rng: Rng, tenant: Tenant, d: { time: number; user: SimUser; deviceObjectId: string; deviceName: string; ip: string }): RawRecord {
  return {
    Timestamp: iso(d.time),
    ActionType: 'Add registered owner to device.',
    Application: 'Microsoft Entra ID',
    ApplicationId: 11161,
    AccountObjectId: 'b0cb6aac-3a38-42c2-8a2d-4a6f0e7f6d2b',
    AccountId: 'b0cb6aac-3a38-42c2-8a2d-4a6f0e7f6d2b',
    AccountDisplayName: 'Device Registration Service',
    IsAdminOperation: false,
    DeviceType: '',
    OSPlatform: '',
    IPAddress: d.ip,
    IsAnonymousProxy: false,
    CountryCode: '',
    City: '',
    ISP: '',
    UserAgent: '',
    ActivityType: 'Edit',
    ActivityObjects: [],
    ObjectName: d.deviceName,
    ObjectType: 'Device',
    ObjectId: d.deviceObjectId,
    ReportId: rng.uuid(),
    AccountType: 'Application',
    IsExternalUser: false,
    IsImpersonated: false,
    IPTags: [],
    IPCategory: '',
    UserAgentTags: [],
    RawEventData: {
      CreationTime: iso(d.time).replace(/\.\d+Z$/, ''),
      Id: rng.uuid(),
      Operation: 'Add registered owner to device.',
      OrganizationId: tenant.tenantId,
      RecordType: 8,
      ResultStatus: 'Success',
      UserKey: 'Not Available',
      UserType: 4,
      Version: 1,
      Workload: 'AzureActiveDirectory',
      ObjectId: d.user.upn,
      UserId: 'ServicePrincipal_b0cb6aac-3a38-42c2-8a2d-4a6f0e7f6d2b',
      AzureActiveDirectoryEventType: 1,
      ExtendedProperties: [{ Name: 'additionalDetails', Value: '{}' }],
      ModifiedProperties: [
        { Name: 'Device.ObjectID', NewValue: d.deviceObjectId, OldValue: '' },
        { Name: 'Device.DisplayName', NewValue: d.deviceName, OldValue: '' },
        { Name: 'Included Updated Properties', NewValue: '', OldValue: '' },
      ],
      Actor: [{ ID: 'Device Registration Service', Type: 1 }],
      Target: [
        { ID: `User_${d.user.objectId}`, Type: 2 },
        { ID: d.user.objectId, Type: 2 },
        { ID: 'User', Type: 2 },
        { ID: d.user.upn, Type: 5 },
      ],
    },
    AdditionalFields: {},
    Type: 'CloudAppEvents',
  };
}

/** An IdentityInfo snapshot row of one user. */
export function identityInfoRecord(rng: Rng, tenant: Tenant, u: SimUser, time: number): RawRecord {
  const [name, domain] = u.upn.split('@') as [string, string];
  return {
    TenantId: tenant.tenantId,
    TimeGenerated: iso(time),
    SourceSystem: 'AAD',
    AccountObjectId: u.objectId,
    AccountName: name,
    AccountDomain: domain,
    AccountUPN: u.upn,
    AccountDisplayName: u.displayName,
    AccountTenantId: tenant.tenantId,
    Department: u.department,
    JobTitle: u.roles.length ? 'IT Administrator' : 'Analyst',
    AssignedRoles: JSON.stringify(u.roles),
    GroupMembership: JSON.stringify(['All Users', `${u.department} Team`]),
    IsAccountEnabled: true,
    UserType: 'Member',
    RiskLevel: '',
    RiskState: '',
    Type: 'IdentityInfo',
    _ItemId: rng.uuid(),
  };
}

/** A SecurityAlert row naming an account and an IP (Entities as JSON text, as Sentinel logs it). */
export function alertRecord(rng: Rng, tenant: Tenant, a: { time: number; name: string; severity: string; user: SimUser; ip: string; provider?: string }): RawRecord {
  const [name, suffix] = a.user.upn.split('@') as [string, string];
  const entities = [
    { $id: '2', Name: name, UPNSuffix: suffix, AadTenantId: tenant.tenantId, AadUserId: a.user.objectId, IsDomainJoined: false, Type: 'account' },
    { $id: '3', Address: a.ip, Type: 'ip', Location: { CountryCode: 'NL', State: 'North Holland', City: 'Amsterdam' } },
  ];
  const id = rng.uuid();
  return {
    TenantId: tenant.tenantId,
    TimeGenerated: iso(a.time),
    DisplayName: a.name,
    AlertName: a.name,
    AlertSeverity: a.severity,
    Description: 'The following properties of this sign-in are unfamiliar for the given user: ASN, Browser, Device, IP, Location.',
    ProviderName: a.provider ?? 'IPC',
    VendorName: 'Microsoft',
    VendorOriginalId: id,
    SystemAlertId: id,
    ResourceId: '',
    SourceComputerId: '',
    AlertType: 'UnfamiliarLocation',
    ConfidenceLevel: '',
    ConfidenceScore: null,
    IsIncident: false,
    StartTime: iso(a.time),
    EndTime: iso(a.time),
    ProcessingEndTime: iso(a.time + 300_000),
    RemediationSteps: '[]',
    ExtendedProperties: JSON.stringify({ 'Detail Description': 'Unfamiliar sign-in properties', State: 'Open' }),
    Entities: JSON.stringify(entities),
    SourceSystem: 'Detection',
    WorkspaceSubscriptionId: '',
    WorkspaceResourceGroup: '',
    ExtendedLinks: '',
    ProductName: 'Azure Active Directory Identity Protection',
    ProductComponentName: '',
    AlertLink: '',
    Status: 'New',
    CompromisedEntity: a.user.upn,
    Tactics: 'InitialAccess',
    Techniques: '',
    Type: 'SecurityAlert',
  };
}
