/**
 * SecurityAlert rows: Entities and ExtendedProperties as JSON strings, as
 * Sentinel logs them. Two entity styles, both real: an account named by
 * Name + UPNSuffix (what hunt 4 joins on), or by AadUserId only (what
 * Identity Protection often sends), plus the IP and, for sign-in alerts, the
 * cloud-logon session with a `$ref` back to the account.
 */
import type { Place } from '../reference-data.js';
import type { Rng } from '../rng.js';
import type { SimUser, Tenant } from '../tenant.js';
import { iso, MINUTE } from '../time.js';

export interface AlertSpec {
  readonly time: number;
  readonly name: string;
  readonly type: string;
  readonly provider: string;
  readonly product: string;
  readonly severity: string;
  readonly description: string;
  readonly user: SimUser;
  readonly ip: string;
  readonly place: Place;
  /** Name the account by Name and UPNSuffix (else only by AadUserId). */
  readonly namedAccount: boolean;
  readonly userAgent: string;
}

/** One SecurityAlert row. */
export function securityAlertRecord(rng: Rng, tenant: Tenant, a: AlertSpec): Record<string, unknown> {
  const [name, suffix] = a.user.upn.split('@') as [string, string];
  const account = a.namedAccount
    ? { $id: '2', Name: name, UPNSuffix: suffix, AadTenantId: tenant.tenantId, AadUserId: a.user.objectId, IsDomainJoined: false, DisplayName: a.user.displayName, Type: 'account' }
    : { $id: '2', AadTenantId: tenant.tenantId, AadUserId: a.user.objectId, Type: 'account' };
  const requestId = rng.uuid();
  const entities = [
    account,
    { $id: '3', SessionId: rng.uuid(), Account: { $ref: '2' }, UserAgent: a.userAgent, StartTimeUtc: iso(a.time - 12 * MINUTE), Type: 'cloud-logon-session' },
    { $id: '4', RequestId: requestId, Type: 'cloud-logon-request' },
    { $id: '5', Address: a.ip, Location: { CountryCode: a.place.country, State: a.place.state, City: a.place.city, Longitude: a.place.lon, Latitude: a.place.lat, Asn: a.place.asn }, Type: 'ip' },
  ];
  const systemAlertId = rng.uuid();
  const extended = {
    'Client IP Address': a.ip,
    'Client Location': `${a.place.city}, ${a.place.state}, ${a.place.country}`,
    'Detail Description': a.description,
    'Request Id': requestId,
    State: 'Open',
    UpdateOwner: a.provider === 'IPC' ? 'Ipc' : a.provider,
    ProcessedBySentinel: 'True',
    'Alert generation status': 'Full alert created',
  };
  return {
    TenantId: tenant.tenantId,
    TimeGenerated: iso(a.time),
    DisplayName: a.name,
    AlertName: a.name,
    AlertSeverity: a.severity,
    Description: a.description,
    ProviderName: a.provider,
    VendorName: 'Microsoft',
    VendorOriginalId: rng.hex(64),
    SystemAlertId: systemAlertId,
    ResourceId: '',
    SourceComputerId: '',
    AlertType: a.type,
    ConfidenceLevel: '',
    ConfidenceScore: null,
    IsIncident: false,
    StartTime: iso(a.time - 10 * MINUTE),
    EndTime: iso(a.time - 10 * MINUTE),
    ProcessingEndTime: iso(a.time),
    RemediationSteps: JSON.stringify(['1. Contact the user to confirm the sign-in.', '2. If it was not the user, reset the password and revoke sessions.']),
    ExtendedProperties: JSON.stringify(extended),
    Entities: JSON.stringify(entities),
    SourceSystem: 'Detection',
    WorkspaceSubscriptionId: '',
    WorkspaceResourceGroup: '',
    ExtendedLinks: '',
    ProductName: a.product,
    ProductComponentName: '',
    AlertLink: '',
    Status: 'New',
    CompromisedEntity: a.namedAccount ? a.user.upn : '',
    Tactics: 'InitialAccess',
    Techniques: '',
    SubTechniques: '',
    Type: 'SecurityAlert',
  };
}
